import { MalformedRequestError } from './errors';

/** Reads Kafka protocol primitives from a buffer, failing with MalformedRequestError past its end. */
export class ProtocolReader {
  constructor(
    private readonly buf: Buffer,
    public pos = 0,
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private take(n: number): number {
    if (n < 0 || this.pos + n > this.buf.length) {
      throw new MalformedRequestError(`truncated: needed ${n} bytes at ${this.pos} of ${this.buf.length}`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.take(1));
  }

  int16(): number {
    return this.buf.readInt16BE(this.take(2));
  }

  int32(): number {
    return this.buf.readInt32BE(this.take(4));
  }

  uint32(): number {
    return this.buf.readUInt32BE(this.take(4));
  }

  /** int64 as a JS number: offsets and timestamps stay far below 2^53. */
  int64(): number {
    return Number(this.buf.readBigInt64BE(this.take(8)));
  }

  float64(): number {
    return this.buf.readDoubleBE(this.take(8));
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  uuid(): Buffer {
    const at = this.take(16);
    return this.buf.subarray(at, at + 16);
  }

  unsignedVarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.buf[this.take(1)];
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new MalformedRequestError(`varint longer than 5 bytes at ${this.pos}`);
  }

  varint(): number {
    const raw = this.unsignedVarint();
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }

  /** A length-prefixed run of bytes; `compact` uses the flexible-version varint (length + 1) prefix. */
  nullableBytes(compact: boolean): Buffer | null {
    const length = compact ? this.unsignedVarint() - 1 : this.int32();
    if (length < 0) return null;
    const at = this.take(length);
    return this.buf.subarray(at, at + length);
  }

  nullableString(compact: boolean): string | null {
    const length = compact ? this.unsignedVarint() - 1 : this.int16();
    if (length < 0) return null;
    const at = this.take(length);
    return this.buf.toString('utf8', at, at + length);
  }

  /** Array length; null for a null array. */
  arrayLength(compact: boolean): number | null {
    const length = compact ? this.unsignedVarint() - 1 : this.int32();
    if (length < 0) return null;
    // Each element takes at least one byte: a larger count is a lie that would make us allocate wildly.
    if (length > this.remaining) {
      throw new MalformedRequestError(`array of ${length} elements with ${this.remaining} bytes left`);
    }
    return length;
  }

  /** Skips the tagged fields of a flexible-version struct; opsline reads none of them. */
  skipTaggedFields(): void {
    const count = this.unsignedVarint();
    for (let i = 0; i < count; i++) {
      this.unsignedVarint();
      this.take(this.unsignedVarint());
    }
  }
}
