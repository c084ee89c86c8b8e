import { exampleEvent } from '@opsline/contracts/testing/example-events';
import { waitFor } from '../../../libs/kafka-broker/test/broker-fixture';
import {
  ingest,
  orderProducer,
  placeOrder,
  positionMatching,
  positionOf,
  published,
  publishedOf,
  received,
  service,
  useInventoryService,
  wms,
} from './inventory-service-harness';

jest.setTimeout(90_000);

useInventoryService(
  __filename,
  'ops=warehouse:write,inventory:read;wh2=warehouse:write@WH-2,inventory:read@WH-2',
);

async function cancelOrder(
  orderId: string,
  cancelledAt: string,
  lines: { lineId: string; sku: string; quantity: number; shippedQuantity: number }[],
  eventId = `cancelled-${orderId}`,
): Promise<void> {
  const event = exampleEvent('opsline.orders.order-cancelled.v1', {
    orderId,
    channel: 'webshop',
    currency: 'EUR',
    placedAt: '2026-11-20T09:00:00.000Z',
    promisedShipBy: '2026-11-30T16:00:00.000Z',
    warehouseId: 'WH-1',
    status: 'CANCELLED',
    occurredAt: cancelledAt,
    lines: lines.map((line) => ({
      ...line,
      unitPriceMinor: 100,
      cancelledQuantity: line.quantity - line.shippedQuantity,
    })),
    shipmentCount: lines.some((line) => line.shippedQuantity > 0) ? 1 : 0,
    isComplete: false,
    cancelledAt,
    reason: 'customer changed their mind',
    unitsCancelled: lines.map((line) => ({
      lineId: line.lineId,
      quantity: line.quantity - line.shippedQuantity,
    })),
  });
  await orderProducer().send({
    topic: 'opsline.orders',
    messages: [{ key: orderId, value: JSON.stringify({ ...event, id: eventId, subject: orderId }) }],
  });
}

function inspected(
  returnId: string,
  lines: { lineId: string; sku: string; quantity: number; disposition: string }[],
  time: string,
  id?: string,
) {
  return wms(
    'opsline.wms.return-inspected.v1',
    {
      warehouseId: 'WH-1',
      returnId,
      lines: lines.map((line) => ({ ...line, recoveredValueMinor: 0 })),
    },
    time,
    id,
  );
}

async function getLedger(query: string, key = 'ops') {
  return service().inject({
    method: 'GET',
    url: `/inventory/ledger${query}`,
    headers: { authorization: `Bearer ${key}` },
  });
}

describe('a cancelled order gives its stock back', () => {
  it('releases the reservations of a reserved order and drops its backorders', async () => {
    await ingest([received('GR-R1', 'SKU-R', 5, '2026-11-20T08:00:00.000Z')]);
    await waitFor('SKU-R received', positionMatching('SKU-R', { onHand: 5 }));
    await placeOrder('ORD-R1', '2026-11-20T09:00:00.000Z', [{ lineId: '1', sku: 'SKU-R', quantity: 3 }]);
    await placeOrder('ORD-R2', '2026-11-20T09:10:00.000Z', [{ lineId: '1', sku: 'SKU-R', quantity: 4 }]);
    await waitFor('both allocated', positionMatching('SKU-R', { reserved: 5, available: 0 }));

    await cancelOrder('ORD-R2', '2026-11-20T11:00:00.000Z', [
      { lineId: '1', sku: 'SKU-R', quantity: 4, shippedQuantity: 0 },
    ]);
    const [releasedR2] = await waitFor(
      'ORD-R2 released',
      publishedOf('opsline.inventory.stock-released.v1', 'ORD-R2'),
    );
    expect(releasedR2.data).toEqual({
      orderId: 'ORD-R2',
      warehouseId: 'WH-1',
      releasedAt: '2026-11-20T11:00:00.000Z',
      lines: [{ lineId: '1', sku: 'SKU-R', released: 2, backorderDropped: 2 }],
    });
    expect(await positionOf('SKU-R')).toMatchObject({ onHand: 5, reserved: 3, available: 2 });

    await cancelOrder('ORD-R1', '2026-11-20T12:00:00.000Z', [
      { lineId: '1', sku: 'SKU-R', quantity: 3, shippedQuantity: 0 },
    ]);
    await waitFor('ORD-R1 released', positionMatching('SKU-R', { onHand: 5, reserved: 0, available: 5 }));
    // the dropped backorder of ORD-R2 is not filled by ORD-R1's release
    expect(published.filter((e) => e.subject === 'ORD-R2' && e.data.cause === 'backorder-fill')).toEqual([]);
  });

  it('hands released units to waiting orders first-in-first-out', async () => {
    await ingest([received('GR-F1', 'SKU-F', 2, '2026-11-20T08:00:00.000Z')]);
    await waitFor('SKU-F received', positionMatching('SKU-F', { onHand: 2 }));
    await placeOrder('ORD-F1', '2026-11-20T09:00:00.000Z', [{ lineId: '1', sku: 'SKU-F', quantity: 2 }]);
    await placeOrder('ORD-F2', '2026-11-20T09:10:00.000Z', [{ lineId: '1', sku: 'SKU-F', quantity: 1 }]);
    await waitFor('ORD-F2 backordered', publishedOf('opsline.inventory.stock-backordered.v1', 'ORD-F2'));
    await cancelOrder('ORD-F1', '2026-11-20T10:00:00.000Z', [
      { lineId: '1', sku: 'SKU-F', quantity: 2, shippedQuantity: 0 },
    ]);
    const [fill] = await waitFor(
      'ORD-F2 filled',
      publishedOf('opsline.inventory.stock-reserved.v1', 'ORD-F2', (e) => e.data.cause === 'backorder-fill'),
    );
    expect(fill.data).toMatchObject({ trigger: 'release:ORD-F1#1', lines: [{ lineId: '1', quantity: 1 }] });
    expect(await positionOf('SKU-F')).toMatchObject({ onHand: 2, reserved: 1, available: 1 });
  });

  it('releases only the unshipped rest of a partially shipped order, once', async () => {
    await ingest([received('GR-S1', 'SKU-S', 6, '2026-11-20T08:00:00.000Z')]);
    await waitFor('SKU-S received', positionMatching('SKU-S', { onHand: 6 }));
    await placeOrder('ORD-S1', '2026-11-20T09:00:00.000Z', [{ lineId: '1', sku: 'SKU-S', quantity: 4 }]);
    await waitFor('ORD-S1 reserved', positionMatching('SKU-S', { reserved: 4 }));
    const shipment = wms(
      'opsline.wms.shipment-confirmed.v1',
      {
        warehouseId: 'WH-1',
        shipmentId: 'SHP-S1',
        orderId: 'ORD-S1',
        lines: [{ lineId: '1', sku: 'SKU-S', quantity: 1 }],
      },
      '2026-11-20T10:00:00.000Z',
    );
    await ingest([shipment]);
    await waitFor('the partial shipment', positionMatching('SKU-S', { onHand: 5, reserved: 3 }));

    await cancelOrder('ORD-S1', '2026-11-20T11:00:00.000Z', [
      { lineId: '1', sku: 'SKU-S', quantity: 4, shippedQuantity: 1 },
    ]);
    const [released] = await waitFor(
      'ORD-S1 released',
      publishedOf('opsline.inventory.stock-released.v1', 'ORD-S1'),
    );
    expect(released.data).toMatchObject({
      lines: [{ lineId: '1', sku: 'SKU-S', released: 3, backorderDropped: 0 }],
    });
    expect(await positionOf('SKU-S')).toMatchObject({ onHand: 5, reserved: 0, available: 5 });

    // the same cancellation published again under a new id changes nothing
    await cancelOrder(
      'ORD-S1',
      '2026-11-20T11:00:00.000Z',
      [{ lineId: '1', sku: 'SKU-S', quantity: 4, shippedQuantity: 1 }],
      'cancelled-ORD-S1-again',
    );
    await placeOrder('ORD-S2', '2026-11-20T12:00:00.000Z', [{ lineId: '1', sku: 'SKU-S', quantity: 1 }]);
    await waitFor('the marker order', publishedOf('opsline.inventory.stock-reserved.v1', 'ORD-S2'));
    expect(await positionOf('SKU-S')).toMatchObject({ onHand: 5, reserved: 1, available: 4 });
    expect(
      published.filter((e) => e.type === 'opsline.inventory.stock-released.v1' && e.subject === 'ORD-S1'),
    ).toHaveLength(1);
  });
});

describe('inspected returns marked RESTOCK go back on hand', () => {
  it('adds RESTOCK lines to on-hand, fills backorders, and ignores the same inspection twice', async () => {
    await ingest([received('GR-T1', 'SKU-T', 1, '2026-11-20T08:00:00.000Z')]);
    await waitFor('SKU-T received', positionMatching('SKU-T', { onHand: 1 }));
    await placeOrder('ORD-T1', '2026-11-20T09:00:00.000Z', [{ lineId: '1', sku: 'SKU-T', quantity: 3 }]);
    await waitFor('ORD-T1 backordered', publishedOf('opsline.inventory.stock-backordered.v1', 'ORD-T1'));

    const inspection = inspected(
      'RMA-T1',
      [
        { lineId: '1', sku: 'SKU-T', quantity: 2, disposition: 'RESTOCK' },
        { lineId: '2', sku: 'SKU-T', quantity: 5, disposition: 'SCRAP' },
      ],
      '2026-11-21T10:00:00.000Z',
      'inspection-T1',
    );
    await ingest([inspection]);
    await waitFor('restocked', positionMatching('SKU-T', { onHand: 3, reserved: 3, available: 0 }));
    const [fill] = await waitFor(
      'ORD-T1 filled',
      publishedOf('opsline.inventory.stock-reserved.v1', 'ORD-T1', (e) => e.data.cause === 'backorder-fill'),
    );
    expect(fill.data).toMatchObject({
      trigger: 'restock:RMA-T1#1@inspection-T1#0',
      lines: [{ lineId: '1', quantity: 2 }],
    });

    await ingest([inspection, received('GR-T-marker', 'SKU-T2', 1, '2026-11-21T11:00:00.000Z')]);
    await waitFor('the marker', positionMatching('SKU-T2', { onHand: 1 }));
    expect(await positionOf('SKU-T')).toMatchObject({ onHand: 3, reserved: 3 });
  });
});

describe('GET /inventory/ledger', () => {
  it('lists the entries that explain a position with the running onHand and reserved', async () => {
    const response = await getLedger('?warehouseId=WH-1&sku=SKU-S');
    expect(response.statusCode).toBe(200);
    const body = response.json() as { onHand: number; reserved: number; entries: unknown[] };
    expect(body).toMatchObject({ warehouseId: 'WH-1', sku: 'SKU-S', onHand: 5, reserved: 1, available: 4 });
    expect(body.entries).toEqual([
      {
        at: '2026-11-20T08:00:00.000Z',
        kind: 'receipt',
        quantity: 6,
        reference: 'receipt:GR-S1',
        onHandDelta: 6,
        reservedDelta: 0,
        onHand: 6,
        reserved: 0,
      },
      {
        at: '2026-11-20T09:00:00.000Z',
        kind: 'reservation',
        quantity: 4,
        reference: 'reservation:ORD-S1#1@allocation',
        onHandDelta: 0,
        reservedDelta: 4,
        onHand: 6,
        reserved: 4,
      },
      {
        at: '2026-11-20T10:00:00.000Z',
        kind: 'shipment',
        quantity: 1,
        reference: 'shipment:SHP-S1#ORD-S1#1',
        onHandDelta: -1,
        reservedDelta: -1,
        onHand: 5,
        reserved: 3,
      },
      {
        at: '2026-11-20T11:00:00.000Z',
        kind: 'release',
        quantity: 3,
        reference: 'release:ORD-S1#1',
        onHandDelta: 0,
        reservedDelta: -3,
        onHand: 5,
        reserved: 0,
      },
      {
        at: '2026-11-20T12:00:00.000Z',
        kind: 'reservation',
        quantity: 1,
        reference: 'reservation:ORD-S2#1@allocation',
        onHandDelta: 0,
        reservedDelta: 1,
        onHand: 5,
        reserved: 1,
      },
    ]);
  });

  it('requires both parameters, naming the missing one', async () => {
    const noSku = await getLedger('?warehouseId=WH-1');
    expect(noSku.statusCode).toBe(400);
    expect(JSON.stringify(noSku.json())).toContain('sku');
    const noWarehouse = await getLedger('?sku=SKU-S');
    expect(noWarehouse.statusCode).toBe(400);
    expect(JSON.stringify(noWarehouse.json())).toContain('warehouseId');
  });

  it("shows a warehouse-limited key only its own warehouse's ledger", async () => {
    expect((await getLedger('?warehouseId=WH-1&sku=SKU-S', 'wh2')).statusCode).toBe(403);
    const own = await getLedger('?warehouseId=WH-2&sku=SKU-S', 'wh2');
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({ onHand: 0, reserved: 0, entries: [] });
  });

  it('is documented in OpenAPI', async () => {
    const response = await service().inject({ method: 'GET', url: '/docs-json' });
    const paths = Object.keys((response.json() as { paths: Record<string, unknown> }).paths);
    expect(paths).toContain('/inventory/ledger');
  });
});
