// Server-Sent Events over fetch: EventSource cannot send an Authorization header, and API keys never
// go into a URL (they would end up in access logs and browser history).

/**
 * An incremental parser of the `text/event-stream` format (WHATWG HTML §9.2.6): feed it decoded
 * text in chunks of any size; it calls `onEvent({ id, event, data })` for each dispatched event.
 * Comments (`: …`) are skipped; `id` persists across events as the last event id.
 */
export function createSseParser(onEvent) {
  let buffer = '';
  let data = [];
  let eventType = '';
  let lastEventId = '';
  let pendingCarriageReturn = false;

  const dispatch = () => {
    if (data.length > 0) onEvent({ id: lastEventId, event: eventType || 'message', data: data.join('\n') });
    data = [];
    eventType = '';
  };

  const processLine = (line) => {
    if (line === '') return dispatch();
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') eventType = value;
    else if (field === 'id' && !value.includes('\0')) lastEventId = value;
  };

  return {
    push(chunk) {
      let text = chunk;
      // a CRLF split across chunks: the LF belongs to the line the CR already ended
      if (pendingCarriageReturn && text.startsWith('\n')) text = text.slice(1);
      pendingCarriageReturn = false;
      buffer += text;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const char = buffer[i];
        if (char !== '\n' && char !== '\r') continue;
        processLine(buffer.slice(start, i));
        if (char === '\r') {
          if (i + 1 === buffer.length) pendingCarriageReturn = true;
          else if (buffer[i + 1] === '\n') i++;
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
    },
    get lastEventId() {
      return lastEventId;
    },
  };
}

/** Thrown by {@link readEventStream} when the server refuses the stream (status kept for 401/403). */
export class StreamRefused extends Error {
  constructor(status) {
    super(`the stream answered ${status}`);
    this.status = status;
  }
}

/**
 * Reads one connection of an SSE stream with fetch: resolves when the server ends it, rejects when
 * it cannot be opened or breaks (an abort through `signal` ends it quietly). Returns the last event
 * id seen, to resume from with `Last-Event-ID`.
 */
export async function readEventStream({ url, headers, lastEventId, signal, onEvent, onOpen }) {
  const response = await fetch(url, {
    headers: {
      accept: 'text/event-stream',
      ...headers,
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    },
    cache: 'no-store',
    signal,
  });
  if (!response.ok || response.body === null) throw new StreamRefused(response.status);
  onOpen?.();
  const parser = createSseParser(onEvent);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      parser.push(value);
    }
  } catch (error) {
    if (signal?.aborted) return parser.lastEventId || lastEventId;
    throw error;
  }
  return parser.lastEventId || lastEventId;
}
