import { DynamicModule, Module } from '@nestjs/common';
import { INGEST_TOPIC_EVENT_TYPES, INGEST_WAREHOUSE_TOPIC } from '@opsline/contracts';
import { createMessagingTablesMigration } from '@opsline/messaging';
import { createIngestController, ServiceKitModule } from '@opsline/service-kit';
import { AllocateOrderUseCase } from './application/allocate-order.use-case';
import { ApplyShipmentUseCase } from './application/apply-shipment.use-case';
import { ReleaseCancelledOrderUseCase } from './application/release-cancelled-order.use-case';
import { RecordStockMovementUseCase } from './application/record-stock-movement.use-case';
import { SetReorderPolicyUseCase } from './application/set-reorder-policy.use-case';
import { PositionSettler } from './application/settle-positions';
import { InventoryEnvironment } from './inventory.environment';
import { INVENTORY_ENTITIES } from './infrastructure/inventory.entities';
import { InventoryController } from './infrastructure/inventory.controller';
import { InventoryRepository } from './infrastructure/inventory.repository';
import { StockLedgerRepository } from './infrastructure/stock-ledger.repository';
import { CreateInventory1764000000300 } from './infrastructure/migrations/1764000000300-create-inventory';
import { IndexLedgerReads1764000000310 } from './infrastructure/migrations/1764000000310-index-ledger-reads';
import { PositionLatestMovements1764000000320 } from './infrastructure/migrations/1764000000320-position-latest-movements';
import { CountJudgements1764000000330 } from './infrastructure/migrations/1764000000330-count-judgements';
import { OrderEventsHandler } from './infrastructure/order-events.handler';
import { PositionReconciliationController } from './infrastructure/position-reconciliation.controller';
import {
  INVENTORY_RECONCILIATION_INTERVAL,
  PositionReconciliationRunner,
} from './infrastructure/position-reconciliation.runner';
import { WarehouseEventsHandler } from './infrastructure/warehouse-events.handler';
import { RunPositionLocks } from './infrastructure/run-position-locks';

/** Every WMS event type: they all arrive on the warehouse ingest topic. */
const WAREHOUSE_EVENT_TYPES = INGEST_TOPIC_EVENT_TYPES[INGEST_WAREHOUSE_TOPIC];

/** Stock positions per warehouse and SKU, allocation, and the WMS integration. */
@Module({})
export class InventoryModule {
  static forRoot(environment: InventoryEnvironment): DynamicModule {
    return {
      module: InventoryModule,
      imports: [
        ServiceKitModule.forRoot({
          serviceName: 'inventory',
          environment,
          entities: INVENTORY_ENTITIES,
          migrations: [
            createMessagingTablesMigration('inventory'),
            CreateInventory1764000000300,
            IndexLedgerReads1764000000310,
            PositionLatestMovements1764000000320,
            CountJudgements1764000000330,
          ],
        }),
      ],
      providers: [
        InventoryRepository,
        StockLedgerRepository,
        PositionSettler,
        RecordStockMovementUseCase,
        ApplyShipmentUseCase,
        AllocateOrderUseCase,
        ReleaseCancelledOrderUseCase,
        SetReorderPolicyUseCase,
        WarehouseEventsHandler,
        OrderEventsHandler,
        RunPositionLocks,
        PositionReconciliationRunner,
        {
          provide: INVENTORY_RECONCILIATION_INTERVAL,
          useValue: environment.INVENTORY_RECONCILIATION_INTERVAL_MS,
        },
      ],
      controllers: [
        InventoryController,
        PositionReconciliationController,
        createIngestController({
          path: 'warehouse',
          topic: INGEST_WAREHOUSE_TOPIC,
          scope: 'warehouse:write',
          acceptedTypes: [...WAREHOUSE_EVENT_TYPES],
          warehouseScoped: true,
        }),
      ],
    };
  }
}
