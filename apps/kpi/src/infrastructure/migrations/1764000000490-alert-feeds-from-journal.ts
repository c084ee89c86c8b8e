import { MigrationInterface, QueryRunner } from 'typeorm';
import { ALLOCATION_TYPES, SHIPMENT_TYPES } from '../../application/record-alert-feeds.use-case';
import { ALERT_TABLES as t } from '../alerts/alert-tables';
import { eventJournalTable } from './1764000000420-create-event-journal';
import { KPI_SCHEMA } from '../kpi-tables';

/**
 * From here on the read models' consumer records the alert feeds' allocations and shipments with its
 * facts, and the alerts' own group reads only the warehouse feed. Events the read models had applied
 * and the alerts group had not yet, when this ran, would be missing from both tables: they are taken
 * from the live version's journal (which holds every event it applied). Both tables are sets, so
 * recording the others again changes nothing. Allocations first: a shipment is flagged `misrouted`
 * by the allocations known, and those recorded here clear the flags they disprove.
 */
export class AlertFeedsFromJournal1764000000490 implements MigrationInterface {
  name = 'AlertFeedsFromJournal1764000000490';

  async up(queryRunner: QueryRunner): Promise<void> {
    // a live version built before its journal existed has nothing to give
    const live = (await queryRunner.query(
      `SELECT schema_name FROM "${KPI_SCHEMA}".read_model_versions
       WHERE status = 'live' AND to_regclass(quote_ident(schema_name) || '.event_journal') IS NOT NULL`,
    )) as { schema_name: string }[];
    if (live.length === 0) return;
    const journal = eventJournalTable(live[0].schema_name);
    await queryRunner.query(
      `INSERT INTO ${t.allocations} (order_id, warehouse_id)
       SELECT data->>'orderId', data->>'allocationWarehouseId' FROM ${journal} WHERE type = ANY ($1)
       ON CONFLICT DO NOTHING`,
      [[...ALLOCATION_TYPES]],
    );
    await queryRunner.query(
      `UPDATE ${t.shipments} s SET misrouted = false
       WHERE s.misrouted AND EXISTS (SELECT 1 FROM ${t.allocations} al
                                     WHERE al.order_id = s.order_id AND al.warehouse_id = s.warehouse_id)`,
    );
    await queryRunner.query(
      `INSERT INTO ${t.shipments} (order_id, shipment_id, warehouse_id, shipped_at, misrouted)
       SELECT k.*, NOT EXISTS (SELECT 1 FROM ${t.allocations} al
                               WHERE al.order_id = k.order_id AND al.warehouse_id = k.warehouse_id)
       FROM (SELECT data->>'orderId' AS order_id, data->>'shipmentId' AS shipment_id,
                    data->>'shipmentWarehouseId' AS warehouse_id, (data->>'shippedAt')::timestamptz AS shipped_at
             FROM ${journal} WHERE type = ANY ($1)) k
       ON CONFLICT DO NOTHING`,
      [[...SHIPMENT_TYPES]],
    );
  }

  /** Nothing to undo: the rows are what the alerts group would have recorded. */
  async down(): Promise<void> {}
}
