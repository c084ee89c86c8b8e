import { IsNonEmptyArrayOf } from '../../common/collections';
import { IsMoneyMinor } from '../../common/money';
import { IsOpslineId } from '../../common/opsline-id';
import { IsQuantity } from '../../common/quantity';
import { IsDisposition, type Disposition } from '../../common/reason-codes';
import type { CloudEvent } from '../../envelope/cloud-event';

/**
 * A warehouse inspected returned units and decided their disposition; `inspectedAt` is the
 * event `time`. RESTOCK units go back to on-hand at that warehouse. Ingest topic
 * `opsline.ingest.warehouse`.
 */
export const RETURN_INSPECTED_V1 = 'opsline.wms.return-inspected.v1';

/**
 * One inspected return line. The same `lineId` may appear on several lines with different
 * dispositions (2 units RESTOCK, 1 unit SCRAP).
 */
export class ReturnInspectedLineV1 {
  /** The order line the units were returned from. */
  @IsOpslineId()
  lineId!: string;

  /** The inspected stock-keeping unit. */
  @IsOpslineId()
  sku!: string;

  /** Units inspected with this disposition, an integer ≥ 1. */
  @IsQuantity()
  quantity!: number;

  /** RESTOCK, REFURBISH, LIQUIDATE or SCRAP. */
  @IsDisposition()
  disposition!: Disposition;

  /** Value recovered for these units in minor units of the order's currency, an integer ≥ 0. */
  @IsMoneyMinor()
  recoveredValueMinor!: number;
}

/** `data` of `opsline.wms.return-inspected.v1`. */
export class ReturnInspectedV1 {
  /** The inspecting warehouse. */
  @IsOpslineId()
  warehouseId!: string;

  /** The return the units belong to. */
  @IsOpslineId()
  returnId!: string;

  /** The inspection results, at least one line. */
  @IsNonEmptyArrayOf(() => ReturnInspectedLineV1)
  lines!: ReturnInspectedLineV1[];
}

/** A validated `opsline.wms.return-inspected.v1` event. */
export type ReturnInspectedV1Event = CloudEvent<typeof RETURN_INSPECTED_V1, ReturnInspectedV1>;
