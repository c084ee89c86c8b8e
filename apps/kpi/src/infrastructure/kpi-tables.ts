/** The schema the kpi read models live in (the service's schema). */
export const KPI_SCHEMA = 'kpi';

/** The consumer group that fills the first version of the read models (the messaging default). */
export const KPI_CONSUMER_GROUP = 'opsline-kpi';

/**
 * Qualified names of the fact tables of one schema. Every SQL statement of the service takes its
 * table names from here, so a rebuild can fill another schema (`kpi_v2`) while `kpi` serves reads.
 */
export class KpiTables {
  readonly orders: string;
  readonly orderLines: string;
  readonly shipmentLines: string;
  readonly returns: string;
  readonly returnLines: string;
  readonly inspections: string;
  readonly inspectionLines: string;
  readonly cycleCounts: string;
  readonly positions: string;
  readonly topicFreshness: string;
  readonly changes: string;
  /** The applied events (as-of answers and lineage replay them). */
  readonly journal: string;

  constructor(readonly schema: string = KPI_SCHEMA) {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
    const table = (name: string): string => `"${schema}".${name}`;
    this.orders = table('order_facts');
    this.orderLines = table('order_line_facts');
    this.shipmentLines = table('shipment_line_facts');
    this.returns = table('return_facts');
    this.returnLines = table('return_line_facts');
    this.inspections = table('inspection_facts');
    this.inspectionLines = table('inspection_line_facts');
    this.cycleCounts = table('cycle_count_facts');
    this.positions = table('position_facts');
    this.topicFreshness = table('topic_freshness');
    this.changes = table('kpi_changes');
    this.journal = table('event_journal');
  }
}

/** Where readers find the tables of the live version; it changes when a rebuild switches. */
export interface LiveTables {
  readonly tables: KpiTables;
}
