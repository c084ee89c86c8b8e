/**
 * The facts the KPIs are computed from, at the grain the definitions (contract §5) need. Each is
 * keyed by natural ids so that a replayed or duplicated event upserts the same row.
 */

/** One order as its newest snapshot tells it. */
export interface OrderFact {
  readonly orderId: string;
  readonly channel: string;
  /** Asked-for warehouse, else the first-allocated one; null while neither is known. */
  readonly warehouseId: string | null;
  readonly placedAt: string;
  readonly promisedShipBy: string;
  readonly status: string;
  /** Business time of the cancellation; kept from the last event that stated one. */
  readonly cancelledAt: string | null;
  /** Every unit shipped or cancelled and at least one shipped. */
  readonly complete: boolean;
  readonly lastShipmentAt: string | null;
  readonly shipmentCount: number;
  /** Null until the first allocation attempt is heard. */
  readonly backorderedAtFirstAttempt: boolean | null;
}

export interface OrderLineFact {
  readonly orderId: string;
  readonly lineId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
  readonly reservedAtFirstAttempt: number | null;
  readonly shippedQuantity: number;
  readonly cancelledQuantity: number;
}

/** One line of one shipment confirmation (a fact: never changes once recorded). */
export interface ShipmentLineFact {
  readonly orderId: string;
  readonly shipmentId: string;
  /** Position of the line in the shipment (the key, with the shipment). */
  readonly lineNo: number;
  readonly lineId: string;
  readonly sku: string;
  readonly quantity: number;
  /** The shipping warehouse. */
  readonly warehouseId: string;
  /** The order's channel. */
  readonly channel: string;
  readonly shippedAt: string;
}

/** One return as its newest snapshot tells it. */
export interface ReturnFact {
  readonly returnId: string;
  readonly orderId: string;
  /** The order's channel; null when the order was never seen. */
  readonly channel: string | null;
  /** The order's warehouse; null when unknown. */
  readonly orderWarehouseId: string | null;
  readonly requestedAt: string;
  readonly status: string;
  readonly firstReceivedAt: string | null;
}

export interface ReturnLineFact {
  readonly returnId: string;
  readonly lineId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly reasonCode: string;
  /** Units authorized (0 while requested or when rejected). */
  readonly authorizedQuantity: number;
}

/** One return-inspected event (keyed by its event id: a return may be inspected more than once). */
export interface InspectionFact {
  readonly inspectionId: string;
  readonly returnId: string;
  /** The inspecting warehouse. */
  readonly warehouseId: string;
  readonly inspectedAt: string;
}

export interface InspectionLineFact {
  readonly inspectionId: string;
  readonly lineNo: number;
  readonly returnId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly disposition: string;
  readonly recoveredValueMinor: number;
  /** The order line's unit price. */
  readonly unitPriceMinor: number;
}

/** A cycle count as its newest (possibly restated) event tells it. */
export interface CycleCountFact {
  readonly countId: string;
  readonly warehouseId: string;
  readonly sku: string;
  readonly countedAt: string;
  readonly accurate: boolean;
}

/** A warehouse × SKU inventory position as its newest event tells it. */
export interface PositionFact {
  readonly warehouseId: string;
  readonly sku: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
  readonly backordered: number;
  readonly reorderPoint: number | null;
  readonly changedAt: string;
}

/** Every fact, as lists (the reference computation's input; what the tables hold). */
export interface KpiFacts {
  readonly orders: readonly OrderFact[];
  readonly orderLines: readonly OrderLineFact[];
  readonly shipmentLines: readonly ShipmentLineFact[];
  readonly returns: readonly ReturnFact[];
  readonly returnLines: readonly ReturnLineFact[];
  readonly inspections: readonly InspectionFact[];
  readonly inspectionLines: readonly InspectionLineFact[];
  readonly cycleCounts: readonly CycleCountFact[];
  readonly positions: readonly PositionFact[];
}
