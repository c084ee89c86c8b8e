import {
  BatchField,
  LOG_OVERHEAD,
  MIN_BATCH_LENGTH,
  RECORD_BATCH_HEADER_SIZE,
} from '../protocol/record-batch';
import { readFully } from './fs-util';

const DEFAULT_CHUNK_BYTES = 64 * 1024;

/**
 * Walks the batches of a segment file from a start position with large chunked reads, so a scan
 * costs one syscall per chunk rather than one per batch.
 */
export class BatchScanner {
  private chunk: Buffer;
  private chunkStart = 0;
  private chunkLength = 0;
  /** Index into {@link buffer} of the current batch. */
  at = 0;
  /** Total size of the current batch (0 before the first {@link next} and after a failed one). */
  size = 0;

  /** Scans `[position, end)` of the file `fd`; {@link position} is the file position of the current batch. */
  constructor(
    private readonly fd: number,
    public position: number,
    private readonly end: number,
    chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {
    this.chunk = Buffer.allocUnsafe(Math.max(chunkBytes, RECORD_BATCH_HEADER_SIZE));
  }

  /** Buffer holding the current batch at {@link at}; valid until the next call. */
  get buffer(): Buffer {
    return this.chunk;
  }

  /**
   * Moves past the current batch and makes the header of the next one available at {@link at}.
   *
   * @returns false at the end of the range or when the bytes there cannot start a batch that ends
   *   within the range; {@link position} then says where the missing or bad data starts.
   */
  next(): boolean {
    this.position += this.size;
    this.size = 0;
    if (!this.ensure(RECORD_BATCH_HEADER_SIZE)) return false;
    const batchLength = this.chunk.readInt32BE(this.at + BatchField.batchLength);
    if (batchLength < MIN_BATCH_LENGTH || LOG_OVERHEAD + batchLength > this.end - this.position) return false;
    this.size = LOG_OVERHEAD + batchLength;
    return true;
  }

  /** Makes the whole current batch available at {@link at} (re-reading if it spans chunks). */
  loadWhole(): boolean {
    return this.ensure(this.size);
  }

  private ensure(bytes: number): boolean {
    if (this.end - this.position < bytes) return false;
    const offsetInChunk = this.position - this.chunkStart;
    if (offsetInChunk >= 0 && offsetInChunk + bytes <= this.chunkLength) {
      this.at = offsetInChunk;
      return true;
    }
    const want = Math.min(Math.max(bytes, this.chunk.length), this.end - this.position);
    if (want > this.chunk.length) this.chunk = Buffer.allocUnsafe(want);
    this.chunkStart = this.position;
    this.chunkLength = readFully(this.fd, this.chunk, 0, want, this.position);
    this.at = 0;
    return this.chunkLength >= bytes;
  }
}
