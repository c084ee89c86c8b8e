/**
 * The returns service's own copy of what it needs from an order, built only from the snapshots on
 * `opsline.orders` (never the orders database): channel, currency, warehouse, each line's price
 * and shipped units, and every shipment (by id) so each line's shipment times are known.
 */
export interface ReplicaLine {
  readonly lineId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
  readonly shippedQuantity: number;
}

export interface ReplicaShipment {
  readonly shipmentId: string;
  readonly shippedAt: string;
  readonly lines: readonly { readonly lineId: string; readonly quantity: number }[];
}

export interface OrderReplica {
  readonly orderId: string;
  readonly channel: string;
  readonly currency: string;
  readonly warehouseId?: string;
  readonly lines: readonly ReplicaLine[];
  readonly shipments: readonly ReplicaShipment[];
  /** The order's latest shipment time as the snapshot says (fallback when a shipment was missed). */
  readonly lastShipmentAt?: string;
}

/** What one `opsline.orders` event tells about the order (its snapshot, plus the shipment if it is one). */
export interface OrderSnapshot {
  readonly orderId: string;
  readonly channel: string;
  readonly currency: string;
  readonly warehouseId?: string;
  readonly lines: readonly {
    readonly lineId: string;
    readonly sku: string;
    readonly quantity: number;
    readonly unitPriceMinor: number;
    readonly shippedQuantity?: number;
  }[];
  readonly lastShipmentAt?: string;
  readonly shipment?: ReplicaShipment;
}

/**
 * Upserts the replica with a snapshot. Shipped quantities and shipments only grow (a replayed or
 * older snapshot never takes back what a newer one said); a shipment is recorded once by its id.
 */
export function applyOrderSnapshot(current: OrderReplica | null, snapshot: OrderSnapshot): OrderReplica {
  const previousShipped = new Map((current?.lines ?? []).map((line) => [line.lineId, line.shippedQuantity]));
  const shipments = [...(current?.shipments ?? [])];
  if (
    snapshot.shipment !== undefined &&
    !shipments.some((s) => s.shipmentId === snapshot.shipment?.shipmentId)
  ) {
    shipments.push(snapshot.shipment);
  }
  const lastShipmentAt = latest(current?.lastShipmentAt, snapshot.lastShipmentAt);
  return {
    orderId: snapshot.orderId,
    channel: snapshot.channel,
    currency: snapshot.currency,
    ...(snapshot.warehouseId === undefined ? {} : { warehouseId: snapshot.warehouseId }),
    lines: snapshot.lines.map((line) => ({
      lineId: line.lineId,
      sku: line.sku,
      quantity: line.quantity,
      unitPriceMinor: line.unitPriceMinor,
      shippedQuantity: Math.max(line.shippedQuantity ?? 0, previousShipped.get(line.lineId) ?? 0),
    })),
    shipments,
    ...(lastShipmentAt === undefined ? {} : { lastShipmentAt }),
  };
}

/** Business time of the line's latest recorded shipment; the order's last shipment when none names it. */
export function lineLastShippedAt(order: OrderReplica, lineId: string): string | undefined {
  let lastAt: string | undefined;
  for (const shipment of order.shipments) {
    if (shipment.lines.some((line) => line.lineId === lineId && line.quantity > 0)) {
      lastAt = latest(lastAt, shipment.shippedAt);
    }
  }
  return lastAt ?? order.lastShipmentAt;
}

function latest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
