import { DataSource } from 'typeorm';
import { waitFor } from '../../../libs/kafka-broker/test/broker-fixture';
import {
  daysAgo,
  orderPartiallyShipped,
  orderPlaced,
  returnReceived,
  ReturnsHarness,
  returnRequested,
} from './returns-harness';

jest.setTimeout(90_000);

const harness = new ReturnsHarness();

beforeAll(async () => {
  await harness.start(__filename, { RETURNS_PARK_MAX_WAIT_MS: '500' });
});

afterAll(async () => {
  await harness.stop();
});

describe('after the parking wait', () => {
  it('rejects a request for an order never seen with RETURN.ORDER_UNKNOWN and publishes it without a channel', async () => {
    await harness.produce(
      'opsline.ingest.returns',
      returnRequested(
        'RMA-G',
        'ORD-GHOST',
        [{ lineId: '1', sku: 'SKU-1', quantity: 1, reasonCode: 'DAMAGED' }],
        daysAgo(1),
      ),
    );

    const rejected = await harness.waitForReturn('RMA-G', (r) => r.status === 'REJECTED');

    expect(rejected.rejectionReason).toBe('RETURN.ORDER_UNKNOWN');
    const [event] = await waitFor('return-rejected', () => {
      const events = harness.eventsOf('RMA-G', 'return-rejected');
      return events.length > 0 ? events : undefined;
    });
    expect(event.data).toMatchObject({ rejectionReason: 'RETURN.ORDER_UNKNOWN', status: 'REJECTED' });
    expect(event.data.channel).toBeUndefined();
  });

  it('rejects a request for a line that never shipped with RETURN.NOT_SHIPPED', async () => {
    await harness.produce('opsline.orders', orderPlaced('ORD-P'));
    await harness.produce('opsline.orders', orderPartiallyShipped('ORD-P', daysAgo(2)));
    await waitFor('the order replica', async () => {
      const rows: unknown[] = await harness.app
        .get(DataSource)
        .query(`SELECT 1 FROM returns.order_replicas WHERE order_id = 'ORD-P'`);
      return rows.length > 0 ? true : undefined;
    });
    await harness.produce(
      'opsline.ingest.returns',
      returnRequested(
        'RMA-N',
        'ORD-P',
        [{ lineId: '2', sku: 'SKU-7', quantity: 1, reasonCode: 'DAMAGED' }],
        daysAgo(1),
      ),
    );

    const rejected = await harness.waitForReturn('RMA-N', (r) => r.status === 'REJECTED');

    expect(rejected).toMatchObject({ rejectionReason: 'RETURN.NOT_SHIPPED', channel: 'webshop' });
  });

  it('dead-letters a receipt for a return never seen with RETURN.UNKNOWN', async () => {
    const receipt = returnReceived('RMA-GHOST', [{ lineId: '1', sku: 'SKU-1', quantity: 1 }]);
    await harness.produce('opsline.ingest.warehouse', receipt);

    const dead = await harness.deadLetterOf('opsline.ingest.warehouse.dlq', String(receipt.id));

    expect(dead.headers['opsline-dlq-error']).toContain('RETURN.UNKNOWN');
    expect(dead.headers['opsline-dlq-source-topic']).toBe('opsline.ingest.warehouse');
    expect(dead.value).toMatchObject({ type: 'opsline.wms.return-received.v1' });
  });
});
