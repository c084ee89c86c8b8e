/**
 * What the inventory service decides, as plain domain events. Infrastructure maps them to the
 * versioned wire events on `opsline.inventory` (CloudEvents `subject` from {@link inventoryEventSubject}).
 * `at` is always a business time, never the time of processing.
 */

/** Units of one order line. */
export interface OrderLineUnits {
  readonly lineId: string;
  readonly sku: string;
  readonly quantity: number;
}

/**
 * Why units were reserved: `allocation` is the order's first allocation attempt (what `lineFillRate`
 * and `backorderRate` are measured on); `backorder-fill` is a later FIFO fill from arriving stock.
 */
export type ReservationCause = 'allocation' | 'backorder-fill';

/** Units reserved for an order's lines at one warehouse. Lines with nothing reserved are omitted. */
export interface StockReservedEvent {
  readonly type: 'stock.reserved';
  readonly orderId: string;
  readonly warehouseId: string;
  /** placedAt for an allocation; for a fill, the arrival's time (never before placedAt). */
  readonly at: string;
  readonly cause: ReservationCause;
  /** The ledger key of the stock movement that made a fill possible, or `allocation`. */
  readonly trigger: string;
  readonly lines: readonly OrderLineUnits[];
}

/** Lines that could not be fully reserved at allocation, with the units still missing. */
export interface StockBackorderedEvent {
  readonly type: 'stock.backordered';
  readonly orderId: string;
  readonly warehouseId: string;
  /** The order's placedAt. */
  readonly at: string;
  readonly lines: readonly OrderLineUnits[];
}

/** What a cancellation gave back for one line. */
export interface ReleasedLine {
  readonly lineId: string;
  readonly sku: string;
  /** Reserved units returned to available. */
  readonly released: number;
  /** Backordered units that will no longer be filled. */
  readonly backorderDropped: number;
}

/** A cancelled order's reservations released and its backorders dropped. */
export interface StockReleasedEvent {
  readonly type: 'stock.released';
  readonly orderId: string;
  readonly warehouseId: string;
  /** The cancellation's business time. */
  readonly at: string;
  readonly lines: readonly ReleasedLine[];
}

/** How one shipped line was covered. `fromReservation + unreserved = shipped`. */
export interface ShippedLine {
  readonly lineId: string;
  readonly sku: string;
  readonly shipped: number;
  /** Units that consumed the line's open reservation. */
  readonly fromReservation: number;
  /** Units shipped beyond the reservation, taken from unreserved on-hand. */
  readonly unreserved: number;
  /** Of the unreserved units, those that shrank the line's backorder. */
  readonly backorderReduced: number;
}

/** A shipment confirmation applied to stock. */
export interface StockShippedEvent {
  readonly type: 'stock.shipped';
  readonly orderId: string;
  readonly shipmentId: string;
  readonly warehouseId: string;
  /** The shipment's business time. */
  readonly at: string;
  readonly lines: readonly ShippedLine[];
}

/** Available stock of a position crossed from at-or-above to below its reorder point. */
export interface StockLevelLowEvent {
  readonly type: 'stock.level-low';
  readonly warehouseId: string;
  readonly sku: string;
  /** Business time of the movement (or policy change) that caused the crossing. */
  readonly at: string;
  readonly available: number;
  readonly reorderPoint: number;
}

/**
 * A cycle count judged against on-hand at its business time; emitted when the count is applied and
 * again (`restated`) whenever a late movement dated before it changes that on-hand.
 */
export interface StockCountedEvent {
  readonly type: 'stock.counted';
  readonly warehouseId: string;
  readonly sku: string;
  readonly countId: string;
  /** The count's business time. */
  readonly at: string;
  readonly countedQuantity: number;
  readonly onHandAtCount: number;
  readonly accurate: boolean;
  readonly restated: boolean;
}

/** A position as it stands after an applied event changed it. */
export interface PositionChangedEvent {
  readonly type: 'position.changed';
  readonly warehouseId: string;
  readonly sku: string;
  /** Business time of the change. */
  readonly at: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
  /** Units waiting on backorder at the position. */
  readonly backordered: number;
  readonly reorderPoint: number | null;
}

/** Every event the inventory domain emits. */
export type InventoryDomainEvent =
  | StockReservedEvent
  | StockBackorderedEvent
  | StockReleasedEvent
  | StockShippedEvent
  | StockLevelLowEvent
  | StockCountedEvent
  | PositionChangedEvent;

/** The events about a position rather than an order. */
type PositionEvent = StockLevelLowEvent | StockCountedEvent | PositionChangedEvent;

function isPositionEvent(event: InventoryDomainEvent): event is PositionEvent {
  return (
    event.type === 'stock.level-low' || event.type === 'stock.counted' || event.type === 'position.changed'
  );
}

/**
 * The aggregate id an event is keyed by: the order for order-driven events (so a consumer sees one
 * order's events in order), `warehouseId:sku` for the position events (a CloudEvents subject is an
 * id; `:` is allowed in ids, so each position's events share one key and stay in order).
 */
export function inventoryEventSubject(event: InventoryDomainEvent): string {
  return isPositionEvent(event) ? `${event.warehouseId}:${event.sku}` : event.orderId;
}
