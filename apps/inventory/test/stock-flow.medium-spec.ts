import { waitFor } from '../../../libs/kafka-broker/test/broker-fixture';
import { exampleEvent } from '@opsline/contracts/testing/example-events';
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

useInventoryService(__filename, 'ops=warehouse:write,inventory:read;wh2=warehouse:write@WH-2');

describe('inventory applies warehouse and order events to stock positions', () => {
  it('turns goods received into on-hand stock', async () => {
    await ingest([received('GR-A1', 'SKU-A', 10, '2026-11-20T08:00:00.000Z')]);
    const position = await waitFor('SKU-A received', positionMatching('SKU-A', { onHand: 10 }));
    expect(position).toMatchObject({ reserved: 0, available: 10, reorderPoint: null });
  });

  it('reserves a placed order and announces stock-reserved with the first-attempt result', async () => {
    await placeOrder('ORD-A1', '2026-11-20T09:00:00.000Z', [{ lineId: '1', sku: 'SKU-A', quantity: 4 }]);
    await waitFor('the reservation', positionMatching('SKU-A', { onHand: 10, reserved: 4, available: 6 }));
    const [reserved] = await waitFor(
      'stock-reserved',
      publishedOf('opsline.inventory.stock-reserved.v1', 'ORD-A1'),
    );
    expect(reserved.data).toMatchObject({
      orderId: 'ORD-A1',
      warehouseId: 'WH-1',
      cause: 'allocation',
      lines: [{ lineId: '1', sku: 'SKU-A', quantity: 4 }],
      firstAttempt: [{ lineId: '1', sku: 'SKU-A', ordered: 4, reserved: 4, backordered: 0 }],
    });
  });

  it('backorders a short order and fills backorders first-in-first-out when goods arrive', async () => {
    await ingest([received('GR-B1', 'SKU-B', 2, '2026-11-20T08:00:00.000Z')]);
    await waitFor('SKU-B received', positionMatching('SKU-B', { onHand: 2 }));
    await placeOrder('ORD-B1', '2026-11-20T09:00:00.000Z', [{ lineId: '1', sku: 'SKU-B', quantity: 5 }]);
    await placeOrder('ORD-B2', '2026-11-20T09:30:00.000Z', [{ lineId: '1', sku: 'SKU-B', quantity: 1 }]);
    const [backordered] = await waitFor(
      'stock-backordered',
      publishedOf('opsline.inventory.stock-backordered.v1', 'ORD-B1'),
    );
    expect(backordered.data).toMatchObject({
      lines: [{ lineId: '1', sku: 'SKU-B', quantity: 3 }],
      firstAttempt: [{ lineId: '1', ordered: 5, reserved: 2, backordered: 3 }],
    });
    await waitFor('ORD-B2 backordered', publishedOf('opsline.inventory.stock-backordered.v1', 'ORD-B2'));

    await ingest([received('GR-B2', 'SKU-B', 3, '2026-11-20T12:00:00.000Z')]);
    await waitFor(
      'the older backorder filled',
      positionMatching('SKU-B', { onHand: 5, reserved: 5, available: 0 }),
    );
    const fills = await waitFor(
      'the fill',
      publishedOf('opsline.inventory.stock-reserved.v1', 'ORD-B1', (e) => e.data.cause === 'backorder-fill'),
    );
    expect(fills[0].data).toMatchObject({ trigger: 'receipt:GR-B2', lines: [{ lineId: '1', quantity: 3 }] });
    expect(published.filter((e) => e.subject === 'ORD-B2' && e.data.cause === 'backorder-fill')).toEqual([]);
  });

  it('consumes the reservation when the shipment is confirmed', async () => {
    const shipment = wms(
      'opsline.wms.shipment-confirmed.v1',
      {
        warehouseId: 'WH-1',
        shipmentId: 'SHP-A1',
        orderId: 'ORD-A1',
        lines: [{ lineId: '1', sku: 'SKU-A', quantity: 4 }],
      },
      '2026-11-20T15:00:00.000Z',
    );
    await ingest([shipment]);
    await waitFor('the shipment', positionMatching('SKU-A', { onHand: 6, reserved: 0, available: 6 }));
    const [shipped] = await waitFor(
      'stock-shipped',
      publishedOf('opsline.inventory.stock-shipped.v1', 'ORD-A1'),
    );
    expect(shipped.data).toMatchObject({
      shipmentId: 'SHP-A1',
      lines: [{ lineId: '1', shipped: 4, fromReservation: 4, unreserved: 0 }],
    });
  });

  it('announces stock-level-low once available drops below the reorder point', async () => {
    const put = (key: string, url: string, payload: unknown) =>
      service().inject({
        method: 'PUT',
        url,
        headers: { authorization: `Bearer ${key}` },
        payload: payload as object,
      });
    const invalid = await put('ops', '/inventory/policies/WH-1/SKU-A', { reorderPoint: -1 });
    expect(invalid.statusCode).toBe(400);
    expect(JSON.stringify(invalid.json())).toContain('reorderPoint');
    expect((await put('wh2', '/inventory/policies/WH-1/SKU-A', { reorderPoint: 5 })).statusCode).toBe(403);
    const ok = await put('ops', '/inventory/policies/WH-1/SKU-A', { reorderPoint: 5 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ reorderPoint: 5, available: 6, belowReorderPoint: false });

    const adjusted = {
      warehouseId: 'WH-1',
      adjustmentId: 'ADJ-A1',
      sku: 'SKU-A',
      quantityDelta: -2,
      reasonCode: 'DAMAGE',
    };
    await ingest([wms('opsline.wms.stock-adjusted.v1', adjusted, '2026-11-20T16:00:00.000Z')]);
    const [low] = await waitFor(
      'level-low',
      publishedOf('opsline.inventory.stock-level-low.v1', 'WH-1:SKU-A'),
    );
    expect(low.data).toMatchObject({ warehouseId: 'WH-1', sku: 'SKU-A', available: 4, reorderPoint: 5 });
    expect(await positionOf('SKU-A')).toMatchObject({ onHand: 4, belowReorderPoint: true });
  });

  it('gives a duplicate event no second effect', async () => {
    await ingest([received('GR-C1', 'SKU-C', 7, '2026-11-20T08:00:00.000Z', 'dup-1')]);
    await waitFor('SKU-C received', positionMatching('SKU-C', { onHand: 7 }));
    await ingest([
      received('GR-C1', 'SKU-C', 7, '2026-11-20T08:00:00.000Z', 'dup-1'),
      received('GR-C1', 'SKU-C', 7, '2026-11-20T08:00:00.000Z', 'dup-1-resent-with-new-id'),
      received('GR-D1', 'SKU-D', 1, '2026-11-20T08:00:00.000Z'),
    ]);
    await waitFor('the marker after the duplicates', positionMatching('SKU-D', { onHand: 1 }));
    expect(await positionOf('SKU-C')).toMatchObject({ onHand: 7, available: 7 });
  });

  it('allocates an order announced twice only once', async () => {
    await ingest([received('GR-E1', 'SKU-E', 5, '2026-11-20T08:00:00.000Z')]);
    await waitFor('SKU-E received', positionMatching('SKU-E', { onHand: 5 }));
    const lines = [{ lineId: '1', sku: 'SKU-E', quantity: 2 }];
    await placeOrder('ORD-E1', '2026-11-20T09:00:00.000Z', lines, 'placed-E1');
    await placeOrder('ORD-E1', '2026-11-20T09:00:00.000Z', lines, 'placed-E1-republished');
    await placeOrder('ORD-E2', '2026-11-20T09:05:00.000Z', [{ lineId: '1', sku: 'SKU-E', quantity: 1 }]);
    await waitFor('ORD-E2 reserved', publishedOf('opsline.inventory.stock-reserved.v1', 'ORD-E2'));
    expect(await positionOf('SKU-E')).toMatchObject({ onHand: 5, reserved: 3, available: 2 });
    expect(published.filter((e) => e.subject === 'ORD-E1')).toHaveLength(1);
  });

  it('judges a cycle count against on-hand at its time, and again when a late movement changes that', async () => {
    await ingest([received('GR-F1', 'SKU-F', 10, '2026-11-20T08:00:00.000Z')]);
    await ingest([
      wms(
        'opsline.wms.stock-counted.v1',
        { warehouseId: 'WH-1', countId: 'CC-F1', sku: 'SKU-F', countedQuantity: 13 },
        '2026-11-20T18:00:00.000Z',
      ),
    ]);
    const [counted] = await waitFor(
      'the count',
      publishedOf('opsline.inventory.stock-counted.v1', 'WH-1:SKU-F'),
    );
    expect(counted.data).toMatchObject({
      countId: 'CC-F1',
      countedQuantity: 13,
      onHandAtCount: 10,
      accurate: false,
    });
    expect(counted.data).not.toHaveProperty('restated');

    // a receipt dated before the count arrives late: the books now agree with the count
    await ingest([received('GR-F2', 'SKU-F', 3, '2026-11-20T12:00:00.000Z')]);
    const counts = await waitFor('the restated count', () => {
      const found = publishedOf('opsline.inventory.stock-counted.v1', 'WH-1:SKU-F')();
      return found !== undefined && found.length === 2 ? found : undefined;
    });
    expect(counts[1].data).toMatchObject({
      countId: 'CC-F1',
      onHandAtCount: 13,
      accurate: true,
      restated: true,
    });
    expect(await positionOf('SKU-F')).toMatchObject({ onHand: 13 });

    // a receipt after the count changes no count
    await ingest([received('GR-F3', 'SKU-F', 1, '2026-11-21T08:00:00.000Z')]);
    await waitFor('SKU-F after the count', positionMatching('SKU-F', { onHand: 14 }));
    const changes = await waitFor('the position published as it stands', () => {
      const found = publishedOf('opsline.inventory.position-changed.v1', 'WH-1:SKU-F')();
      return found?.some((event) => event.data.onHand === 14) === true ? found : undefined;
    });
    expect(changes.map((event) => event.data.onHand)).toEqual([10, 13, 13, 14]);
    expect(changes[3].data).toMatchObject({
      warehouseId: 'WH-1',
      sku: 'SKU-F',
      reserved: 0,
      available: 14,
      backordered: 0,
    });
    expect(
      published.filter((e) => e.type === 'opsline.inventory.stock-counted.v1' && e.subject === 'WH-1:SKU-F'),
    ).toHaveLength(2);
  });

  it('allocates a run of orders from one partition in one go, each as it would be alone', async () => {
    await ingest([received('GR-G1', 'SKU-G', 5, '2026-11-20T08:00:00.000Z')]);
    await waitFor('SKU-G received', positionMatching('SKU-G', { onHand: 5 }));
    const placed = (orderId: string, quantity: number, eventId: string) => ({
      partition: 0,
      key: orderId,
      value: JSON.stringify({
        ...exampleEvent('opsline.orders.order-placed.v1', {
          orderId,
          channel: 'webshop',
          currency: 'EUR',
          placedAt: '2026-11-20T09:00:00.000Z',
          promisedShipBy: '2026-11-30T16:00:00.000Z',
          warehouseId: 'WH-1',
          lines: [{ lineId: '1', sku: 'SKU-G', quantity, unitPriceMinor: 100 }],
        }),
        id: eventId,
        subject: orderId,
      }),
    });
    await orderProducer().send({
      topic: 'opsline.orders',
      messages: [
        placed('ORD-G1', 3, 'g1'),
        placed('ORD-G2', 4, 'g2'),
        placed('ORD-G1', 3, 'g1-again'),
        placed('ORD-G3', 1, 'g3'),
      ],
    });
    await waitFor(
      'ORD-G2 and ORD-G3 backordered',
      async () =>
        publishedOf('opsline.inventory.stock-backordered.v1', 'ORD-G2')() &&
        publishedOf('opsline.inventory.stock-reserved.v1', 'ORD-G2')() &&
        publishedOf('opsline.inventory.stock-backordered.v1', 'ORD-G3')() &&
        publishedOf('opsline.inventory.stock-reserved.v1', 'ORD-G1')() &&
        (publishedOf('opsline.inventory.position-changed.v1', 'WH-1:SKU-G')()?.length ?? 0) >= 4 &&
        (await positionMatching('SKU-G', { reserved: 5 })()),
    );
    expect(await positionOf('SKU-G')).toMatchObject({ onHand: 5, reserved: 5, available: 0 });
    const reserved = published.filter(
      (e) => e.type === 'opsline.inventory.stock-reserved.v1' && e.subject.startsWith('ORD-G'),
    );
    // events of different orders travel on different partitions: compare them by order
    expect(reserved.map((e) => [e.subject, e.data.lines]).sort()).toEqual([
      ['ORD-G1', [{ lineId: '1', sku: 'SKU-G', quantity: 3 }]],
      ['ORD-G2', [{ lineId: '1', sku: 'SKU-G', quantity: 2 }]],
    ]);
    const backordered = published.filter(
      (e) => e.type === 'opsline.inventory.stock-backordered.v1' && e.subject.startsWith('ORD-G'),
    );
    expect(backordered.map((e) => [e.subject, e.data.firstAttempt]).sort()).toEqual([
      ['ORD-G2', [{ lineId: '1', sku: 'SKU-G', ordered: 4, reserved: 2, backordered: 2 }]],
      ['ORD-G3', [{ lineId: '1', sku: 'SKU-G', ordered: 1, reserved: 0, backordered: 1 }]],
    ]);
    const changes = published.filter(
      (e) => e.type === 'opsline.inventory.position-changed.v1' && e.subject === 'WH-1:SKU-G',
    );
    expect(changes.map((e) => [e.data.reserved, e.data.backordered])).toEqual([
      [0, 0],
      [3, 0],
      [5, 2],
      [5, 3],
    ]);
  });

  it('documents the positions and policies routes in OpenAPI', async () => {
    const response = await service().inject({ method: 'GET', url: '/docs-json' });
    const paths = Object.keys((response.json() as { paths: Record<string, unknown> }).paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/inventory/positions', '/inventory/policies/{warehouseId}/{sku}']),
    );
  });
});
