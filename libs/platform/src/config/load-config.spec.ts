import { IsNotEmpty, IsString } from 'class-validator';
import { ConfigValidationError, loadConfig } from './load-config';
import { ServiceEnvironment } from './service-environment';

class OrdersEnvironment extends ServiceEnvironment {
  override PORT = 3001;

  @IsString()
  @IsNotEmpty()
  ORDERS_TOPIC = 'opsline.orders';
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems.map((problem) => problem.message);
    throw error;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('loadConfig', () => {
  it('applies the documented defaults when nothing is set', () => {
    const env = loadConfig(OrdersEnvironment, {});
    expect(env).toBeInstanceOf(OrdersEnvironment);
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3001,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      HTTP_BODY_LIMIT_BYTES: 1048576,
      SHUTDOWN_TIMEOUT_MS: 10000,
      ORDERS_TOPIC: 'opsline.orders',
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.OPSLINE_API_KEYS).toBeUndefined();
  });

  it('converts numbers and broker lists, and treats empty variables as unset', () => {
    const env = loadConfig(OrdersEnvironment, {
      PORT: '4001',
      KAFKA_BROKERS: ' broker-a:9092 , broker-b:19092 ',
      HTTP_BODY_LIMIT_BYTES: '2048',
      DATABASE_URL: '',
      UNRELATED: 'ignored',
    });
    expect(env.PORT).toBe(4001);
    expect(env.KAFKA_BROKERS).toEqual(['broker-a:9092', 'broker-b:19092']);
    expect(env.HTTP_BODY_LIMIT_BYTES).toBe(2048);
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env).not.toHaveProperty('UNRELATED');
  });

  it('fails once, naming every bad variable with its rule and value', () => {
    const problems = problemsOf(() =>
      loadConfig(OrdersEnvironment, {
        PORT: 'abc',
        NODE_ENV: 'staging',
        LOG_LEVEL: 'loud',
        KAFKA_BROKERS: 'localhost',
        SHUTDOWN_TIMEOUT_MS: '60000',
        DATABASE_URL: 'mysql://u:secret@db/x',
      }),
    );
    expect(problems).toEqual([
      'NODE_ENV must be one of development, test, production (got "staging")',
      'PORT must be an integer 1..65535 (got "abc")',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
      'KAFKA_BROKERS must be a comma-separated list of host:port (got "localhost")',
      'DATABASE_URL must be a postgres://user:password@host:port/db URL (got "mysql://u:***@db/x")',
      'SHUTDOWN_TIMEOUT_MS must be an integer 1..10000 (got "60000")',
    ]);
  });

  it('puts all problems in one error message', () => {
    expect(() => loadConfig(ServiceEnvironment, { PORT: '0', HOST: ' ' })).toThrow(
      'Invalid configuration (1 problem):\n  - PORT must be an integer 1..65535 (got "0")',
    );
    expect(() => loadConfig(ServiceEnvironment, {})).toThrow('PORT must be an integer 1..65535 (not set)');
  });

  it('validates the variables a service adds, in the same format', () => {
    class KpiEnvironment extends ServiceEnvironment {
      @IsString()
      @IsNotEmpty()
      KPI_GROUP_ID!: string;
    }
    expect(problemsOf(() => loadConfig(KpiEnvironment, { PORT: '3004' }))).toEqual([
      'KPI_GROUP_ID should not be empty (not set)',
    ]);
  });

  it('refuses production without OPSLINE_API_KEYS, naming the variable', () => {
    expect(problemsOf(() => loadConfig(OrdersEnvironment, { NODE_ENV: 'production' }))).toEqual([
      'OPSLINE_API_KEYS must be set when NODE_ENV=production (the dev-key fallback is for one machine only) (not set)',
    ]);
    const env = loadConfig(OrdersEnvironment, {
      NODE_ENV: 'production',
      OPSLINE_API_KEYS: 'k1=orders:write',
    });
    expect(env.OPSLINE_API_KEYS).toBe('k1=orders:write');
  });

  it('rejects a malformed key spec naming the entry, without repeating the keys', () => {
    const problems = problemsOf(() =>
      loadConfig(OrdersEnvironment, {
        OPSLINE_API_KEYS: 'k1=orders:write;supersecretkey-0123456789=warehouse:write@;k3',
      }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^OPSLINE_API_KEYS is malformed: entry 2 \(key supe…\).*warehouse/);
    expect(problems[0]).toContain('entry 3 (key #3) has no "="');
    expect(problems[0]).toMatch(/\(got a value of \d+ characters\)$/);
    expect(problems[0]).not.toContain('supersecretkey-0123456789');
  });
});
