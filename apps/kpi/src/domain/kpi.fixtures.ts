import {
  INVENTORY_POSITION_CHANGED_V1,
  INVENTORY_STOCK_COUNTED_V1,
  INVENTORY_TOPIC,
  ORDERS_ORDER_ALLOCATED_V1,
  ORDERS_ORDER_BACKORDERED_V1,
  ORDERS_ORDER_CANCELLED_V1,
  ORDERS_ORDER_PARTIALLY_SHIPPED_V1,
  ORDERS_ORDER_PLACED_V1,
  ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1,
  ORDERS_ORDER_SHIPPED_V1,
  ORDERS_TOPIC,
  RETURNS_RETURN_AUTHORIZED_V1,
  RETURNS_RETURN_INSPECTED_V1,
  RETURNS_RETURN_RECEIVED_V1,
  RETURNS_RETURN_REJECTED_V1,
  RETURNS_TOPIC,
} from '@opsline/contracts';

/**
 * Test fixtures: stories that emit the domain events the orders, returns and inventory services
 * publish (whole snapshot after each event), as wire CloudEvents. Used by the unit specs (through
 * {@link applyDomainEvent}) and by the medium tests (produced to the topics).
 */

export interface WireEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly time: string;
  readonly subject: string;
  readonly datacontenttype: 'application/json';
  readonly data: Record<string, unknown>;
}

export interface TopicEvent {
  readonly topic: string;
  readonly event: WireEvent;
}

interface OrderLineSpec {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
}

interface LineState extends OrderLineSpec {
  readonly lineId: string;
  reservedAtFirstAttempt?: number;
  shippedQuantity: number;
  cancelledQuantity: number;
}

export interface OrderSpec {
  readonly orderId: string;
  readonly channel: string;
  /** The warehouse asked for; else the first allocation's. */
  readonly warehouseId?: string;
  readonly placedAt: string;
  readonly promisedShipBy: string;
  readonly lines: readonly OrderLineSpec[];
}

const laterOf = (a: string | undefined, b: string): string =>
  a === undefined || Date.parse(b) > Date.parse(a) ? b : a;
const earlierOf = (a: string | undefined, b: string): string =>
  a === undefined || Date.parse(b) < Date.parse(a) ? b : a;

/** One order's life as the orders service tells it on `opsline.orders`. */
export class OrderStory {
  readonly events: TopicEvent[] = [];
  private readonly lines: LineState[];
  private status = 'PLACED';
  private warehouseId: string | undefined;
  private wasBackorderedAtFirstAttempt: boolean | undefined;
  private shipmentCount = 0;
  private lastShipmentAt: string | undefined;
  private cancelledAt: string | undefined;

  constructor(readonly spec: OrderSpec) {
    this.warehouseId = spec.warehouseId;
    this.lines = spec.lines.map((line, i) => ({
      ...line,
      lineId: String(i + 1),
      shippedQuantity: 0,
      cancelledQuantity: 0,
    }));
    this.emit(ORDERS_ORDER_PLACED_V1, spec.placedAt, {
      orderId: spec.orderId,
      channel: spec.channel,
      currency: 'EUR',
      placedAt: spec.placedAt,
      promisedShipBy: spec.promisedShipBy,
      ...(spec.warehouseId === undefined ? {} : { warehouseId: spec.warehouseId }),
      lines: this.lines.map(({ lineId, sku, quantity, unitPriceMinor }) => ({
        lineId,
        sku,
        quantity,
        unitPriceMinor,
      })),
    });
  }

  get orderId(): string {
    return this.spec.orderId;
  }

  /** The first allocation attempt: `reserved[i]` units of line i from `warehouseId`. */
  allocate(at: string, warehouseId: string, reserved: readonly number[]): this {
    this.warehouseId ??= warehouseId;
    this.lines.forEach((line, i) => (line.reservedAtFirstAttempt = reserved[i]));
    const short = this.lines.some((line) => (line.reservedAtFirstAttempt ?? 0) < line.quantity);
    this.wasBackorderedAtFirstAttempt = short;
    if (this.status === 'PLACED') this.status = short ? 'BACKORDERED' : 'ALLOCATED';
    this.emit(short ? ORDERS_ORDER_BACKORDERED_V1 : ORDERS_ORDER_ALLOCATED_V1, at, {
      ...this.snapshot(at),
      attempt: 1,
      firstAttempt: true,
      allocatedAt: at,
      allocationWarehouseId: warehouseId,
      reservedLines: this.lines.map((line, i) => ({ lineId: line.lineId, quantity: reserved[i] })),
    });
    return this;
  }

  /** A shipment of `quantities[i]` units of line i (0 to skip a line). */
  ship(shipmentId: string, at: string, warehouseId: string, quantities: readonly number[]): this {
    const shipmentLines = this.lines
      .map((line, i) => ({ lineId: line.lineId, sku: line.sku, quantity: quantities[i] ?? 0 }))
      .filter((line) => line.quantity > 0);
    this.lines.forEach((line, i) => {
      line.shippedQuantity += quantities[i] ?? 0;
      if (this.cancelledAt !== undefined) line.cancelledQuantity = line.quantity - line.shippedQuantity;
    });
    this.shipmentCount++;
    this.lastShipmentAt = laterOf(this.lastShipmentAt, at);
    const allShipped = this.lines.every((line) => line.shippedQuantity >= line.quantity);
    const own = { shipmentId, shippedAt: at, shipmentWarehouseId: warehouseId, shipmentLines };
    if (this.cancelledAt !== undefined) {
      this.emit(ORDERS_ORDER_SHIPPED_AFTER_CANCELLATION_V1, at, {
        ...this.snapshot(at),
        ...own,
        cancelledAt: this.cancelledAt,
        reason: 'customer',
        code: 'ORDER.SHIPPED_AFTER_CANCELLATION',
      });
    } else {
      this.status = allShipped ? 'SHIPPED' : 'PARTIALLY_SHIPPED';
      this.emit(allShipped ? ORDERS_ORDER_SHIPPED_V1 : ORDERS_ORDER_PARTIALLY_SHIPPED_V1, at, {
        ...this.snapshot(at),
        ...own,
      });
    }
    return this;
  }

  cancel(at: string): this {
    this.cancelledAt = at;
    this.status = 'CANCELLED';
    const unitsCancelled = this.lines.map((line) => {
      line.cancelledQuantity = line.quantity - line.shippedQuantity;
      return { lineId: line.lineId, quantity: line.cancelledQuantity };
    });
    this.emit(ORDERS_ORDER_CANCELLED_V1, at, {
      ...this.snapshot(at),
      cancelledAt: at,
      reason: 'customer',
      unitsCancelled,
    });
    return this;
  }

  private snapshot(occurredAt: string): Record<string, unknown> {
    const complete =
      this.lines.every((line) => line.shippedQuantity + line.cancelledQuantity >= line.quantity) &&
      this.lines.some((line) => line.shippedQuantity > 0);
    return {
      orderId: this.spec.orderId,
      channel: this.spec.channel,
      currency: 'EUR',
      placedAt: this.spec.placedAt,
      promisedShipBy: this.spec.promisedShipBy,
      ...(this.warehouseId === undefined ? {} : { warehouseId: this.warehouseId }),
      status: this.status,
      occurredAt,
      lines: this.lines.map((line) => ({
        lineId: line.lineId,
        sku: line.sku,
        quantity: line.quantity,
        unitPriceMinor: line.unitPriceMinor,
        ...(line.reservedAtFirstAttempt === undefined
          ? {}
          : { reservedAtFirstAttempt: line.reservedAtFirstAttempt }),
        shippedQuantity: line.shippedQuantity,
        cancelledQuantity: line.cancelledQuantity,
      })),
      ...(this.wasBackorderedAtFirstAttempt === undefined
        ? {}
        : { wasBackorderedAtFirstAttempt: this.wasBackorderedAtFirstAttempt }),
      shipmentCount: this.shipmentCount,
      ...(this.lastShipmentAt === undefined ? {} : { lastShipmentAt: this.lastShipmentAt }),
      isComplete: complete,
      ...(complete
        ? { onTime: Date.parse(this.lastShipmentAt as string) <= Date.parse(this.spec.promisedShipBy) }
        : {}),
    };
  }

  private emit(type: string, time: string, data: Record<string, unknown>): void {
    this.events.push({
      topic: ORDERS_TOPIC,
      event: wireEvent(type, time, this.spec.orderId, `${this.spec.orderId}:${this.events.length}`, data),
    });
  }
}

interface ReturnLineState {
  readonly lineId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly reasonCode: string;
  readonly unitPriceMinor: number;
  authorizedQuantity: number;
  receivedQuantity: number;
  inspectedQuantity: number;
  refundedQuantity: number;
}

/** One return's life as the returns service tells it on `opsline.returns`. */
export class ReturnStory {
  readonly events: TopicEvent[] = [];
  private readonly lines: ReturnLineState[];
  private status = 'REQUESTED';
  private rejectionReason: string | undefined;
  private firstReceivedAt: string | undefined;

  constructor(
    readonly returnId: string,
    private readonly order: OrderSpec & { readonly warehouseId: string },
    readonly requestedAt: string,
    lines: readonly { lineIndex: number; quantity: number; reasonCode: string }[],
  ) {
    this.lines = lines.map(({ lineIndex, quantity, reasonCode }) => ({
      lineId: String(lineIndex + 1),
      sku: order.lines[lineIndex].sku,
      quantity,
      reasonCode,
      unitPriceMinor: order.lines[lineIndex].unitPriceMinor,
      authorizedQuantity: 0,
      receivedQuantity: 0,
      inspectedQuantity: 0,
      refundedQuantity: 0,
    }));
  }

  authorize(at: string): this {
    this.status = 'AUTHORIZED';
    this.lines.forEach((line) => (line.authorizedQuantity = line.quantity));
    this.emit(RETURNS_RETURN_AUTHORIZED_V1, at, {});
    return this;
  }

  reject(at: string): this {
    this.status = 'REJECTED';
    this.rejectionReason = 'RETURN.WINDOW_EXPIRED';
    this.emit(RETURNS_RETURN_REJECTED_V1, at, {});
    return this;
  }

  receive(at: string, warehouseId: string): this {
    this.status = 'RECEIVED';
    this.firstReceivedAt = earlierOf(this.firstReceivedAt, at);
    this.lines.forEach((line) => (line.receivedQuantity = line.authorizedQuantity));
    this.emit(RETURNS_RETURN_RECEIVED_V1, at, {
      receiptWarehouseId: warehouseId,
      receivedAt: at,
      receiptLines: this.lines.map(({ lineId, sku, authorizedQuantity }) => ({
        lineId,
        sku,
        quantity: authorizedQuantity,
      })),
    });
    return this;
  }

  /** Inspects `units[i]` of return line i with `dispositions[i]`, recovering `recovered[i]`. */
  inspect(
    at: string,
    warehouseId: string,
    inspected: readonly {
      lineIndex: number;
      quantity: number;
      disposition: string;
      recoveredValueMinor: number;
    }[],
  ): this {
    this.status = 'INSPECTED';
    for (const { lineIndex, quantity } of inspected) this.lines[lineIndex].inspectedQuantity += quantity;
    this.emit(RETURNS_RETURN_INSPECTED_V1, at, {
      inspectionWarehouseId: warehouseId,
      inspectedAt: at,
      inspectionLines: inspected.map(({ lineIndex, quantity, disposition, recoveredValueMinor }) => {
        const line = this.lines[lineIndex];
        return {
          lineId: line.lineId,
          sku: line.sku,
          quantity,
          disposition,
          recoveredValueMinor,
          unitPriceMinor: line.unitPriceMinor,
          reasonCode: line.reasonCode,
        };
      }),
    });
    return this;
  }

  private emit(type: string, time: string, own: Record<string, unknown>): void {
    const data = {
      returnId: this.returnId,
      orderId: this.order.orderId,
      channel: this.order.channel,
      currency: 'EUR',
      orderWarehouseId: this.order.warehouseId,
      requestedAt: this.requestedAt,
      status: this.status,
      occurredAt: time,
      ...(this.rejectionReason === undefined ? {} : { rejectionReason: this.rejectionReason }),
      lines: this.lines.map((line) => ({ ...line })),
      ...(this.firstReceivedAt === undefined ? {} : { firstReceivedAt: this.firstReceivedAt }),
      refundedAmountMinor: 0,
      ...own,
    };
    this.events.push({
      topic: RETURNS_TOPIC,
      event: wireEvent(type, time, this.returnId, `${this.returnId}:${this.events.length}`, data),
    });
  }
}

/** A cycle count; `restatement` > 0 re-publishes it as the inventory service does after a late movement. */
export function stockCounted(
  count: {
    countId: string;
    warehouseId: string;
    sku: string;
    countedAt: string;
    countedQuantity: number;
    onHandAtCount: number;
  },
  restatement = 0,
): TopicEvent {
  const subject = `${count.warehouseId}:${count.sku}`;
  const data = {
    ...count,
    accurate: count.countedQuantity === count.onHandAtCount,
    ...(restatement > 0 ? { restated: true } : {}),
  };
  return {
    topic: INVENTORY_TOPIC,
    event: wireEvent(
      INVENTORY_STOCK_COUNTED_V1,
      count.countedAt,
      subject,
      `${count.countId}:${restatement}`,
      data,
    ),
  };
}

export function positionChanged(
  position: {
    warehouseId: string;
    sku: string;
    onHand: number;
    reserved: number;
    reorderPoint?: number;
    changedAt: string;
  },
  sequence: number,
): TopicEvent {
  const subject = `${position.warehouseId}:${position.sku}`;
  const data = { ...position, available: position.onHand - position.reserved, backordered: 0 };
  return {
    topic: INVENTORY_TOPIC,
    event: wireEvent(
      INVENTORY_POSITION_CHANGED_V1,
      position.changedAt,
      subject,
      `${subject}:${sequence}`,
      data,
    ),
  };
}

function wireEvent(
  type: string,
  time: string,
  subject: string,
  idSuffix: string,
  data: Record<string, unknown>,
): WireEvent {
  return {
    specversion: '1.0',
    id: `${type}:${idSuffix}`,
    source: `/services/${type.split('.')[1]}`,
    type,
    time,
    subject,
    datacontenttype: 'application/json',
    data,
  };
}
