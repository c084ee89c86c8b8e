import { waitFor } from '../../../libs/kafka-broker/test/broker-fixture';
import {
  daysAgo,
  orderPartiallyShipped,
  orderPlaced,
  orderShipped,
  returnInspected,
  returnReceived,
  ReturnsHarness,
  returnRequested,
} from './returns-harness';

jest.setTimeout(120_000);

const harness = new ReturnsHarness();
const SKU1 = 'SKU-42';
const WAREHOUSE_DLQ = 'opsline.ingest.warehouse.dlq';

beforeAll(async () => {
  await harness.start(__filename, { RETURNS_WINDOW_DAYS_BY_CHANNEL: 'marketplace=3' });
  for (const orderId of ['ORD-A', 'ORD-B', 'ORD-H', 'ORD-K']) {
    await harness.produce('opsline.orders', orderPlaced(orderId));
    await harness.produce('opsline.orders', orderShipped(orderId, daysAgo(2)));
  }
  await harness.produce('opsline.orders', orderPlaced('ORD-M', 'marketplace'));
  await harness.produce('opsline.orders', orderShipped('ORD-M', daysAgo(4), 'ORD-M-S1', 'marketplace'));
});

afterAll(async () => {
  await harness.stop();
});

describe('a return over Kafka from request to close', () => {
  it('is authorized for a shipped line, published with channel, prices and reason', async () => {
    await harness.produce(
      'opsline.ingest.returns',
      returnRequested(
        'RMA-A',
        'ORD-A',
        [{ lineId: '1', sku: SKU1, quantity: 2, reasonCode: 'SIZE_FIT' }],
        daysAgo(1),
      ),
    );

    const ret = await harness.waitForReturn('RMA-A', (r) => r.status === 'AUTHORIZED');

    expect(ret).toMatchObject({ channel: 'webshop', orderId: 'ORD-A' });
    expect(ret.lines[0]).toMatchObject({ authorizedQuantity: 2, unitPriceMinor: 1999 });
    const [authorized] = await waitFor('return-authorized', () => {
      const events = harness.eventsOf('RMA-A', 'return-authorized');
      return events.length > 0 ? events : undefined;
    });
    expect(authorized.data).toMatchObject({
      status: 'AUTHORIZED',
      channel: 'webshop',
      currency: 'EUR',
      lines: [{ lineId: '1', reasonCode: 'SIZE_FIT', unitPriceMinor: 1999, authorizedQuantity: 2 }],
    });
  });

  it('takes partial receipts and inspections, refunds each inspection less the fee, and closes when all is refunded', async () => {
    await harness.produce(
      'opsline.ingest.warehouse',
      returnReceived('RMA-A', [{ lineId: '1', sku: SKU1, quantity: 1 }]),
    );
    await harness.waitForReturn('RMA-A', (r) => r.status === 'RECEIVED');
    await harness.produce(
      'opsline.ingest.warehouse',
      returnInspected('RMA-A', [
        { lineId: '1', sku: SKU1, quantity: 1, disposition: 'RESTOCK', recoveredValueMinor: 1500 },
      ]),
    );
    const partlyRefunded = await harness.waitForReturn('RMA-A', (r) => r.status === 'REFUNDED');
    // 1999 less 10% (199.9 → 200)
    expect(partlyRefunded.refundedAmountMinor).toBe(1799);

    await harness.produce(
      'opsline.ingest.warehouse',
      returnReceived('RMA-A', [{ lineId: '1', sku: SKU1, quantity: 1 }]),
    );
    await harness.waitForReturn('RMA-A', (r) => r.status === 'RECEIVED' && r.lines[0].receivedQuantity === 2);
    await harness.produce(
      'opsline.ingest.warehouse',
      returnInspected('RMA-A', [
        { lineId: '1', sku: SKU1, quantity: 1, disposition: 'SCRAP', recoveredValueMinor: 0 },
      ]),
    );

    const closed = await harness.waitForReturn('RMA-A', (r) => r.status === 'CLOSED');
    expect(closed.refundedAmountMinor).toBe(3598);
    expect(closed.history.map((entry) => entry.to)).toEqual([
      'REQUESTED',
      'AUTHORIZED',
      'RECEIVED',
      'INSPECTED',
      'REFUNDED',
      'RECEIVED',
      'INSPECTED',
      'REFUNDED',
      'CLOSED',
    ]);
    const types = await waitFor('the closing event', () => {
      const events = harness.eventsOf('RMA-A').map((event) => event.type.split('.')[2]);
      return events.includes('return-closed') ? events : undefined;
    });
    expect(types).toEqual([
      'return-authorized',
      'return-received',
      'return-inspected',
      'return-refunded',
      'return-received',
      'return-inspected',
      'return-refunded',
      'return-closed',
    ]);
    const inspected = harness.eventsOf('RMA-A', 'return-inspected')[0];
    expect(inspected.data.inspectionLines).toEqual([
      {
        lineId: '1',
        sku: SKU1,
        quantity: 1,
        disposition: 'RESTOCK',
        recoveredValueMinor: 1500,
        unitPriceMinor: 1999,
        reasonCode: 'SIZE_FIT',
      },
    ]);
    const refunded = harness.eventsOf('RMA-A', 'return-refunded')[0];
    expect(refunded.data).toMatchObject({
      refundAmountMinor: 1799,
      refundLines: [
        { lineId: '1', quantity: 1, unitPriceMinor: 1999, restockingFeeMinor: 200, amountMinor: 1799 },
      ],
    });
    expect(harness.eventsOf('RMA-A', 'return-closed')[0].data).toMatchObject({
      closeReason: 'completed',
      status: 'CLOSED',
    });
  });
});

describe('refused warehouse facts', () => {
  beforeAll(async () => {
    await harness.produce(
      'opsline.ingest.returns',
      returnRequested(
        'RMA-B',
        'ORD-B',
        [{ lineId: '1', sku: SKU1, quantity: 1, reasonCode: 'DAMAGED' }],
        daysAgo(1),
      ),
    );
    await harness.produce(
      'opsline.ingest.returns',
      returnRequested(
        'RMA-R',
        'ORD-B',
        [{ lineId: '1', sku: SKU1, quantity: 2, reasonCode: 'DAMAGED' }],
        daysAgo(1),
      ),
    );
    await harness.waitForReturn('RMA-B', (r) => r.status === 'AUTHORIZED');
  });

  it('rejects a request beyond shipped minus already authorized (QUANTITY_EXCEEDED)', async () => {
    const rejected = await harness.waitForReturn('RMA-R', (r) => r.status === 'REJECTED');
    expect(rejected.rejectionReason).toBe('RETURN.QUANTITY_EXCEEDED');
    const [event] = await waitFor('return-rejected', () => {
      const events = harness.eventsOf('RMA-R', 'return-rejected');
      return events.length > 0 ? events : undefined;
    });
    expect(event.data).toMatchObject({ rejectionReason: 'RETURN.QUANTITY_EXCEEDED', status: 'REJECTED' });
  });

  it.each([
    [
      'more units than authorized',
      'RETURN.RECEIPT_EXCEEDS_AUTHORIZED',
      () => returnReceived('RMA-B', [{ lineId: '1', sku: SKU1, quantity: 2 }]),
    ],
    [
      'a line not on the return',
      'RETURN.LINE_UNKNOWN',
      () => returnReceived('RMA-B', [{ lineId: '2', sku: 'SKU-7', quantity: 1 }]),
    ],
    [
      'an inspection of units never received',
      'RETURN.INSPECTION_EXCEEDS_RECEIVED',
      () =>
        returnInspected('RMA-B', [
          { lineId: '1', sku: SKU1, quantity: 1, disposition: 'RESTOCK', recoveredValueMinor: 1 },
        ]),
    ],
    [
      'a receipt for a rejected return',
      'RETURN.NOT_AUTHORIZED',
      () => returnReceived('RMA-R', [{ lineId: '1', sku: SKU1, quantity: 1 }]),
    ],
  ])('dead-letters %s with %s and changes nothing', async (_name, code, build) => {
    await harness.waitForReturn('RMA-R', (r) => r.status === 'REJECTED');
    const event = build();
    await harness.produce('opsline.ingest.warehouse', event);

    const dead = await harness.deadLetterOf(WAREHOUSE_DLQ, String(event.id));

    expect(dead.headers['opsline-dlq-error']).toContain(code);
    const ret = await harness.getReturn(String(event.subject));
    expect(ret?.lines.every((line) => line.receivedQuantity === 0 && line.inspectedQuantity === 0)).toBe(
      true,
    );
  });
});

describe('duplicates', () => {
  it('a request sent twice (same id) and again with a new id has one effect', async () => {
    const request = returnRequested(
      'RMA-D',
      'ORD-H',
      [{ lineId: '2', sku: 'SKU-7', quantity: 1, reasonCode: 'WRONG_ITEM' }],
      daysAgo(1),
    );
    await harness.produce('opsline.ingest.returns', request);
    await harness.produce('opsline.ingest.returns', request);
    await harness.produce('opsline.ingest.returns', { ...request, id: 'another-id-same-content' });
    await harness.waitForReturn('RMA-D', (r) => r.status === 'AUTHORIZED');

    const conflicting = returnRequested(
      'RMA-D',
      'ORD-H',
      [{ lineId: '2', sku: 'SKU-7', quantity: 1, reasonCode: 'DAMAGED' }],
      daysAgo(1),
    );
    await harness.produce('opsline.ingest.returns', conflicting);
    const dead = await harness.deadLetterOf('opsline.ingest.returns.dlq', String(conflicting.id));

    expect(dead.headers['opsline-dlq-error']).toContain('RETURN.CONFLICT');
    expect(harness.eventsOf('RMA-D', 'return-authorized')).toHaveLength(1);
    expect((await harness.getReturn('RMA-D'))?.lines[0]).toMatchObject({ reasonCode: 'WRONG_ITEM' });
  });

  it('a receipt sent twice is applied once', async () => {
    const receipt = returnReceived('RMA-D', [{ lineId: '2', sku: 'SKU-7', quantity: 1 }]);
    await harness.produce('opsline.ingest.warehouse', receipt);
    await harness.produce('opsline.ingest.warehouse', receipt);
    const marker = returnReceived('RMA-D', [{ lineId: '2', sku: 'SKU-7', quantity: 1 }]);
    await harness.produce('opsline.ingest.warehouse', marker);

    // The third receipt (a new id) is refused only if the duplicate had no effect before it.
    const dead = await harness.deadLetterOf(WAREHOUSE_DLQ, String(marker.id));
    expect(dead.headers['opsline-dlq-error']).toContain('RETURN.RECEIPT_EXCEEDS_AUTHORIZED');
    expect((await harness.getReturn('RMA-D'))?.lines[0].receivedQuantity).toBe(1);
    expect(harness.eventsOf('RMA-D', 'return-received')).toHaveLength(1);
  });
});

describe('out of order', () => {
  it('parks a request for a line whose shipment has not arrived, and authorizes it when it does', async () => {
    await harness.produce('opsline.orders', orderPlaced('ORD-C'));
    await harness.produce('opsline.orders', orderPartiallyShipped('ORD-C', daysAgo(3)));
    await harness.produce(
      'opsline.ingest.returns',
      returnRequested(
        'RMA-C',
        'ORD-C',
        [{ lineId: '2', sku: 'SKU-7', quantity: 1, reasonCode: 'DEFECTIVE' }],
        daysAgo(1),
      ),
    );
    const parked = await harness.waitForReturn('RMA-C', (r) => r.status === 'REQUESTED');
    expect(parked.lines[0].authorizedQuantity).toBe(0);

    await harness.produce(
      'opsline.orders',
      orderShipped('ORD-C', daysAgo(2), 'ORD-C-S2', 'webshop', [{ lineId: '2', sku: 'SKU-7', quantity: 1 }]),
    );

    const authorized = await harness.waitForReturn('RMA-C', (r) => r.status === 'AUTHORIZED');
    expect(authorized.lines[0].authorizedQuantity).toBe(1);
  });

  it('parks a request and a receipt for an order never seen, and applies both once the order arrives', async () => {
    await harness.produce(
      'opsline.ingest.returns',
      returnRequested(
        'RMA-E',
        'ORD-E',
        [{ lineId: '1', sku: SKU1, quantity: 1, reasonCode: 'DAMAGED' }],
        daysAgo(1),
      ),
    );
    await harness.produce(
      'opsline.ingest.warehouse',
      returnReceived('RMA-E', [{ lineId: '1', sku: SKU1, quantity: 1 }]),
    );
    await harness.waitForReturn('RMA-E', (r) => r.status === 'REQUESTED');

    await harness.produce('opsline.orders', orderShipped('ORD-E', daysAgo(2)));

    const received = await harness.waitForReturn('RMA-E', (r) => r.status === 'RECEIVED');
    expect(received.lines[0]).toMatchObject({
      authorizedQuantity: 1,
      receivedQuantity: 1,
      unitPriceMinor: 1999,
    });
  });

  it('uses the channel’s own window (marketplace=3 days)', async () => {
    await harness.produce(
      'opsline.ingest.returns',
      returnRequested(
        'RMA-M',
        'ORD-M',
        [{ lineId: '1', sku: SKU1, quantity: 1, reasonCode: 'DAMAGED' }],
        daysAgo(0.5),
      ),
    );
    const rejected = await harness.waitForReturn('RMA-M', (r) => r.status === 'REJECTED');
    expect(rejected.rejectionReason).toBe('RETURN.WINDOW_EXPIRED');
  });
});

describe('HTTP', () => {
  it('POST /ingest/returns takes the same event (202) and the return is decided like one from Kafka', async () => {
    const event = returnRequested(
      'RMA-I',
      'ORD-K',
      [{ lineId: '1', sku: SKU1, quantity: 1, reasonCode: 'OTHER' }],
      daysAgo(1),
    );
    const response = await harness.http('POST', '/ingest/returns', event, 'application/cloudevents+json');
    expect(response.status).toBe(202);
    await harness.waitForReturn('RMA-I', (r) => r.status === 'AUTHORIZED');
  });

  it('POST /returns decides at once: 201, then 200 for the same body and 409 for another', async () => {
    const body = {
      returnId: 'RMA-P',
      orderId: 'ORD-K',
      lines: [{ lineId: '1', sku: SKU1, quantity: 1, reasonCode: 'DAMAGED' }],
    };

    const created = await harness.http('POST', '/returns', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ returnId: 'RMA-P', status: 'AUTHORIZED', channel: 'webshop' });

    const again = await harness.http('POST', '/returns', body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'AUTHORIZED' });

    const other = await harness.http('POST', '/returns', {
      ...body,
      lines: [{ ...body.lines[0], reasonCode: 'OTHER' }],
    });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ error: { code: 'RETURN.CONFLICT' } });
  });

  it('POST /returns answers 201 REJECTED with the reason when nothing more is returnable', async () => {
    await harness.waitForReturn('RMA-I', (r) => r.status === 'AUTHORIZED');
    const rejected = await harness.http('POST', '/returns', {
      returnId: 'RMA-Q',
      orderId: 'ORD-K',
      lines: [{ lineId: '1', sku: SKU1, quantity: 1, reasonCode: 'DAMAGED' }],
    });
    expect(rejected.status).toBe(201);
    expect(rejected.body).toMatchObject({ status: 'REJECTED', rejectionReason: 'RETURN.QUANTITY_EXCEEDED' });
  });

  it('POST /returns answers 201 REQUESTED for an order not seen yet', async () => {
    const parked = await harness.http('POST', '/returns', {
      returnId: 'RMA-U',
      orderId: 'ORD-NOT-YET',
      lines: [{ lineId: '1', sku: SKU1, quantity: 1, reasonCode: 'DAMAGED' }],
    });
    expect(parked.status).toBe(201);
    expect(parked.body).toMatchObject({ status: 'REQUESTED' });
  });

  it.each([
    [
      'a quantity of 0',
      { lines: [{ lineId: '1', sku: SKU1, quantity: 0, reasonCode: 'DAMAGED' }] },
      400,
      'lines.0.quantity',
    ],
    [
      'an unknown reason code',
      { lines: [{ lineId: '1', sku: SKU1, quantity: 1, reasonCode: 'BORED' }] },
      400,
      'lines.0.reasonCode',
    ],
    ['a missing orderId', { orderId: undefined }, 400, 'orderId'],
    [
      'the same line twice',
      {
        lines: [
          { lineId: '1', sku: SKU1, quantity: 1, reasonCode: 'DAMAGED' },
          { lineId: '1', sku: SKU1, quantity: 1, reasonCode: 'SIZE_FIT' },
        ],
      },
      422,
      'lines',
    ],
  ])('POST /returns refuses %s', async (_name, change, status, field) => {
    const response = await harness.http('POST', '/returns', {
      returnId: 'RMA-BAD',
      orderId: 'ORD-K',
      lines: [{ lineId: '1', sku: SKU1, quantity: 1, reasonCode: 'DAMAGED' }],
      ...change,
    });
    expect(response.status).toBe(status);
    const fields = (response.body.error as { fields?: { field: string }[] }).fields ?? [];
    expect(fields.map((f) => f.field)).toContain(field);
    expect((await harness.http('GET', '/returns/RMA-BAD')).status).toBe(404);
  });

  it('POST /returns/{id}/close closes with units outstanding, then 409; 404 for an unknown return', async () => {
    const closed = await harness.http('POST', '/returns/RMA-P/close', { reason: 'customer kept it' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'CLOSED', closeReason: 'customer kept it' });
    await waitFor('return-closed', () =>
      harness.eventsOf('RMA-P', 'return-closed').length === 1 ? true : undefined,
    );

    expect((await harness.http('POST', '/returns/RMA-P/close', { reason: 'again' })).status).toBe(409);
    expect((await harness.http('POST', '/returns/RMA-Q/close', { reason: 'rejected' })).status).toBe(409);
    expect((await harness.http('POST', '/returns/RMA-NOPE/close', { reason: 'x' })).status).toBe(404);
    expect((await harness.http('POST', '/returns/RMA-P/close', {})).status).toBe(400);
  });

  it('GET /returns/{id} answers 404 RETURN.NOT_FOUND for a return it does not have', async () => {
    const response = await harness.http('GET', '/returns/RMA-NOPE');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: { code: 'RETURN.NOT_FOUND' } });
  });

  it('GET /returns filters by status and order and walks pages with nextCursor', async () => {
    const rejected = await harness.http('GET', '/returns?status=REJECTED&orderId=ORD-K');
    expect((rejected.body.items as { returnId: string }[]).map((r) => r.returnId)).toEqual(['RMA-Q']);

    const seen: string[] = [];
    let url = '/returns?orderId=ORD-K&limit=1';
    for (let page = 0; page < 5; page++) {
      const { status, body } = await harness.http('GET', url);
      expect(status).toBe(200);
      seen.push(...(body.items as { returnId: string }[]).map((r) => r.returnId));
      if (body.nextCursor === null) break;
      url = `/returns?orderId=ORD-K&limit=1&cursor=${String(body.nextCursor)}`;
    }
    expect(seen).toEqual(['RMA-I', 'RMA-P', 'RMA-Q']);

    const window = await harness.http('GET', `/returns?orderId=ORD-K&from=${daysAgo(2)}&to=${daysAgo(0.5)}`);
    expect((window.body.items as { returnId: string }[]).map((r) => r.returnId)).toEqual(['RMA-I']);
    expect((await harness.http('GET', '/returns?status=LOST')).status).toBe(400);
    expect((await harness.http('GET', '/returns?cursor=abc')).status).toBe(400);
    const notAnId = await harness.http('GET', '/returns?orderId=ORD%201');
    expect(notAnId.status).toBe(400);
    expect(notAnId.body.error).toMatchObject({ fields: [{ field: 'orderId', rule: 'isOpslineId' }] });
  });
});
