const CHUNK_SIZE = 16 * 1024;
/** Byte fields at least this long are passed through as their own chunk instead of being copied. */
const ZERO_COPY_THRESHOLD = 1024;

/**
 * Writes Kafka protocol primitives into a list of chunks. Large byte fields (record batches) are
 * referenced, not copied, so a fetch response costs one copy: from the log file into memory.
 */
export class ProtocolWriter {
  private readonly chunks: Buffer[] = [];
  private current = Buffer.allocUnsafe(CHUNK_SIZE);
  private pos = 0;
  private flushedLength = 0;

  get length(): number {
    return this.flushedLength + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.current.length) return;
    this.closeChunk();
    this.current = Buffer.allocUnsafe(Math.max(CHUNK_SIZE, n));
  }

  private closeChunk(): void {
    if (this.pos === 0) return;
    this.chunks.push(this.current.subarray(0, this.pos));
    this.flushedLength += this.pos;
    this.current = this.current.subarray(this.pos);
    this.pos = 0;
  }

  int8(value: number): this {
    this.ensure(1);
    this.pos = this.current.writeInt8(value, this.pos);
    return this;
  }

  int16(value: number): this {
    this.ensure(2);
    this.pos = this.current.writeInt16BE(value, this.pos);
    return this;
  }

  int32(value: number): this {
    this.ensure(4);
    this.pos = this.current.writeInt32BE(value, this.pos);
    return this;
  }

  uint32(value: number): this {
    this.ensure(4);
    this.pos = this.current.writeUInt32BE(value, this.pos);
    return this;
  }

  int64(value: number): this {
    this.ensure(8);
    this.pos = this.current.writeBigInt64BE(BigInt(value), this.pos);
    return this;
  }

  float64(value: number): this {
    this.ensure(8);
    this.pos = this.current.writeDoubleBE(value, this.pos);
    return this;
  }

  bool(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  unsignedVarint(value: number): this {
    this.ensure(5);
    let rest = value;
    while (rest >= 0x80) {
      this.current[this.pos++] = (rest & 0x7f) | 0x80;
      rest = Math.floor(rest / 128);
    }
    this.current[this.pos++] = rest;
    return this;
  }

  raw(bytes: Buffer): this {
    if (bytes.length >= ZERO_COPY_THRESHOLD) {
      this.closeChunk();
      this.chunks.push(bytes);
      this.flushedLength += bytes.length;
      return this;
    }
    this.ensure(bytes.length);
    bytes.copy(this.current, this.pos);
    this.pos += bytes.length;
    return this;
  }

  nullableBytes(value: Buffer | null, compact: boolean): this {
    if (value === null) return compact ? this.unsignedVarint(0) : this.int32(-1);
    if (compact) this.unsignedVarint(value.length + 1);
    else this.int32(value.length);
    return this.raw(value);
  }

  nullableString(value: string | null, compact: boolean): this {
    if (value === null) return compact ? this.unsignedVarint(0) : this.int16(-1);
    const length = Buffer.byteLength(value);
    if (compact) this.unsignedVarint(length + 1);
    else this.int16(length);
    this.ensure(length);
    this.pos += this.current.write(value, this.pos, 'utf8');
    return this;
  }

  arrayLength(length: number | null, compact: boolean): this {
    if (length === null) return compact ? this.unsignedVarint(0) : this.int32(-1);
    return compact ? this.unsignedVarint(length + 1) : this.int32(length);
  }

  /** The chunks written so far, in order. */
  toChunks(): Buffer[] {
    this.closeChunk();
    return this.chunks;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.toChunks(), this.length);
  }
}
