/**
 * A request the broker cannot parse. The connection that sent it is closed (as Kafka does);
 * the broker and every other connection keep going.
 */
export class MalformedRequestError extends Error {
  override readonly name = 'MalformedRequestError';
}
