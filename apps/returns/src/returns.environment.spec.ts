import { ConfigValidationError, loadConfig } from '@opsline/platform';
import { ReturnsEnvironment, windowDaysByChannelOf } from './returns.environment';

const BASE = { DATABASE_URL: 'postgres://u:p@localhost:5432/opsline', KAFKA_BROKERS: 'localhost:9092' };

describe('ReturnsEnvironment', () => {
  it('defaults to a 30-day window, a 10% restocking fee and a 5-minute parking wait', () => {
    const environment = loadConfig(ReturnsEnvironment, BASE);
    expect(environment).toMatchObject({
      PORT: 3002,
      RETURNS_WINDOW_DAYS: 30,
      RETURNS_RESTOCKING_FEE_PERCENT: 10,
      RETURNS_PARK_MAX_WAIT_MS: 300_000,
    });
    expect(windowDaysByChannelOf(environment)).toEqual({});
  });

  it('reads per-channel windows', () => {
    const environment = loadConfig(ReturnsEnvironment, {
      ...BASE,
      RETURNS_WINDOW_DAYS: '60',
      RETURNS_WINDOW_DAYS_BY_CHANNEL: 'webshop=30,marketplace=14',
    });
    expect(environment.RETURNS_WINDOW_DAYS).toBe(60);
    expect(windowDaysByChannelOf(environment)).toEqual({ webshop: 30, marketplace: 14 });
  });

  it.each([
    ['RETURNS_WINDOW_DAYS_BY_CHANNEL', 'webshop:30'],
    ['RETURNS_WINDOW_DAYS', '-1'],
    ['RETURNS_RESTOCKING_FEE_PERCENT', '101'],
    ['RETURNS_RESTOCKING_FEE_PERCENT', '7.5'],
    ['RETURNS_PARK_MAX_WAIT_MS', 'soon'],
  ])('refuses to start with %s=%s, naming the variable', (name, value) => {
    expect(() => loadConfig(ReturnsEnvironment, { ...BASE, [name]: value })).toThrow(ConfigValidationError);
    expect(() => loadConfig(ReturnsEnvironment, { ...BASE, [name]: value })).toThrow(name);
  });
});
