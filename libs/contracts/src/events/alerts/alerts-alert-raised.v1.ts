import { IsOptional } from 'class-validator';

import { IsOpslineId } from '../../common/opsline-id';
import { IsQuantity } from '../../common/quantity';
import { IsOneOf } from '../../common/reason-codes';
import { IsText } from '../../common/text';
import { IsUtcTimestamp } from '../../common/utc-timestamp';
import type { CloudEvent } from '../../envelope/cloud-event';
import { ALERT_KINDS, ALERT_SEVERITIES, type AlertKind, type AlertSeverity } from './alerts-alert-kinds.v1';

/**
 * An operational alert was raised: a condition operations should act on became true (see
 * {@link ALERT_KINDS}).
 * Domain topic `opsline.alerts` (published by the kpi service), subject and key the alert id.
 */
export const ALERTS_ALERT_RAISED_V1 = 'opsline.alerts.alert-raised.v1';

/** `data` of `opsline.alerts.alert-raised.v1`. */
export class AlertsAlertRaisedV1 {
  /** Stable per condition and subject (`order-at-risk:ORD-1001`): raised, resolved, raised again. */
  @IsOpslineId()
  alertId!: string;

  /** 1 the first time the alert is raised, then 2, 3… each time the condition comes back. */
  @IsQuantity()
  occurrence!: number;

  @IsOneOf(ALERT_KINDS)
  kind!: AlertKind;

  @IsOneOf(ALERT_SEVERITIES)
  severity!: AlertSeverity;

  /** The warehouse concerned; absent when not known (an order not yet allocated). */
  @IsOptional()
  @IsOpslineId()
  warehouseId?: string;

  /** The order concerned (order and shipment alerts). */
  @IsOptional()
  @IsOpslineId()
  orderId?: string;

  /** The return concerned (return alerts). */
  @IsOptional()
  @IsOpslineId()
  returnId?: string;

  /** The SKU concerned (stock alerts). */
  @IsOptional()
  @IsOpslineId()
  sku?: string;

  /** The shipment concerned (shipment alerts). */
  @IsOptional()
  @IsOpslineId()
  shipmentId?: string;

  /** Wall-clock time the kpi service first saw the condition in this occurrence. */
  @IsUtcTimestamp()
  raisedAt!: string;

  /** What an operator reads: the condition with its numbers, as they were when raised. */
  @IsText(500)
  summary!: string;
}

/** A validated `opsline.alerts.alert-raised.v1` event. */
export type AlertsAlertRaisedV1Event = CloudEvent<typeof ALERTS_ALERT_RAISED_V1, AlertsAlertRaisedV1>;
