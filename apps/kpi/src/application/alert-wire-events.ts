import { ALERTS_ALERT_RAISED_V1, ALERTS_ALERT_RESOLVED_V1, ALERTS_TOPIC } from '@opsline/contracts';
import type { OutboxEntry } from '@opsline/messaging';
import type { AlertRecord } from '../domain/alerts/alert';
import type { AlertTransitions } from '../domain/alerts/alert-diff';

/** `data` of both alert events: the alert's fields, optional ones left out when empty. */
function alertData(alert: AlertRecord): Record<string, unknown> {
  const optional = {
    warehouseId: alert.warehouseId,
    orderId: alert.orderId,
    returnId: alert.returnId,
    sku: alert.sku,
    shipmentId: alert.shipmentId,
  };
  return {
    alertId: alert.alertId,
    occurrence: alert.occurrence,
    kind: alert.kind,
    severity: alert.severity,
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== null)),
    raisedAt: alert.raisedAt,
    summary: alert.summary,
    ...(alert.resolvedAt === null ? {} : { resolvedAt: alert.resolvedAt }),
  };
}

/**
 * The `opsline.alerts` events of one evaluation, keyed by alert id. Their ids are derived from the
 * alert, its occurrence and the transition, so the same transition published twice is one event to
 * a consumer that de-duplicates by id.
 */
export function alertOutboxEntries({ raised, resolved }: AlertTransitions): OutboxEntry[] {
  const entry = (alert: AlertRecord, type: string, transition: string, time: string): OutboxEntry => ({
    topic: ALERTS_TOPIC,
    event: {
      specversion: '1.0',
      id: `${alert.alertId}:${alert.occurrence}:${transition}`,
      source: '/services/kpi',
      type,
      time,
      subject: alert.alertId,
      datacontenttype: 'application/json',
      data: alertData(alert),
    },
  });
  return [
    ...resolved.map((alert) =>
      entry(alert, ALERTS_ALERT_RESOLVED_V1, 'resolved', alert.resolvedAt as string),
    ),
    ...raised.map((alert) => entry(alert, ALERTS_ALERT_RAISED_V1, 'raised', alert.raisedAt)),
  ];
}
