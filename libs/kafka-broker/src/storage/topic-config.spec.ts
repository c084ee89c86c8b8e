import { ErrorCode } from '../protocol/error-codes';
import { effectiveTopicConfig, validateTopicConfigs, validateTopicName } from './topic-config';

describe('validateTopicName', () => {
  it.each(['orders', 'a', 'Orders.v2_final-1', 'x'.repeat(249), '...', '__consumer_offsets'])(
    'accepts %s',
    (name) => {
      expect(validateTopicName(name)).toBeNull();
    },
  );

  it.each([
    ['an empty name', ''],
    ['"."', '.'],
    ['".."', '..'],
    ['a 250-character name', 'x'.repeat(250)],
    ['a slash', 'a/b'],
    ['a space', 'a b'],
    ['a non-ASCII letter', 'café'],
    ['a colon', 'a:b'],
  ])('rejects %s with a reason', (_what, name) => {
    expect(validateTopicName(name)).toEqual(expect.any(String));
  });
});

describe('validateTopicConfigs', () => {
  it('accepts the supported configs with valid values', () => {
    expect(
      validateTopicConfigs({
        'retention.ms': '-1',
        'retention.bytes': '1073741824',
        'segment.bytes': '1048576',
        'max.message.bytes': '1048588',
        'cleanup.policy': 'delete',
        'min.insync.replicas': '1',
      }),
    ).toBeNull();
  });

  it.each([
    ['retention.ms', 'soon'],
    ['retention.ms', '1.5'],
    ['retention.bytes', '-2'],
    ['segment.bytes', '0'],
    ['segment.bytes', '4294967296'],
    ['max.message.bytes', ''],
    ['cleanup.policy', 'compact'],
    ['min.insync.replicas', '2'],
    ['compression.type', 'gzip'],
    ['toString', 'x'],
  ])('rejects %s=%s with INVALID_CONFIG naming the config', (name, value) => {
    expect(validateTopicConfigs({ [name]: value })).toEqual({
      ok: false,
      errorCode: ErrorCode.INVALID_CONFIG,
      message: expect.stringContaining(name),
    });
  });
});

describe('effectiveTopicConfig', () => {
  it('applies overrides on top of the defaults', () => {
    const defaults = { retentionMs: 1000, retentionBytes: -1, segmentBytes: 4096, maxMessageBytes: 100 };
    expect(effectiveTopicConfig(defaults, { 'retention.bytes': '5000', 'cleanup.policy': 'delete' })).toEqual(
      {
        ...defaults,
        retentionBytes: 5000,
      },
    );
  });
});
