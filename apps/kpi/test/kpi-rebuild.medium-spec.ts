import { DataSource } from 'typeorm';
import { OrderStory } from '../src/domain/kpi.fixtures';
import { KpiTables } from '../src/infrastructure/kpi-tables';
import { LiveKpiTables } from '../src/infrastructure/read-models/read-model-versions.repository';
import { ChangeLogRetentionSweep } from '../src/infrastructure/change-log-retention.sweep';
import { InboxRetentionSweep } from '@opsline/service-kit';
import { inAggregateOrder, kpiScenario, shuffledWithDuplicates } from './kpi-scenario';
import { AUTH, KpiStack, startKpiStack } from './kpi-stack';
import { waitFor } from '../../../libs/kafka-broker/test/broker-fixture';

jest.setTimeout(180_000);

const FROM = '2026-11-16T00:00:00.000Z';
const TO = '2026-11-20T00:00:00.000Z';
const READER = { authorization: 'Bearer reader-key' };

/** The answers compared before, during and after the rebuild: granularities, filters, lookups. */
const URLS: readonly string[] = [
  ...['hour', 'day', 'week', 'month'].map(
    (granularity) => `/kpis?from=${FROM}&to=${TO}&granularity=${granularity}`,
  ),
  `/kpis?from=${FROM}&to=${TO}&granularity=day&warehouseId=WH-1`,
  `/kpis?from=${FROM}&to=${TO}&granularity=day&sku=SKU-A`,
  `/kpis?from=${FROM}&to=${TO}&granularity=week&channel=marketplace`,
  `/kpis?from=2026-11-16T07:30:00.000Z&to=2026-11-18T13:00:00.000Z&granularity=day&warehouseId=WH-2&sku=SKU-C`,
  `/kpis/returns/reasons?from=${FROM}&to=${TO}`,
  `/kpis/inventory`,
];

interface RebuildProgress {
  rebuildId: string;
  targetSchema: string;
  status: string;
  remainingByTopic: Record<string, number> | null;
}

let stack: KpiStack;

/** A statement on the service's own database. */
const sql = (text: string, parameters?: unknown[]): Promise<unknown> =>
  stack.app.get(DataSource).query(text, parameters);

/** The answer as served, with `freshness` when it has one. */
async function served(url: string): Promise<Record<string, unknown>> {
  const response = await stack.app.inject({ method: 'GET', url, headers: AUTH });
  expect([url, response.statusCode]).toEqual([url, 200]);
  return response.json() as Record<string, unknown>;
}

/** The answer without `freshness` (its lag and newest event time are about the moment, not the model). */
function withoutFreshness(body: Record<string, unknown>): unknown {
  if (Array.isArray(body)) return body;
  const { freshness: _freshness, ...rest } = body;
  return rest;
}

const answers = async (): Promise<unknown[]> => (await Promise.all(URLS.map(served))).map(withoutFreshness);

/**
 * The answers computed after `since` (identical `GET /kpis` questions share an answer for up to
 * 250 ms, so right after a write an answer may still be the one from before it).
 */
async function answersSince(since: number): Promise<unknown[]> {
  return waitFor('answers computed after the last write', async () => {
    const bodies = await Promise.all(URLS.map(served));
    const current = bodies.every((body) => {
      const computedAt = (body.freshness as { computedAt?: string } | undefined)?.computedAt;
      return computedAt === undefined || Date.parse(computedAt) >= since;
    });
    return current ? bodies.map(withoutFreshness) : undefined;
  });
}

/** Every row of a table, as JSON text, in one order. */
async function rowsOf(table: string): Promise<string[]> {
  const rows = (await sql(`SELECT row_to_json(t)::text AS row FROM ${table} t ORDER BY 1`)) as {
    row: string;
  }[];
  return rows.map((r) => r.row);
}

const post = (headers: Record<string, string>) =>
  stack.app.inject({ method: 'POST', url: '/admin/read-models/rebuild', headers });
const progress = async (): Promise<{ liveSchema: string; rebuild: RebuildProgress | null }> =>
  (await stack.app.inject({ method: 'GET', url: '/admin/read-models/rebuild', headers: AUTH })).json();

/** How many orders `GET /kpis` says were placed on 2026-11-19 through `channel`. */
async function ordersPlacedOn19th(channel: string): Promise<number> {
  const url = `/kpis?from=2026-11-19T00:00:00.000Z&to=2026-11-20T00:00:00.000Z&channel=${channel}`;
  return (withoutFreshness(await served(url)) as { totals: { ordersPlaced: number } }).totals.ordersPlaced;
}

/**
 * Publishes a one-line order placed on 2026-11-19 and waits until `GET /kpis` counts it (the lag in
 * freshness is cached for a second: this waits for the order itself).
 */
async function publishOrderAndSeeIt(orderId: string, channel: string, sku: string): Promise<OrderStory> {
  const story = new OrderStory({
    orderId,
    channel,
    warehouseId: 'WH-1',
    placedAt: '2026-11-19T10:00:00.000Z',
    promisedShipBy: '2026-11-20T10:00:00.000Z',
    lines: [{ sku, quantity: 3, unitPriceMinor: 700 }],
  });
  const placedBefore = await ordersPlacedOn19th(channel);
  await stack.publish(story.events);
  await waitFor(
    `${orderId} in GET /kpis`,
    async () => ((await ordersPlacedOn19th(channel)) === placedBefore + 1 ? true : undefined),
    30_000,
  );
  return story;
}

beforeAll(async () => {
  stack = await startKpiStack(__filename, { OPSLINE_API_KEYS: 'dev-key=admin;reader-key=kpi:read' });
  // Duplicates and shuffling between aggregates: the live model is built from messy delivery.
  await stack.publish(shuffledWithDuplicates(kpiScenario(20261125, 100), 3, 40), 9);
  await stack.waitUntilApplied();
});

afterAll(async () => {
  await stack?.stop();
});

describe('POST /admin/read-models/rebuild', () => {
  it('needs the admin scope (403 with kpi:read only, 401 without a key)', async () => {
    expect((await post(READER)).statusCode).toBe(403);
    expect((await post({})).statusCode).toBe(401);
    expect(await progress()).toEqual({ liveSchema: 'kpi', rebuild: null });
  });

  it('rebuilds into kpi_v2 while GET /kpis keeps answering, switches, and answers exactly as before', async () => {
    const before = await answersSince(Date.now());
    const eventCount = inAggregateOrder(kpiScenario(20261125, 100)).length;
    expect(eventCount).toBeGreaterThan(300);
    const newestChangeBefore = Number(
      ((await sql(`SELECT max(id) AS id FROM kpi.kpi_changes`)) as { id: string }[])[0].id,
    );

    // An SSE client following the change log across the switch.
    await stack.app.listen(0, '127.0.0.1');
    const base = await stack.app.getUrl();
    const abort = new AbortController();
    const sse = await fetch(`${base}/kpis/stream?granularity=day`, {
      headers: { ...AUTH, 'last-event-id': String(newestChangeBefore) },
      signal: abort.signal,
    });
    const received = (async (): Promise<string> => {
      const reader = (sse.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = '';
      const complete = (): boolean => /event: rebuilt\ndata: [^\n]*\n\n/.test(text);
      while (!complete()) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      return text;
    })();

    const started = await post(AUTH);
    expect(started.statusCode).toBe(202);
    expect(started.json()).toMatchObject({ rebuildId: 'v2', targetSchema: 'kpi_v2', status: 'running' });
    const second = await post(AUTH);
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ error: { code: 'KPI.REBUILD_IN_PROGRESS' } });

    // The read API answers, and answers the same, the whole time.
    let answeredDuringRebuild = 0;
    let status = 'running';
    while (status === 'running') {
      expect(await answers()).toEqual(before);
      const now = await progress();
      status = now.rebuild?.status ?? 'missing';
      if (status === 'running') {
        answeredDuringRebuild++;
        expect(now.liveSchema).toBe('kpi');
        expect(Object.keys(now.rebuild?.remainingByTopic ?? {})).toEqual([
          'opsline.orders',
          'opsline.returns',
          'opsline.inventory',
        ]);
      }
    }
    expect(status).toBe('switched');
    expect(answeredDuringRebuild).toBeGreaterThan(0);
    expect(await progress()).toMatchObject({
      liveSchema: 'kpi_v2',
      rebuild: {
        targetSchema: 'kpi_v2',
        status: 'switched',
        remainingByTopic: { 'opsline.orders': 0, 'opsline.returns': 0, 'opsline.inventory': 0 },
      },
    });
    expect(await answers()).toEqual(before);

    // Row for row, the rebuilt facts are the live-built ones (the old version is kept for rollback).
    const [live, rebuilt] = [new KpiTables('kpi'), new KpiTables('kpi_v2')];
    for (const name of [
      'orders',
      'orderLines',
      'shipmentLines',
      'returns',
      'returnLines',
      'inspections',
      'inspectionLines',
      'cycleCounts',
      'positions',
      'topicFreshness',
    ] as const) {
      const rows = await rowsOf(live[name]);
      expect(rows.length).toBeGreaterThan(0);
      expect([name, await rowsOf(rebuilt[name])]).toEqual([name, rows]);
    }
    // Built without its query indexes, the version has them (and the tables' storage parameters) by the switch.
    // (every table of the version: the service's schema also holds the alerts, the outbox, the migrations)
    const layoutOf = (schema: string): Promise<unknown> =>
      sql(
        `SELECT c.relname, c.reloptions,
                array(SELECT regexp_replace(pg_get_indexdef(i.indexrelid), '"?kpi(_v2)?"?\\.', '', 'g')
                      FROM pg_index i WHERE i.indrelid = c.oid ORDER BY 1) AS indexes
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relkind = 'r'
           AND c.relname IN (SELECT tablename FROM pg_tables WHERE schemaname = 'kpi_v2')
         ORDER BY c.relname`,
        [schema],
      );
    const migratedLayout = (await layoutOf('kpi')) as { indexes: string[] }[];
    expect(migratedLayout.flatMap((table) => table.indexes)).toContain(
      'CREATE INDEX order_facts_placed_at_idx ON order_facts USING btree (placed_at)',
    );
    expect(migratedLayout).toContainEqual(
      expect.objectContaining({ relname: 'order_line_facts', reloptions: ['fillfactor=70'] }),
    );
    expect(await layoutOf('kpi_v2')).toEqual(migratedLayout);
    // The change log goes on: the old ids, then the rebuilt marker.
    const changeLog = (table: string): Promise<unknown> =>
      sql(`SELECT id::int, fact, bucket_times FROM ${table} ORDER BY id`);
    const changes = (await changeLog(rebuilt.changes)) as unknown[];
    expect(changes.slice(0, -1)).toEqual(await changeLog(live.changes));
    expect(changes[changes.length - 1]).toEqual({
      id: newestChangeBefore + 1,
      fact: 'rebuilt',
      bucket_times: [],
    });
    const streamed = await received;
    abort.abort();
    expect(streamed).toContain(
      `id: ${newestChangeBefore + 1}\nevent: rebuilt\ndata: ${JSON.stringify({ id: newestChangeBefore + 1, rebuilt: true, schema: 'kpi_v2' })}\n\n`,
    );
    // Nothing between the client's Last-Event-ID and the marker: the rebuild's replay of history is not re-sent.
    expect(streamed).not.toContain('event: kpi-buckets');
  });

  it('keeps the rebuilt version up to date as the live one, with freshness from its consumer group', async () => {
    await publishOrderAndSeeIt('ORD-AFTER-SWITCH', 'webshop', 'SKU-A');
    await stack.waitUntilApplied();
    const rows = (await sql(
      `SELECT (SELECT count(*) FROM kpi_v2.order_facts WHERE order_id = 'ORD-AFTER-SWITCH') AS rebuilt,
              (SELECT count(*) FROM kpi.order_facts WHERE order_id = 'ORD-AFTER-SWITCH') AS previous`,
    )) as { rebuilt: string; previous: string }[];
    expect(rows[0]).toEqual({ rebuilt: '1', previous: '0' });
  });

  it("keeps the live version's inbox and the service's own to INBOX_RETENTION_HOURS (default 7 days)", async () => {
    const inboxRows = `SELECT schema, event_id FROM (
        SELECT 'kpi_v2' AS schema, event_id, processed_at FROM kpi_v2.inbox
        UNION ALL SELECT 'kpi', event_id, processed_at FROM kpi.inbox) rows
      WHERE event_id LIKE 'evt-retention-%' ORDER BY schema, event_id`;
    for (const schema of ['kpi_v2', 'kpi'])
      await sql(
        `INSERT INTO ${schema}.inbox (consumer_group, event_id, topic, partition, "offset", processed_at)
         VALUES ('g', 'evt-retention-old', 't', 0, 0, now() - interval '8 days'),
                ('g', 'evt-retention-new', 't', 0, 1, now() - interval '6 days')`,
      );
    await stack.app.get(ChangeLogRetentionSweep).runOnce();
    await stack.app.get(InboxRetentionSweep).runOnce();
    expect(await sql(inboxRows)).toEqual([
      { schema: 'kpi', event_id: 'evt-retention-new' },
      { schema: 'kpi_v2', event_id: 'evt-retention-new' },
    ]);
  });

  it('can rebuild again: kpi_v3 becomes live, kpi_v2 is kept, the first version is dropped', async () => {
    const before = await answersSince(Date.now());
    expect((await post(AUTH)).json()).toMatchObject({ rebuildId: 'v3', targetSchema: 'kpi_v3' });
    await waitFor(
      'the second rebuild to switch',
      async () => ((await progress()).rebuild?.status === 'switched' ? true : undefined),
      60_000,
    );
    expect(await answers()).toEqual(before);
    const tables = (await sql(
      `SELECT table_schema, count(*)::int AS n FROM information_schema.tables
       WHERE table_name = 'order_facts' GROUP BY 1 ORDER BY 1`,
    )) as { table_schema: string; n: number }[];
    expect(tables.map((t) => t.table_schema)).toEqual(['kpi_v2', 'kpi_v3']);
  });

  it('keeps the live version live and consuming while its switch fails, and retries the switch', async () => {
    // The switch's transaction fails at its last statement (making kpi_v4 live) while the test says so;
    // a sequence counts the attempts, since a failed transaction rolls back anything it wrote.
    await sql(`CREATE TABLE public.switch_refused (version int)`);
    await sql(`INSERT INTO public.switch_refused VALUES (4)`);
    await sql(`CREATE SEQUENCE public.switch_attempts`);
    await sql(`CREATE FUNCTION public.refuse_switch() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status = 'live' AND EXISTS (SELECT 1 FROM public.switch_refused WHERE version = NEW.version) THEN
          PERFORM nextval('public.switch_attempts');
          RAISE EXCEPTION 'the test refuses this switch';
        END IF;
        RETURN NEW;
      END $$`);
    await sql(`CREATE TRIGGER refuse_switch BEFORE UPDATE ON kpi.read_model_versions
      FOR EACH ROW EXECUTE FUNCTION public.refuse_switch()`);
    const refusedSwitches = async (): Promise<number> => {
      const rows = (await sql(`SELECT last_value, is_called FROM public.switch_attempts`)) as {
        last_value: string;
        is_called: boolean;
      }[];
      return rows[0].is_called ? Number(rows[0].last_value) : 0;
    };
    try {
      const placedBefore = await ordersPlacedOn19th('marketplace');

      expect((await post(AUTH)).json()).toMatchObject({ rebuildId: 'v4', targetSchema: 'kpi_v4' });
      await waitFor(
        'a refused switch',
        async () => ((await refusedSwitches()) > 0 ? true : undefined),
        60_000,
      );
      expect(await progress()).toMatchObject({ liveSchema: 'kpi_v3', rebuild: { status: 'running' } });

      // The live version's consumer runs again between the retries: an order placed now shows.
      const story = await publishOrderAndSeeIt('ORD-DURING-FAILED-SWITCH', 'marketplace', 'SKU-B');
      expect((await progress()).liveSchema).toBe('kpi_v3');

      await sql(`DELETE FROM public.switch_refused`);
      await waitFor(
        'the retried switch',
        async () => ((await progress()).rebuild?.status === 'switched' ? true : undefined),
        60_000,
      );
      expect(await refusedSwitches()).toBeGreaterThan(0);
      expect((await progress()).liveSchema).toBe('kpi_v4');
      await stack.waitUntilApplied();
      expect(
        await sql(`SELECT count(*)::int AS n FROM kpi_v4.order_facts WHERE order_id = $1`, [story.orderId]),
      ).toEqual([{ n: 1 }]);
      expect(await ordersPlacedOn19th('marketplace')).toBe(placedBefore + 1);
    } finally {
      await sql(`DROP TRIGGER refuse_switch ON kpi.read_model_versions`);
      await sql(`DROP FUNCTION public.refuse_switch()`);
      await sql(`DROP SEQUENCE public.switch_attempts`);
      await sql(`DROP TABLE public.switch_refused`);
    }
  });

  it('finishes a switch whose commit went through but whose aftermath failed, without switching twice', async () => {
    // Reading the live version back right after the switch's commit fails once, as a dropped
    // connection would make it: the retry must find kpi_v5 live and leave its change log alone.
    const live = stack.app.get(LiveKpiTables);
    const refresh = live.refresh.bind(live);
    let readsAfterCommit = 0;
    const spy = jest.spyOn(live, 'refresh').mockImplementation(async () => {
      if (!new Error().stack?.includes('switchTo')) return refresh();
      readsAfterCommit++;
      if (readsAfterCommit === 1) throw new Error('the test fails reading the live version back');
      return refresh();
    });
    try {
      const before = await answersSince(Date.now());
      expect((await post(AUTH)).json()).toMatchObject({ rebuildId: 'v5', targetSchema: 'kpi_v5' });
      // (the version is live in the database from the first commit on: wait for the retry's own read)
      await waitFor('the retried switch', async () => (readsAfterCommit >= 2 ? true : undefined), 60_000);
      expect(readsAfterCommit).toBe(2);
      expect((await progress()).rebuild?.status).toBe('switched');
      expect(
        await sql(`SELECT version, status FROM kpi.read_model_versions WHERE version >= 4 ORDER BY 1`),
      ).toEqual([
        { version: 4, status: 'retired' },
        { version: 5, status: 'live' },
      ]);
      expect(await answers()).toEqual(before);
      // One rebuilt marker per switch, the last row of the carried-over log.
      const markers = (await sql(
        `SELECT id::int FROM kpi_v5.kpi_changes WHERE fact = 'rebuilt' ORDER BY id`,
      )) as { id: number }[];
      const newest = (await sql(`SELECT max(id)::int AS id FROM kpi_v5.kpi_changes`)) as { id: number }[];
      expect(markers.length).toBe(4);
      expect(markers[markers.length - 1].id).toBe(newest[0].id);

      await publishOrderAndSeeIt('ORD-AFTER-RETRIED-SWITCH', 'webshop', 'SKU-C');
    } finally {
      spy.mockRestore();
    }
  });
});
