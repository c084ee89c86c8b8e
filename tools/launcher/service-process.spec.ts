import { SERVICE_SEMI_SPACE_MB, serviceNodeFlags } from './service-process';

describe('serviceNodeFlags', () => {
  it('gives the services a larger young generation', () => {
    expect(serviceNodeFlags(undefined)).toEqual([`--max-semi-space-size=${SERVICE_SEMI_SPACE_MB}`]);
    expect(serviceNodeFlags('--enable-source-maps')).toEqual([
      `--max-semi-space-size=${SERVICE_SEMI_SPACE_MB}`,
    ]);
  });

  it('leaves the choice to NODE_OPTIONS when it sets the size', () => {
    expect(serviceNodeFlags('--max-semi-space-size=64')).toEqual([]);
  });
});
