/**
 * The dashboard end to end in headless Chromium: broker, PostgreSQL and the four services in-process
 * (the kpi service listening on a real port), a seeded scenario ingested through the ingest topics.
 * The page asks for the key once, shows the numbers GET /kpis answers, follows a warehouse filter,
 * and takes a live update from /kpis/stream after one more order is ingested, without a reload.
 * Skipped with one line where /usr/bin/chromium is missing (failed instead under
 * OPSLINE_REQUIRE_EXTERNAL_CLIENTS=1, as in CI).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DynamicModule } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, TestDatabase } from '@opsline/persistence/testing';
import { DatabaseServiceEnvironment } from '@opsline/service-kit';
import { startServiceForTest } from '@opsline/service-kit/testing';
import { Kafka, logLevel } from 'kafkajs';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { BrokerFixture, startTestBroker, waitFor } from '../../../libs/kafka-broker/test/broker-fixture';
import { describeWithClient, ExternalClient } from '../../../libs/kafka-broker/test/external-clients';
import { InventoryEnvironment } from '../../inventory/src/inventory.environment';
import { InventoryModule } from '../../inventory/src/inventory.module';
import { OrdersEnvironment } from '../../orders/src/orders.environment';
import { OrdersModule } from '../../orders/src/orders.module';
import { ReturnsEnvironment } from '../../returns/src/returns.environment';
import { ReturnsModule } from '../../returns/src/returns.module';
import { KpiEnvironment } from '../src/kpi.environment';
import { KpiModule } from '../src/kpi.module';
import { expectedKpis, scenarioFacts } from './oracle/expected-kpis';
import { generateScenario, ScenarioEvent } from './oracle/scenario';

// Jest cannot `require` ESM-only packages (Node >= 20.19 can): @fastify/static, which serves the
// dashboard, requires the ESM-only content-disposition for downloads, which the dashboard never offers.
jest.mock('content-disposition', () => ({
  create: () => 'attachment',
  parse: () => ({ type: 'attachment' }),
}));

jest.setTimeout(300_000);

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(__dirname, '..', '..', '..');
const AUTH = { authorization: 'Bearer dev-key' };
const WAIT_MS = 120_000;
const RANGE = { from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' };
const PAGE_QUERY = '?fromDate=2026-10-01&toDate=2026-10-31&granularity=day';
const scenario = generateScenario(20_261_126, 60);

/** Debian's Chromium: CI installs it (.ci/run); elsewhere the suite skips with one line without it. */
const CHROMIUM_CLIENT: ExternalClient = {
  name: 'chromium',
  install: 'apt-get install -y chromium',
  probe: () => existsSync(CHROMIUM),
};

interface Totals {
  ordersPlaced: number;
  unitsShipped: number;
  unitsReturned: number;
  unitsInspected: number;
  lineFillRate: number | null;
  onTimeShipmentRate: number | null;
  returnRate: number | null;
}
interface Report {
  buckets: { start: string; metrics: { ordersPlaced: number } }[];
  totals: Totals;
  freshness: { computedAt: string; lagByTopic: Record<string, number | null> };
}

let broker: BrokerFixture;
let db: TestDatabase;
const apps: NestFastifyApplication[] = [];
let orders: NestFastifyApplication;
let inventory: NestFastifyApplication;
let kpi: NestFastifyApplication;
let baseUrl: string;
let userDataDir: string;
let browser: BrowserContext;
let page: Page;
const pageProblems: string[] = [];
const requests: { url: string; headers: Record<string, string> }[] = [];

async function startSystem(): Promise<void> {
  [broker, db] = await Promise.all([
    startTestBroker({ defaultPartitions: 3 }),
    createTestDatabase({ name: __filename }),
  ]);
  const vars = { DATABASE_URL: db.url, KAFKA_BROKERS: broker.broker.address };
  const start = async <E extends DatabaseServiceEnvironment>(
    name: string,
    Environment: new () => E,
    module: (environment: E) => DynamicModule,
  ) => {
    const app = await startServiceForTest({ name, Environment, module }, vars);
    apps.push(app);
    return app;
  };
  orders = await start('orders', OrdersEnvironment, (env) => OrdersModule.forRoot(env));
  inventory = await start('inventory', InventoryEnvironment, (env) => InventoryModule.forRoot(env));
  await start('returns', ReturnsEnvironment, (env) => ReturnsModule.forRoot(env));
  kpi = await start('kpi', KpiEnvironment, (env) => KpiModule.forRoot(env));
  await kpi.listen(0, '127.0.0.1');
  const address = kpi.getHttpServer().address();
  if (address === null || typeof address === 'string') throw new Error('the kpi service is not on a port');
  baseUrl = `http://127.0.0.1:${address.port}`;
}

async function produce(events: readonly ScenarioEvent[]): Promise<void> {
  const kafka = new Kafka({
    brokers: [broker.broker.address],
    clientId: 'dashboard-e2e',
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  await producer.sendBatch({
    acks: -1,
    topicMessages: events.map(({ topic, event }) => ({
      topic,
      messages: [{ key: event.subject, value: JSON.stringify(event) }],
    })),
  });
  await producer.disconnect();
}

async function getJson<T>(app: NestFastifyApplication, url: string): Promise<T> {
  const response = await app.inject({ method: 'GET', url, headers: AUTH });
  if (response.statusCode !== 200) throw new Error(`GET ${url}: ${response.statusCode} ${response.body}`);
  return response.json<T>();
}

const kpisOf = (warehouseId?: string): Promise<Report> =>
  getJson<Report>(
    kpi,
    `/kpis?${new URLSearchParams({ ...RANGE, granularity: 'day', ...(warehouseId ? { warehouseId } : {}) })}`,
  );

/** The raw value behind a tile (its `data-value`; empty for a null metric). */
async function tileValue(metric: string): Promise<string | null> {
  return page.locator(`[data-metric="${metric}"]`).getAttribute('data-value');
}

async function waitForPage<T>(description: string, check: () => Promise<T | undefined>): Promise<T> {
  return waitFor(description, check, WAIT_MS);
}

/**
 * Resolves once the KPI answers stop changing: the kpi consumers have no lag and totals, reasons and
 * positions stayed the same for 2 s (late events of the scenario, e.g. backordered SKUs' positions,
 * would otherwise change the API between the page's read and the test's).
 */
async function settled(): Promise<void> {
  let previous = '';
  let sameSince = Date.now();
  await waitFor(
    'the KPI answers to settle',
    async () => {
      const report = await kpisOf();
      const snapshot = JSON.stringify([
        report.totals,
        await getJson(kpi, `/kpis/returns/reasons?${new URLSearchParams(RANGE)}`),
        await getJson(kpi, '/kpis/inventory'),
      ]);
      const noLag = Object.values(report.freshness.lagByTopic).every((lag) => lag === 0);
      if (snapshot !== previous || !noLag) {
        previous = snapshot;
        sameSince = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
      return Date.now() - sameSince >= 2_000 ? true : undefined;
    },
    WAIT_MS,
  );
}

/**
 * What the page shows that differs from what the API answers now, as readable lines (none when they
 * agree): tiles, the orders chart, the Pareto bars and the inventory rows under `warehouseId`.
 */
async function differencesFromApi(warehouseId?: string): Promise<string[]> {
  const report = await kpisOf(warehouseId);
  const filter: Record<string, string> = warehouseId ? { warehouseId } : {};
  const reasons = await getJson<{ reasonCode: string }[]>(
    kpi,
    `/kpis/returns/reasons?${new URLSearchParams({ ...RANGE, ...filter })}`,
  );
  const positions = await getJson<{ warehouseId: string; sku: string; belowReorderPoint: boolean }[]>(
    kpi,
    `/kpis/inventory?${new URLSearchParams(filter)}`,
  );
  const found: string[] = [];
  const compare = (what: string, shown: unknown, answered: unknown) => {
    if (shown !== answered) found.push(`${what}: page ${String(shown)}, API ${String(answered)}`);
  };
  for (const metric of [
    'ordersPlaced',
    'unitsShipped',
    'lineFillRate',
    'onTimeShipmentRate',
    'returnRate',
  ] as const)
    compare(`${metric} tile`, await tileValue(metric), String(report.totals[metric] ?? ''));
  compare(
    'orders chart sum',
    await page.locator('[data-chart="orders"]').getAttribute('data-sum'),
    String(report.buckets.reduce((sum, bucket) => sum + bucket.metrics.ordersPlaced, 0)),
  );
  compare(
    'orders chart points',
    await page.locator('[data-chart="orders"] circle').count(),
    report.buckets.length,
  );
  const bars = page.locator('#pareto rect.bar');
  compare('Pareto bars', await bars.count(), reasons.length);
  compare(
    'first Pareto bar',
    reasons.length === 0 ? null : await bars.first().getAttribute('data-reason'),
    reasons[0]?.reasonCode ?? null,
  );
  compare('inventory rows', await page.locator('#inventory-rows tr').count(), positions.length);
  compare(
    'rows below reorder point',
    await page.locator('#inventory-rows tr.below-reorder-point').count(),
    positions.filter((position) => position.belowReorderPoint).length,
  );
  return found;
}

/** Waits until the page shows what the API answers (it follows the stream), then says what still differs. */
async function expectPageToMatchApi(warehouseId?: string): Promise<void> {
  await waitForPage('the page to show what the API answers', async () =>
    (await differencesFromApi(warehouseId)).length === 0 ? true : undefined,
  ).catch(() => undefined);
  expect(await differencesFromApi(warehouseId)).toEqual([]);
}

/** The system with the scenario in it, and Chromium on a fresh profile. */
async function setUp(): Promise<void> {
  await startSystem();
  // stock before orders, so that plentiful lines are reserved at the first attempt (fill rate as meant)
  const isStock = ({ event }: ScenarioEvent) => event.type === 'opsline.wms.goods-received.v1';
  await produce(scenario.filter(isStock));
  await waitFor(
    'the received stock in the KPI inventory',
    async () => ((await getJson<unknown[]>(kpi, '/kpis/inventory')).length >= 18 ? true : undefined),
    WAIT_MS,
  );
  await produce(scenario.filter((event) => !isStock(event)));
  const expected = expectedKpis(scenarioFacts(scenario), { ...RANGE, granularity: 'day' }).totals;
  await waitFor(
    'the KPI read models to hold the scenario',
    async () => {
      const { totals } = await kpisOf();
      const keys = ['ordersPlaced', 'unitsShipped', 'unitsReturned', 'unitsInspected'] as const;
      return keys.every((key) => totals[key] === expected[key]) ? true : undefined;
    },
    180_000,
  );
  // one position below its reorder point, for the inventory table to highlight
  const policy = await inventory.inject({
    method: 'PUT',
    url: '/inventory/policies/WH-2/SKU-3',
    headers: { ...AUTH, 'content-type': 'application/json' },
    payload: { reorderPoint: 1_000_000 },
  });
  expect(policy.statusCode).toBe(200);
  await waitFor(
    'WH-2/SKU-3 below its reorder point in the KPI inventory',
    async () => {
      const positions = await getJson<{ warehouseId: string; sku: string; belowReorderPoint: boolean }[]>(
        kpi,
        '/kpis/inventory',
      );
      return positions.some((p) => p.warehouseId === 'WH-2' && p.sku === 'SKU-3' && p.belowReorderPoint)
        ? true
        : undefined;
    },
    WAIT_MS,
  );

  await settled();

  userDataDir = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'));
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('console', (message) => {
    // refused API calls are checked through what the page shows; anything else (a CSP refusal) is not
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
      pageProblems.push(`console: ${message.text()}`);
  });
  page.on('request', (request) => requests.push({ url: request.url(), headers: request.headers() }));
  page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
}

async function tearDown(): Promise<void> {
  await browser?.close();
  if (userDataDir !== undefined) rmSync(userDataDir, { recursive: true, force: true });
  for (const app of apps.reverse()) await app.close();
  await db?.drop();
  await broker?.stop();
}

describeWithClient(CHROMIUM_CLIENT, 'the dashboard in Chromium', () => {
  beforeAll(setUp);
  afterAll(tearDown);

  it('asks for a key until one is accepted, keeps it, and shows what GET /kpis answers: tiles, charts, Pareto, inventory', async () => {
    await page.goto(`${baseUrl}/dashboard${PAGE_QUERY}`);
    await page.locator('#key-dialog[open]').waitFor();
    await page.fill('#key-input', 'not-a-key');
    await page.click('#key-save');
    await waitForPage('the page to refuse the unknown key', async () =>
      (await page.locator('#key-reason').textContent()) === 'The API key was not accepted.'
        ? true
        : undefined,
    );
    await page.locator('#key-dialog[open]').waitFor();
    await page.fill('#key-input', 'dev-key');
    await page.click('#key-save');
    await page.locator('#dashboard[data-loads="1"]').waitFor({ timeout: WAIT_MS });

    await expectPageToMatchApi();
    expect(await page.locator('[data-metric="ordersPlaced"] .tile-value').textContent()).toBe(
      await tileValue('ordersPlaced'),
    );
    for (const chart of ['orders', 'fill-rate', 'on-time', 'cycle-time', 'return-rate', 'recovery-rate'])
      expect(await page.locator(`[data-chart="${chart}"] svg path.line`).count()).toBeGreaterThan(0);
    expect(await page.locator('#pareto rect.bar').count()).toBeGreaterThan(0);
    expect(await page.locator('#inventory-rows tr').first().getAttribute('data-position')).toBe('WH-2/SKU-3');
    expect(await page.locator('#freshness').textContent()).toMatch(
      /^newest event \d{4}-\d\d-\d\d \d\d:\d\d UTC · computed \d+ s ago · (up to date|[\d,]+ messages behind)$/,
    );

    // the alerts panel shows where the service answers GET /alerts, and hides itself where it does not
    const alerts = await kpi.inject({ method: 'GET', url: '/alerts', headers: AUTH });
    expect(await page.locator('#alerts').isHidden()).toBe(alerts.statusCode === 404);

    // the key stays in this browser: a reload asks nothing
    await page.reload();
    await page.locator('#dashboard[data-loads="1"]').waitFor({ timeout: WAIT_MS });
    expect(await page.locator('#key-dialog').getAttribute('open')).toBeNull();
  });

  it('follows the warehouse filter, and the URL keeps it', async () => {
    const all = await kpisOf();
    const wh2 = await kpisOf('WH-2');
    expect(wh2.totals.ordersPlaced).toBeLessThan(all.totals.ordersPlaced);
    await page.fill('#filters input[name="warehouseId"]', 'WH-2');
    await page.click('#apply');
    await waitForPage('the WH-2 totals on the page', async () =>
      (await tileValue('ordersPlaced')) === String(wh2.totals.ordersPlaced) ? true : undefined,
    );
    expect(new URL(page.url()).searchParams.get('warehouseId')).toBe('WH-2');
    await expectPageToMatchApi('WH-2');
    expect(await page.locator('#inventory-rows tr').first().getAttribute('data-position')).toBe('WH-2/SKU-3');
  });

  it('takes a live update from /kpis/stream after one more order is ingested, without a reload', async () => {
    await page.locator('#stream-status[data-status="live"]').waitFor({ timeout: WAIT_MS });
    const before = await kpisOf('WH-2');
    const computedBefore = await page.locator('#freshness').getAttribute('data-computed-at');
    const changeBefore = await page.locator('#live').getAttribute('data-change-id');
    // a mark on the document: still there after the update means the page was not reloaded
    await page.evaluate(() => Object.assign(globalThis, { sameDocument: true }));

    const orderId = `ORD-LIVE-${randomUUID().slice(0, 8)}`;
    const ingested = await orders.inject({
      method: 'POST',
      url: '/ingest/orders',
      headers: { ...AUTH, 'content-type': 'application/cloudevents+json' },
      payload: {
        specversion: '1.0',
        id: randomUUID(),
        source: '/channels/dashboard-e2e',
        type: 'opsline.order.placed.v1',
        time: '2026-10-10T12:00:00.000Z',
        subject: orderId,
        datacontenttype: 'application/json',
        data: {
          orderId,
          channel: 'webshop',
          currency: 'EUR',
          warehouseId: 'WH-2',
          promisedShipBy: '2026-10-12T12:00:00.000Z',
          lines: [{ lineId: '1', sku: 'SKU-2', quantity: 2, unitPriceMinor: 1999 }],
        },
      },
    });
    expect(ingested.statusCode).toBe(202);

    const expected = String(before.totals.ordersPlaced + 1);
    await waitForPage('the live order on the page', async () =>
      (await tileValue('ordersPlaced')) === expected ? true : undefined,
    );
    // a kpi-buckets event arrived after the ingest (the page reloads nothing by itself that fast)
    const changeAfter = await page.locator('#live').getAttribute('data-change-id');
    expect(changeAfter).toMatch(/^\d+$/);
    expect(changeAfter).not.toBe(changeBefore);
    expect(await page.locator('#live').textContent()).toMatch(
      /^live update \d\d:\d\d:\d\d UTC \((change \d+|alert)\)$/,
    );
    expect(await page.locator('#freshness').getAttribute('data-computed-at')).not.toBe(computedBefore);
    expect(await page.evaluate(() => (globalThis as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect((await kpisOf('WH-2')).totals.ordersPlaced).toBe(Number(expected));

    mkdirSync(join(ROOT, 'artifacts'), { recursive: true });
    const screenshot = join(ROOT, 'artifacts', 'dashboard.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    // the README's copy changes only on request: every run's picture differs (times, ids)
    if (process.env.DASHBOARD_SCREENSHOT_TO_DOCS === '1')
      copyFileSync(screenshot, join(ROOT, 'docs', 'dashboard.png'));
    expect(pageProblems).toEqual([]);
    // the key goes in a header, never in a URL
    expect(requests.filter((request) => /not-a-key|dev-key/.test(request.url))).toEqual([]);
    const apiCalls = requests.filter((request) =>
      /\/kpis(\/|\?|$)/.test(new URL(request.url).pathname + '?'),
    );
    expect(apiCalls.length).toBeGreaterThan(5);
    const keysSent = new Set(apiCalls.map((request) => request.headers.authorization));
    expect(keysSent).toEqual(new Set(['Bearer not-a-key', 'Bearer dev-key']));
  });
});
