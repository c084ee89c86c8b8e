import { ConflictError, NotFoundError, UnprocessableError } from '@opsline/platform';
import type { ReturnRefusal, ReturnRefusalCode } from '../domain/return-errors';

/** Refusals that conflict with the return's state (409) rather than being bad data (422). */
const CONFLICT_CODES: ReadonlySet<ReturnRefusalCode> = new Set([
  'RETURN.NOT_AUTHORIZED',
  'RETURN.ALREADY_CLOSED',
  'RETURN.TRANSITION_NOT_ALLOWED',
]);

/** The code first, so a dead letter's error header carries the code as its reason. */
export function refusalMessage(refusal: ReturnRefusal): string {
  return `${refusal.code}: ${refusal.message}`;
}

export class ReturnConflict extends ConflictError {}
export class ReturnUnprocessable extends UnprocessableError {}

/** The error a refusal is thrown as (HTTP 409/422; dead-lettered with the code on Kafka). */
export function refusalError(refusal: ReturnRefusal): ReturnConflict | ReturnUnprocessable {
  return CONFLICT_CODES.has(refusal.code)
    ? new ReturnConflict(refusal.code, refusalMessage(refusal))
    : new ReturnUnprocessable(refusal.code, refusalMessage(refusal));
}

export class ReturnNotFound extends NotFoundError {
  constructor(returnId: string) {
    super('RETURN.NOT_FOUND', `Return "${returnId}" does not exist`);
  }
}

/** The same return id requested again with other content: refused, never an overwrite. */
export class ReturnRequestConflict extends ConflictError {
  constructor(returnId: string) {
    super(
      'RETURN.CONFLICT',
      `RETURN.CONFLICT: return "${returnId}" was already requested with different content`,
    );
  }
}

/** A request naming one order line twice: a return line holds one reason per order line. */
export class ReturnRequestDuplicateLine extends UnprocessableError {
  constructor(lineId: string) {
    super('RETURN.DUPLICATE_LINE', `RETURN.DUPLICATE_LINE: line ${lineId} is requested more than once`, {
      fields: [{ field: 'lines', rule: 'uniqueLineIds', message: `lineId ${lineId} appears more than once` }],
    });
  }
}
