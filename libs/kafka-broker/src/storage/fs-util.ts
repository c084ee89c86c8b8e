import * as fs from 'fs';

/** Writes all of `buf[offset, offset + length)` at file position `position`, looping on short writes. */
export function writeFully(
  fd: number,
  buf: Buffer,
  position: number,
  offset = 0,
  length = buf.length - offset,
): void {
  let done = 0;
  while (done < length) {
    done += fs.writeSync(fd, buf, offset + done, length - done, position + done);
  }
}

/**
 * Reads up to `length` bytes at file position `position` into `buf` from `offset`, looping on short
 * reads until the length is reached or the file ends.
 *
 * @returns the number of bytes read.
 */
export function readFully(fd: number, buf: Buffer, offset: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, offset + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** Fsyncs a directory so that file creations, renames and deletions in it are durable. */
export function fsyncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Returns true when `err` is a Node system error with the given code (e.g. ENOENT). */
export function isErrnoCode(err: unknown, code: string): boolean {
  // Structural check: `instanceof Error` fails for errors from another realm (e.g. jest sandboxes).
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}

/** Deletes a file, ignoring a file that does not exist. */
export function unlinkIfExists(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (err) {
    if (!isErrnoCode(err, 'ENOENT')) throw err;
  }
}
