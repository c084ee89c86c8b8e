import { IsOptional } from 'class-validator';

import { IsNonEmptyArrayOf } from '../../common/collections';
import { IsOpslineId } from '../../common/opsline-id';
import { IsQuantity } from '../../common/quantity';
import { IsText } from '../../common/text';
import type { CloudEvent } from '../../envelope/cloud-event';

/**
 * A warehouse shipped (part of) an order; `shippedAt` is the event `time`. Partial shipments
 * are allowed. Ingest topic `opsline.ingest.warehouse`.
 */
export const SHIPMENT_CONFIRMED_V1 = 'opsline.wms.shipment-confirmed.v1';

/** Longest accepted carrier name or tracking number. */
export const MAX_CARRIER_TEXT_LENGTH = 128;

/** One shipped order line. */
export class ShipmentConfirmedLineV1 {
  /** The order line shipped. */
  @IsOpslineId()
  lineId!: string;

  /** The shipped stock-keeping unit. */
  @IsOpslineId()
  sku!: string;

  /** Units shipped in this shipment, an integer ≥ 1. */
  @IsQuantity()
  quantity!: number;
}

/** `data` of `opsline.wms.shipment-confirmed.v1`. */
export class ShipmentConfirmedV1 {
  /** The shipping warehouse. */
  @IsOpslineId()
  warehouseId!: string;

  /** The shipment's id in the warehouse system. */
  @IsOpslineId()
  shipmentId!: string;

  /** The order shipped (in part). */
  @IsOpslineId()
  orderId!: string;

  /** What this shipment contains, at least one line. */
  @IsNonEmptyArrayOf(() => ShipmentConfirmedLineV1)
  lines!: ShipmentConfirmedLineV1[];

  /** The carrier (`DHL`), 1..128 characters, when known. */
  @IsOptional()
  @IsText(MAX_CARRIER_TEXT_LENGTH)
  carrier?: string;

  /** The carrier's tracking number, 1..128 characters, when known. */
  @IsOptional()
  @IsText(MAX_CARRIER_TEXT_LENGTH)
  trackingNumber?: string;
}

/** A validated `opsline.wms.shipment-confirmed.v1` event. */
export type ShipmentConfirmedV1Event = CloudEvent<typeof SHIPMENT_CONFIRMED_V1, ShipmentConfirmedV1>;
