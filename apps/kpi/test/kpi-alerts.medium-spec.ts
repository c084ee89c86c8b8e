import { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  ALERTS_ALERT_RAISED_V1,
  ALERTS_ALERT_RESOLVED_V1,
  ALERTS_TOPIC,
  GOODS_RECEIVED_V1,
  INGEST_WAREHOUSE_TOPIC,
  parseCloudEventBytes,
  STOCK_COUNTED_V1,
} from '@opsline/contracts';
import { exampleEvent } from '@opsline/contracts/testing/example-events';
import { createTestDatabase, TestDatabase } from '@opsline/persistence/testing';
import { startServiceForTest } from '@opsline/service-kit/testing';
import { Consumer, Kafka, logLevel, Partitioners, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { BrokerFixture, startTestBroker, waitFor } from '../../../libs/kafka-broker/test/broker-fixture';
import type { Clock } from '../src/domain/alerts/alert';
import { OrderStory, TopicEvent } from '../src/domain/kpi.fixtures';
import { KPI_SOURCE_TOPICS } from '../src/infrastructure/consumer-lag.reader';
import { KpiEnvironment } from '../src/kpi.environment';
import { KpiModule } from '../src/kpi.module';

jest.setTimeout(180_000);

/** The service's "now": starts at T0 and moves only when the test says so. */
class SteppedClock implements Clock {
  constructor(private at: number) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

const T0 = '2026-11-25T10:00:00.000Z';
const AUTH = { authorization: 'Bearer dev-key' };
const WH2_KEY = { authorization: 'Bearer wh2-reader' };

interface AlertView {
  alertId: string;
  occurrence: number;
  kind: string;
  severity: string;
  status: string;
  warehouseId: string | null;
  orderId: string | null;
  shipmentId: string | null;
  summary: string;
  raisedAt: string;
  resolvedAt: string | null;
}
interface WireAlert {
  type: string;
  key: string;
  data: AlertView;
}

const clock = new SteppedClock(Date.parse(T0));
let broker: BrokerFixture;
let db: TestDatabase;
let app: NestFastifyApplication;
let producer: Producer;
let alertsReader: Consumer;
const onTopic: WireAlert[] = [];
const onStream: (AlertView & { transition: string })[] = [];
const closeStream = new AbortController();

async function publish(events: readonly TopicEvent[]): Promise<void> {
  for (const { topic, event } of events)
    await producer.send({ topic, messages: [{ key: event.subject, value: JSON.stringify(event) }] });
}

async function getAlerts(
  query: string,
  headers = AUTH,
): Promise<{ items: AlertView[]; nextCursor: string | null }> {
  const response = await app.inject({ method: 'GET', url: `/alerts?${query}`, headers });
  expect(response.statusCode).toBe(200);
  return response.json();
}

function waitForAlert(query: string, alertId: string): Promise<AlertView> {
  return waitFor(
    `${alertId} at GET /alerts?${query}`,
    async () => (await getAlerts(query)).items.find((alert) => alert.alertId === alertId),
    60_000,
  );
}

/** Reads `event: alert` messages of GET /kpis/stream into {@link onStream} until the suite ends. */
async function readAlertStream(url: string): Promise<void> {
  const response = await fetch(url, { headers: AUTH, signal: closeStream.signal });
  expect(response.status).toBe(200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffered += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const lines = buffered.slice(0, end).split('\n');
          buffered = buffered.slice(end + 2);
          const data = lines.find((line) => line.startsWith('data: '));
          if (lines.includes('event: alert') && data !== undefined) onStream.push(JSON.parse(data.slice(6)));
        }
      }
    } catch {
      // aborted at the end of the suite
    }
  })();
}

function warehouseEvent(
  type: typeof GOODS_RECEIVED_V1 | typeof STOCK_COUNTED_V1,
  id: string,
  warehouseId: string,
): TopicEvent {
  const event = exampleEvent(type);
  return {
    topic: INGEST_WAREHOUSE_TOPIC,
    event: { ...event, id, data: { ...event.data, warehouseId } } as unknown as TopicEvent['event'],
  };
}

beforeAll(async () => {
  [broker, db] = await Promise.all([startTestBroker(), createTestDatabase({ name: __filename })]);
  const kafka = new Kafka({
    brokers: [broker.broker.address],
    clientId: 'kpi-alerts-spec',
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [...KPI_SOURCE_TOPICS, INGEST_WAREHOUSE_TOPIC, ALERTS_TOPIC].map((topic) => ({
      topic,
      numPartitions: 3,
    })),
    waitForLeaders: true,
  });
  await admin.disconnect();
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  alertsReader = kafka.consumer({ groupId: 'kpi-alerts-spec-reader' });
  await alertsReader.connect();
  await alertsReader.subscribe({ topic: ALERTS_TOPIC, fromBeginning: true });
  await alertsReader.run({
    eachMessage: async ({ message }) => {
      // the contract's own validator: what a downstream consumer of opsline.alerts would run
      const parsed = parseCloudEventBytes(message.value as Buffer);
      if (!parsed.ok) throw new Error(`invalid alert event: ${JSON.stringify(parsed.errors)}`);
      onTopic.push({
        type: parsed.event.type,
        key: String(message.key),
        data: parsed.event.data as AlertView,
      });
    },
  });
  app = await startServiceForTest(
    { name: 'kpi', Environment: KpiEnvironment, module: (env) => KpiModule.forRoot(env, { clock }) },
    {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: broker.broker.address,
      ALERT_EVALUATION_INTERVAL_MS: '200',
      OPSLINE_API_KEYS: 'dev-key=admin;wh2-reader=kpi:read@WH-2',
    },
  );
  await app.listen(0, '127.0.0.1');
  await readAlertStream(`${await app.getUrl()}/kpis/stream`);
});

afterAll(async () => {
  closeStream.abort();
  await app?.close();
  await alertsReader?.disconnect();
  await producer?.disconnect();
  await db?.drop();
  await broker?.stop();
});

describe('SLA alerts: an order at risk of missing promisedShipBy', () => {
  const story = new OrderStory({
    orderId: 'ORD-RISK',
    channel: 'webshop',
    warehouseId: 'WH-1',
    placedAt: '2026-11-25T08:00:00.000Z',
    promisedShipBy: '2026-11-25T12:00:00.000Z',
    lines: [{ sku: 'SKU-A', quantity: 2, unitPriceMinor: 1500 }],
  });

  it('is raised 2 h before promisedShipBy: open at GET /alerts, an `alert` SSE event, an event on opsline.alerts', async () => {
    story.allocate('2026-11-25T08:05:00.000Z', 'WH-1', [2]);
    await publish(story.events);

    const alert = await waitForAlert('status=open', 'order-at-risk:ORD-RISK');
    expect(alert).toMatchObject({
      kind: 'order-at-risk',
      severity: 'warning',
      status: 'open',
      occurrence: 1,
      warehouseId: 'WH-1',
      orderId: 'ORD-RISK',
      raisedAt: T0,
      resolvedAt: null,
    });
    // the evaluation may have run between placement and allocation: the summary says what it saw
    expect(alert.summary).toMatch(
      /^Order ORD-RISK \((PLACED|ALLOCATED)\) is promised to ship by 2026-11-25T12:00:00\.000Z, 2\.0 h from now$/,
    );
    const streamed = await waitFor('the raise on the SSE stream', () =>
      onStream.find((a) => a.alertId === alert.alertId && a.transition === 'raised'),
    );
    expect(streamed).toMatchObject({ status: 'open', raisedAt: T0, summary: alert.summary });
    const published = await waitFor('the raise on opsline.alerts', () =>
      onTopic.find((e) => e.key === alert.alertId && e.type === ALERTS_ALERT_RAISED_V1),
    );
    expect(published.data).toMatchObject({
      alertId: alert.alertId,
      occurrence: 1,
      severity: 'warning',
      raisedAt: T0,
    });
  });

  it('is resolved once the order ships, and is raised only once while it was open', async () => {
    const shippedFrom = story.events.length;
    story.ship('SHP-RISK', '2026-11-25T09:40:00.000Z', 'WH-1', [2]);
    await publish(story.events.slice(shippedFrom));

    const resolved = await waitForAlert('status=resolved', 'order-at-risk:ORD-RISK');
    expect(resolved).toMatchObject({ status: 'resolved', raisedAt: T0, resolvedAt: T0, occurrence: 1 });
    expect((await getAlerts('status=open')).items.map((a) => a.alertId)).not.toContain(
      'order-at-risk:ORD-RISK',
    );
    await waitFor('the resolution on the SSE stream', () =>
      onStream.find((a) => a.alertId === 'order-at-risk:ORD-RISK' && a.transition === 'resolved'),
    );
    await waitFor('the resolution on opsline.alerts', () =>
      onTopic.find((e) => e.key === 'order-at-risk:ORD-RISK' && e.type === ALERTS_ALERT_RESOLVED_V1),
    );
    // many evaluations ran in between: one raise and one resolution, no repeats
    expect(onTopic.filter((e) => e.key === 'order-at-risk:ORD-RISK').map((e) => e.type)).toEqual([
      ALERTS_ALERT_RAISED_V1,
      ALERTS_ALERT_RESOLVED_V1,
    ]);
  });
});

describe('warehouse feed gaps', () => {
  it('a shipment confirmed by a warehouse the order was never allocated at raises shipment-misrouted for it', async () => {
    const story = new OrderStory({
      orderId: 'ORD-MIS',
      channel: 'webshop',
      placedAt: '2026-11-25T07:00:00.000Z',
      promisedShipBy: '2026-11-28T12:00:00.000Z',
      lines: [{ sku: 'SKU-B', quantity: 1, unitPriceMinor: 900 }],
    })
      .allocate('2026-11-25T07:01:00.000Z', 'WH-1', [1])
      .ship('SHP-MIS', '2026-11-25T09:00:00.000Z', 'WH-2', [1]);
    await publish(story.events);

    const alert = await waitForAlert(
      'kind=shipment-misrouted&warehouseId=WH-2',
      'shipment-misrouted:ORD-MIS:SHP-MIS',
    );
    expect(alert).toMatchObject({
      severity: 'critical',
      status: 'open',
      orderId: 'ORD-MIS',
      shipmentId: 'SHP-MIS',
    });
    expect(alert.summary).toBe('Warehouse WH-2 shipped SHP-MIS for order ORD-MIS, allocated at WH-1');
    expect((await getAlerts('kind=shipment-misrouted&warehouseId=WH-1')).items).toEqual([]);
  });

  it('a warehouse silent for more than 60 minutes raises warehouse-feed-silent; its next event resolves it', async () => {
    await publish([warehouseEvent(GOODS_RECEIVED_V1, 'wh3-receipt-1', 'WH-3')]);
    const dataSource = app.get(DataSource);
    await waitFor('WH-3 to be heard', async () => {
      const rows: unknown[] = await dataSource.query(
        `SELECT 1 FROM kpi.alert_warehouse_feeds WHERE warehouse_id = 'WH-3'`,
      );
      return rows.length > 0 ? true : undefined;
    });
    clock.advance(59 * 60_000);
    // not yet: evaluations run every 200 ms; give several of them the chance to (wrongly) raise it
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await getAlerts('kind=warehouse-feed-silent')).items).toEqual([]);

    clock.advance(2 * 60_000);
    const silent = await waitForAlert('kind=warehouse-feed-silent', 'warehouse-feed-silent:WH-3');
    expect(silent).toMatchObject({ severity: 'critical', warehouseId: 'WH-3', status: 'open' });
    expect(silent.summary).toBe(
      `Nothing heard from warehouse WH-3 for 61 min (last: ${GOODS_RECEIVED_V1} at ${T0})`,
    );

    await publish([warehouseEvent(STOCK_COUNTED_V1, 'wh3-count-1', 'WH-3')]);
    const resolved = await waitForAlert(
      'kind=warehouse-feed-silent&status=resolved',
      'warehouse-feed-silent:WH-3',
    );
    expect(resolved.resolvedAt).toBe(new Date(Date.parse(T0) + 61 * 60_000).toISOString());
    await waitFor('the silence on opsline.alerts, raised then resolved', () =>
      onTopic.filter((e) => e.key === 'warehouse-feed-silent:WH-3').length === 2 ? true : undefined,
    );
  });
});

describe('GET /alerts', () => {
  it('pages with nextCursor, newest raised first, without repeating an alert', async () => {
    const all = await getAlerts('status=all');
    expect(all.items.length).toBeGreaterThanOrEqual(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await getAlerts(`status=all&limit=1${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items.map((a) => `${a.alertId}#${a.occurrence}`));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(all.items.map((a) => `${a.alertId}#${a.occurrence}`));
    const raisedAt = all.items.map((a) => a.raisedAt);
    expect([...raisedAt].sort().reverse()).toEqual(raisedAt);
  });

  it('lets a warehouse-limited key read only its own warehouse, which it must name', async () => {
    const refused = await app.inject({ method: 'GET', url: '/alerts', headers: WH2_KEY });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'AUTH.WAREHOUSE_FORBIDDEN' } });
    const other = await app.inject({ method: 'GET', url: '/alerts?warehouseId=WH-1', headers: WH2_KEY });
    expect(other.statusCode).toBe(403);
    const own = await getAlerts('status=all&warehouseId=WH-2', WH2_KEY);
    expect(own.items.map((a) => a.alertId)).toEqual(['shipment-misrouted:ORD-MIS:SHP-MIS']);
  });

  it.each([
    ['status=closed', 'status'],
    ['kind=everything', 'kind'],
    ['warehouseId=not%20an%20id', 'warehouseId'],
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
  ])('answers 400 naming the parameter for %s', async (query, field) => {
    const response = await app.inject({ method: 'GET', url: `/alerts?${query}`, headers: AUTH });
    expect(response.statusCode).toBe(400);
    const body = response.json() as { error: { fields: { field: string }[] } };
    expect(body.error.fields.map((f) => f.field)).toContain(field);
  });
});
