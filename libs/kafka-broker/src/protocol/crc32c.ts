/** Reflected CRC-32C (Castagnoli) polynomial. */
const POLY = 0x82f63b78;

/**
 * Slicing-by-8 lookup tables, laid out as 8 consecutive 256-entry tables so a single typed array
 * stays in cache. Table k gives the CRC contribution of a byte that is followed by k more bytes.
 */
const TABLES = buildTables();

function buildTables(): Uint32Array {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[k * 256 + n] = c >>> 0;
    }
  }
  return t;
}

/**
 * CRC-32C (Castagnoli) of `buf[start, end)`, as used by Kafka record batches v2.
 *
 * @returns the checksum as an unsigned 32-bit integer.
 */
export function crc32c(buf: Buffer, start = 0, end: number = buf.length): number {
  const t = TABLES;
  let crc = 0xffffffff;
  let i = start;
  const fastEnd = end - 8;
  while (i <= fastEnd) {
    const lo = crc ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24));
    crc =
      t[1792 + (lo & 0xff)] ^
      t[1536 + ((lo >>> 8) & 0xff)] ^
      t[1280 + ((lo >>> 16) & 0xff)] ^
      t[1024 + (lo >>> 24)] ^
      t[768 + buf[i + 4]] ^
      t[512 + buf[i + 5]] ^
      t[256 + buf[i + 6]] ^
      t[buf[i + 7]];
    i += 8;
  }
  while (i < end) {
    crc = t[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
    i++;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
