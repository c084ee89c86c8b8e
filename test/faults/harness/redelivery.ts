import { FaultSystem } from './fault-system';

/** Applied-but-uncommitted events of one consumer group on one partition: what a restart redelivers. */
export interface RedeliveryGap {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly events: number;
}

/**
 * What a restart of a stopped service will redeliver: per partition, the events its inbox says were
 * applied beyond the offset its consumer group committed. Read while the service is down.
 */
export async function redeliveryGaps(system: FaultSystem, schemaPrefix: string): Promise<RedeliveryGap[]> {
  const applied = await system.withDatabase(async (client) => {
    const schemas = await client.query<{ schema: string }>(
      `SELECT table_schema AS schema FROM information_schema.tables
       WHERE table_name = 'inbox' AND table_schema LIKE $1`,
      [`${schemaPrefix}%`],
    );
    const rows: { group: string; topic: string; partition: number; last: string }[] = [];
    for (const { schema } of schemas.rows) {
      const result = await client.query<{ group: string; topic: string; partition: number; last: string }>(
        `SELECT consumer_group AS group, topic, partition, max("offset")::text AS last
         FROM "${schema}".inbox GROUP BY 1, 2, 3`,
      );
      rows.push(...result.rows);
    }
    return rows;
  });
  const groups = [...new Set(applied.map((row) => row.group))];
  const committed = new Map<string, number>();
  await system.withAdmin(async (admin) => {
    for (const groupId of groups) {
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
        for (const { partition, offset } of partitions)
          committed.set(`${groupId} ${topic} ${partition}`, Number(offset));
      }
    }
  });
  return applied
    .map((row) => ({
      group: row.group,
      topic: row.topic,
      partition: row.partition,
      events:
        Number(row.last) + 1 - Math.max(0, committed.get(`${row.group} ${row.topic} ${row.partition}`) ?? 0),
    }))
    .filter((gap) => gap.events > 0);
}
