/** Where the persistence library writes its few log lines (same shape as the broker's logger). */
export interface PersistenceLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

function write(level: string, message: string, fields?: Record<string, unknown>): void {
  const line = JSON.stringify({
    time: new Date().toISOString(),
    level,
    component: 'persistence',
    message,
    ...fields,
  });
  process.stderr.write(`${line}\n`);
}

/** Writes one JSON object a line to stderr. */
export const jsonLogger: PersistenceLogger = {
  info: (message, fields) => write('info', message, fields),
  warn: (message, fields) => write('warn', message, fields),
  error: (message, fields) => write('error', message, fields),
};

/** Discards everything; for tests. */
export const silentLogger: PersistenceLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
