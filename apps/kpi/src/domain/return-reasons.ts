/** `GET /kpis/returns/reasons`: authorized units per reason and their share of all of them. */
export interface ReturnReasonShare {
  readonly reasonCode: string;
  readonly units: number;
  readonly share: number;
}

/** Most units first (ties by reason code); reasons with no units are left out. */
export function reasonShares(rows: readonly { reasonCode: string; units: number }[]): ReturnReasonShare[] {
  const withUnits = rows.filter((row) => row.units > 0);
  const total = withUnits.reduce((sum, row) => sum + row.units, 0);
  return withUnits
    .map((row) => ({ reasonCode: row.reasonCode, units: row.units, share: row.units / total }))
    .sort(
      (a, b) => b.units - a.units || (a.reasonCode < b.reasonCode ? -1 : a.reasonCode > b.reasonCode ? 1 : 0),
    );
}
