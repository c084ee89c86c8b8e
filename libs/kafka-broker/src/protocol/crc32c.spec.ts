import { crc32c } from './crc32c';

/** Bit-at-a-time reference implementation to cross-check the table-driven one. */
function referenceCrc32c(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32c', () => {
  it('matches the standard check value for "123456789"', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('returns 0 for an empty input', () => {
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });

  it('matches the RFC 3720 test vectors (32 bytes of zeros, of 0xff, ascending)', () => {
    expect(crc32c(Buffer.alloc(32, 0))).toBe(0x8a9136aa);
    expect(crc32c(Buffer.alloc(32, 0xff))).toBe(0x62a8ab43);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i)))).toBe(0x46dd794e);
    expect(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i)))).toBe(0x113fdb5c);
  });

  it('agrees with a bit-wise reference for every length around the 8-byte stride', () => {
    const data = Buffer.from(Array.from({ length: 100 }, (_, i) => (i * 151 + 7) & 0xff));
    for (let len = 0; len <= data.length; len++) {
      expect(crc32c(data.subarray(0, len))).toBe(referenceCrc32c(data.subarray(0, len)));
    }
  });

  it('checksums only the [start, end) range when given', () => {
    const data = Buffer.from('xx123456789yy');
    expect(crc32c(data, 2, 11)).toBe(0xe3069283);
  });

  it('always returns an unsigned value', () => {
    for (let i = 0; i < 64; i++) {
      expect(crc32c(Buffer.from([i, i * 3, i * 7]))).toBeGreaterThanOrEqual(0);
    }
  });
});
