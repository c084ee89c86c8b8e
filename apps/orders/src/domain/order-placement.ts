import { createHash } from 'node:crypto';

/** An order's lifecycle states (contract §4). */
export const ORDER_STATUSES = [
  'PLACED',
  'ALLOCATED',
  'BACKORDERED',
  'PARTIALLY_SHIPPED',
  'SHIPPED',
  'CANCELLED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** What a channel said when it placed an order. */
export interface OrderPlacement {
  readonly orderId: string;
  readonly channel: string;
  readonly currency: string;
  readonly placedAt: string;
  readonly promisedShipBy: string;
  readonly warehouseId?: string;
  readonly customerId?: string;
  readonly lines: readonly { lineId: string; sku: string; quantity: number; unitPriceMinor: number }[];
}

/**
 * A fingerprint of the placement's content, independent of key order and line order: the same
 * order placed again with the same content is a duplicate, with other content a conflict.
 */
export function placementFingerprint(placement: OrderPlacement): string {
  const lines = [...placement.lines]
    .sort((a, b) => a.lineId.localeCompare(b.lineId))
    .map((l) => [l.lineId, l.sku, l.quantity, l.unitPriceMinor]);
  const canonical = JSON.stringify([
    placement.orderId,
    placement.channel,
    placement.currency,
    placement.placedAt,
    placement.promisedShipBy,
    placement.warehouseId ?? null,
    placement.customerId ?? null,
    lines,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** The outcome of placing an order that may already exist. */
export type PlacementDecision = 'create' | 'duplicate' | 'conflict';

export function decidePlacement(
  existingFingerprint: string | null,
  placement: OrderPlacement,
): PlacementDecision {
  if (existingFingerprint === null) return 'create';
  return existingFingerprint === placementFingerprint(placement) ? 'duplicate' : 'conflict';
}

/**
 * Decides a run of placements in order, against the fingerprints already stored by order id: a
 * placement repeating one created earlier in the same run is a duplicate (or a conflict) of it,
 * exactly as if the earlier one had been stored before it arrived.
 */
export function decidePlacements(
  storedFingerprints: ReadonlyMap<string, string>,
  placements: readonly OrderPlacement[],
): PlacementDecision[] {
  const known = new Map(storedFingerprints);
  return placements.map((placement) => {
    const decision = decidePlacement(known.get(placement.orderId) ?? null, placement);
    if (decision === 'create') known.set(placement.orderId, placementFingerprint(placement));
    return decision;
  });
}
