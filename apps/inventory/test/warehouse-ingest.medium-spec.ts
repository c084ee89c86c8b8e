import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { exampleEvent } from '@opsline/contracts/testing/example-events';
import { createTestDatabase, TestDatabase } from '@opsline/persistence/testing';
import { startServiceForTest } from '@opsline/service-kit/testing';
import { BrokerFixture, startTestBroker } from '../../../libs/kafka-broker/test/broker-fixture';
import { InventoryEnvironment } from '../src/inventory.environment';
import { InventoryModule } from '../src/inventory.module';

jest.setTimeout(60_000);

let broker: BrokerFixture;
let db: TestDatabase;
let app: NestFastifyApplication;

beforeAll(async () => {
  [broker, db] = await Promise.all([startTestBroker(), createTestDatabase({ name: __filename })]);
  app = await startServiceForTest(
    { name: 'inventory', Environment: InventoryEnvironment, module: (env) => InventoryModule.forRoot(env) },
    {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: broker.broker.address,
      OPSLINE_API_KEYS: 'wh1=warehouse:write@WH-1;ops=warehouse:write',
    },
  );
});

afterAll(async () => {
  await app.close();
  await db.drop();
  await broker.stop();
});

function goodsReceived(warehouseId: string): Record<string, unknown> {
  const event = exampleEvent('opsline.wms.goods-received.v1');
  return { ...event, id: `gr-${warehouseId}-${Date.now()}`, data: { ...event.data, warehouseId } };
}

async function post(key: string, events: unknown[]): Promise<{ status: number; code?: string }> {
  const response = await app.inject({
    method: 'POST',
    url: '/ingest/warehouse',
    headers: { 'content-type': 'application/cloudevents-batch+json', authorization: `Bearer ${key}` },
    payload: JSON.stringify(events),
  });
  return { status: response.statusCode, code: (response.json() as { error?: { code: string } }).error?.code };
}

describe('POST /ingest/warehouse with warehouse-limited keys', () => {
  it("accepts a WH-1 key's events of WH-1", async () => {
    expect(await post('wh1', [goodsReceived('WH-1')])).toEqual({ status: 202 });
  });

  it('refuses a WH-1 key a batch that has an event of WH-2, and stores none of it', async () => {
    expect(await post('wh1', [goodsReceived('WH-1'), goodsReceived('WH-2')])).toEqual({
      status: 403,
      code: 'AUTH.WAREHOUSE_FORBIDDEN',
    });
  });

  it('accepts every warehouse from a key without a warehouse limit', async () => {
    expect(await post('ops', [goodsReceived('WH-2'), goodsReceived('WH-3')])).toEqual({ status: 202 });
  });
});
