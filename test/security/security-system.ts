/**
 * The system the security suite attacks: all four services booted in-process (no listening socket,
 * requests through `app.inject`) on one test database and one test broker, with `OPSLINE_API_KEYS`
 * holding a key per scope, a key holding every scope but one, a key with a scope no route needs, and
 * warehouse-limited keys.
 */
import { DynamicModule } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, TestDatabase } from '@opsline/persistence/testing';
import { DatabaseServiceEnvironment } from '@opsline/service-kit';
import { startServiceForTest } from '@opsline/service-kit/testing';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { InventoryEnvironment } from '../../apps/inventory/src/inventory.environment';
import { InventoryModule } from '../../apps/inventory/src/inventory.module';
import { KpiEnvironment } from '../../apps/kpi/src/kpi.environment';
import { KpiModule } from '../../apps/kpi/src/kpi.module';
import { OrdersEnvironment } from '../../apps/orders/src/orders.environment';
import { OrdersModule } from '../../apps/orders/src/orders.module';
import { ReturnsEnvironment } from '../../apps/returns/src/returns.environment';
import { ReturnsModule } from '../../apps/returns/src/returns.module';
import { BrokerFixture, startTestBroker } from '../../libs/kafka-broker/test/broker-fixture';

/** Every scope a route of opsline requires (besides `admin`). */
export const ROUTE_SCOPES = [
  'orders:read',
  'orders:write',
  'returns:read',
  'returns:write',
  'inventory:read',
  'warehouse:write',
  'kpi:read',
] as const;

/** Keys long enough to be unmistakable in a log line. */
export const KEYS = {
  admin: 'sec-admin-key-7f3a9c1e5b2d4086',
  wrongScope: 'sec-wrong-scope-key-4c8e2a6f0d1b',
  warehouseWriteWh1: 'sec-wh1-write-key-9d2b7e4a1c6f',
  inventoryReadWh1: 'sec-wh1-read-key-3e8f1a5c7b2d',
  /** `allBut[scope]` holds every route scope except `scope`. */
  allBut: Object.fromEntries(
    ROUTE_SCOPES.map((scope) => [scope, `sec-all-but-${scope.replace(':', '-')}-key-5a1e`]),
  ) as Record<string, string>,
} as const;

/** A key never configured. */
export const UNKNOWN_KEY = 'sec-unknown-key-0b6d2f8a4c1e';

export const API_KEYS_SPEC = [
  `${KEYS.admin}=admin`,
  `${KEYS.wrongScope}=unused:scope`,
  `${KEYS.warehouseWriteWh1}=warehouse:write@WH-1`,
  `${KEYS.inventoryReadWh1}=inventory:read@WH-1`,
  ...ROUTE_SCOPES.map(
    (scope) => `${KEYS.allBut[scope]}=${ROUTE_SCOPES.filter((other) => other !== scope).join(',')}`,
  ),
].join(';');

export const SERVICE_NAMES = ['orders', 'returns', 'inventory', 'kpi'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface SecuritySystem {
  readonly broker: BrokerFixture;
  readonly db: TestDatabase;
  readonly apps: Readonly<Record<ServiceName, NestFastifyApplication>>;
  /** A connection of the test's own, to count rows. */
  readonly inspector: DataSource;
  readonly kafka: Kafka;
}

export interface StartOptions {
  /** Extra environment, e.g. `LOG_LEVEL`. */
  readonly vars?: Record<string, string>;
  /** Rewrites the test database's URL the services get (e.g. to carry a password). */
  readonly databaseUrl?: (url: string) => string;
}

export async function startSecuritySystem(file: string, options: StartOptions = {}): Promise<SecuritySystem> {
  const [broker, db] = await Promise.all([
    startTestBroker({ defaultPartitions: 1 }),
    createTestDatabase({ name: file }),
  ]);
  const vars = {
    DATABASE_URL: options.databaseUrl?.(db.url) ?? db.url,
    KAFKA_BROKERS: broker.broker.address,
    OPSLINE_API_KEYS: API_KEYS_SPEC,
    ...options.vars,
  };
  const start = <E extends DatabaseServiceEnvironment>(
    name: string,
    Environment: new () => E,
    module: (environment: E) => DynamicModule,
  ) => startServiceForTest({ name, Environment, module }, vars);
  const apps = {
    orders: await start('orders', OrdersEnvironment, (env) => OrdersModule.forRoot(env)),
    returns: await start('returns', ReturnsEnvironment, (env) => ReturnsModule.forRoot(env)),
    inventory: await start('inventory', InventoryEnvironment, (env) => InventoryModule.forRoot(env)),
    kpi: await start('kpi', KpiEnvironment, (env) => KpiModule.forRoot(env)),
  };
  const inspector = new DataSource({ type: 'postgres', url: db.url });
  await inspector.initialize();
  const kafka = new Kafka({
    brokers: [broker.broker.address],
    clientId: 'security',
    logLevel: logLevel.NOTHING,
  });
  return { broker, db, apps, inspector, kafka };
}

export async function stopSecuritySystem(system: SecuritySystem | undefined): Promise<void> {
  if (system === undefined) return;
  for (const name of [...SERVICE_NAMES].reverse()) await system.apps[name].close();
  await system.inspector.destroy();
  await system.db.drop();
  await system.broker.stop();
}

/** One HTTP operation of a service, as its OpenAPI document lists it. */
export interface Operation {
  readonly service: ServiceName;
  readonly method: string;
  /** The OpenAPI path template, e.g. `/orders/{orderId}`. */
  readonly path: string;
  readonly isPublic: boolean;
  readonly requiredScopes: readonly string[];
}

interface OpenApiOperation {
  /** `[]` on public operations (see `setupOpenApi`). */
  readonly security?: unknown[];
  readonly 'x-required-scopes'?: string[];
}

/** Every operation of every service, from `/docs-json`. */
export async function operationsOf(system: SecuritySystem): Promise<Operation[]> {
  const operations: Operation[] = [];
  for (const service of SERVICE_NAMES) {
    const response = await system.apps[service].inject({ method: 'GET', url: '/docs-json' });
    if (response.statusCode !== 200) throw new Error(`${service} /docs-json answered ${response.statusCode}`);
    const document = response.json<{ paths: Record<string, Record<string, OpenApiOperation>> }>();
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        operations.push({
          service,
          method: method.toUpperCase(),
          path,
          isPublic: Array.isArray(operation.security) && operation.security.length === 0,
          requiredScopes: operation['x-required-scopes'] ?? [],
        });
      }
    }
  }
  return operations;
}

/**
 * Every (method, path) Fastify serves, from its route tree (`printRoutes`), so a route the OpenAPI
 * document misses is still found. HEAD twins of GET routes are left out.
 */
export function fastifyRoutesOf(app: NestFastifyApplication): { method: string; path: string }[] {
  const tree = app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const routes: { method: string; path: string }[] = [];
  const prefixes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S*)(?: \(([^)]*)\))?/.exec(line);
    if (match === null) continue;
    const depth = match[1].length / 4;
    prefixes.length = depth;
    prefixes[depth] = match[2];
    const path = prefixes.join('');
    if (match[3] === undefined) continue;
    for (const method of match[3].split(',').map((m) => m.trim())) {
      if (method !== 'HEAD') routes.push({ method, path });
    }
  }
  return routes;
}

/** Row counts of every table of the services' schemas. */
export async function rowCounts(inspector: DataSource): Promise<Record<string, number>> {
  const tables = await inspector.query<{ schemaname: string; tablename: string }[]>(
    `SELECT schemaname, tablename FROM pg_tables
     WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
  );
  const counts: Record<string, number> = {};
  for (const { schemaname, tablename } of tables) {
    const [{ count }] = await inspector.query<{ count: string }[]>(
      `SELECT count(*)::text AS count FROM "${schemaname}"."${tablename}"`,
    );
    counts[`${schemaname}.${tablename}`] = Number(count);
  }
  return counts;
}

/** The sum of the high-water marks of a topic's partitions (0 when the topic does not exist yet). */
export async function topicEnd(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) return 0;
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  } finally {
    await admin.disconnect();
  }
}

export function bearer(key: string): { authorization: string } {
  return { authorization: `Bearer ${key}` };
}
