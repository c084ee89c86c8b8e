import { crc32 } from 'node:zlib';
import { ErrorCode } from './error-codes';
import { convertLegacyMessageSet } from './legacy-message-set';
import { produceApi } from './messages/produce';
import { brokerDecodes, KAFKAJS, KafkaJsDecoder, trackKafkajsReads } from './messages/test/kafkajs-oracle';
import { validateRecordBatches } from './record-batch';

trackKafkajsReads();

interface KafkaJsRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
}

const Decoder = jest.requireActual<new (buffer: Buffer) => KafkaJsDecoder>(`${KAFKAJS}/decoder`);
const decodeRecordBatch = jest.requireActual<
  (decoder: KafkaJsDecoder) => Promise<{ records: KafkaJsRecord[] }>
>(`${KAFKAJS}/recordBatch/v0/decoder`);

const NOW = 1_764_000_000_000;
const MESSAGES = [
  { key: 'ORD-1001', value: '{"orderId":"ORD-1001"}', timestamp: NOW - 3000 },
  { key: null, value: 'no key', timestamp: NOW - 2000 },
  { key: 'ORD-1002', value: '{"orderId":"ORD-1002"}', timestamp: NOW - 1000 },
];

/** The message set of the first partition of a kafkajs Produce v0–v2 request, as the broker decodes it. */
async function legacyMessageSet(version: number, compression: number): Promise<Buffer> {
  const body = await brokerDecodes(produceApi, 'produce', version, {
    acks: -1,
    timeout: 1000,
    compression,
    topicData: [{ topic: 'legacy', partitions: [{ partition: 0, messages: MESSAGES }] }],
  });
  // StructValue fields are `unknown`; the Produce schema fixes this shape.
  return (body.topicData as { partitionData: { records: Buffer }[] }[])[0].partitionData[0].records;
}

async function kafkajsReads(batch: Buffer): Promise<object[]> {
  const { records } = await decodeRecordBatch(new Decoder(batch));
  return records.map((r) => ({
    offset: r.offset,
    timestamp: Number(r.timestamp),
    key: r.key?.toString() ?? null,
    value: r.value?.toString() ?? null,
  }));
}

describe('legacy message sets (Produce v0–v2)', () => {
  it.each([
    [0, 0, 'uncompressed magic 0 (stamped with the broker time)'],
    [1, 0, 'uncompressed magic 0 (stamped with the broker time)'],
    [2, 0, 'uncompressed magic 1'],
    [2, 1, 'gzip-wrapped magic 1'],
  ])(
    'Produce v%i with codec %i (%s) becomes one valid v2 batch kafkajs reads back',
    async (version, codec) => {
      const converted = convertLegacyMessageSet(await legacyMessageSet(version, codec), NOW);
      if (!converted.ok) throw new Error(converted.reason);
      expect(validateRecordBatches(converted.batch, 1 << 20)).toEqual({
        ok: true,
        batchCount: 1,
        recordCount: 3,
      });
      const magicOne = version === 2;
      expect(await kafkajsReads(converted.batch)).toEqual(
        MESSAGES.map((m, i) => ({
          offset: String(i),
          timestamp: magicOne ? m.timestamp : NOW,
          key: m.key,
          value: m.value,
        })),
      );
    },
  );

  it('refuses a message whose CRC-32 does not match with CORRUPT_MESSAGE', async () => {
    const set = Buffer.from(await legacyMessageSet(2, 0));
    set[set.length - 1] ^= 0xff;
    expect(convertLegacyMessageSet(set, NOW)).toMatchObject({
      ok: false,
      errorCode: ErrorCode.CORRUPT_MESSAGE,
    });
  });

  it('refuses a truncated message set with CORRUPT_MESSAGE', async () => {
    const set = await legacyMessageSet(2, 0);
    expect(convertLegacyMessageSet(set.subarray(0, set.length - 5), NOW)).toMatchObject({
      ok: false,
      errorCode: ErrorCode.CORRUPT_MESSAGE,
    });
  });

  it('refuses a snappy-wrapped message set with UNSUPPORTED_COMPRESSION_TYPE', async () => {
    const set = Buffer.from(await legacyMessageSet(2, 0));
    // First message: offset(8) size(4) crc(4) magic(1) attributes(1): set codec 2 (snappy) and fix the CRC.
    set[17] = 2;
    const size = set.readInt32BE(8);
    set.writeUInt32BE(crc32(set.subarray(16, 12 + size)), 12);
    expect(convertLegacyMessageSet(set, NOW)).toMatchObject({
      ok: false,
      errorCode: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE,
    });
  });

  it('refuses an empty message set with CORRUPT_MESSAGE', () => {
    expect(convertLegacyMessageSet(Buffer.alloc(0), NOW)).toMatchObject({
      ok: false,
      errorCode: ErrorCode.CORRUPT_MESSAGE,
    });
  });
});
