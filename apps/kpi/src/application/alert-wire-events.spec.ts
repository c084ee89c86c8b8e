import {
  ALERTS_ALERT_RAISED_V1,
  ALERTS_ALERT_RESOLVED_V1,
  ALERTS_TOPIC,
  parseCloudEventBytes,
} from '@opsline/contracts';
import { AlertRecord, conditionOf } from '../domain/alerts/alert';
import { alertsVisibleTo } from './alert-stream.use-case';
import { alertOutboxEntries } from './alert-wire-events';

const stockLow: AlertRecord = {
  ...conditionOf('stock-below-reorder-point', 'warning', 'WH-1:SKU-42', {
    warehouseId: 'WH-1',
    sku: 'SKU-42',
    summary: 'SKU-42 at WH-1: 3 available, reorder point 10',
  }),
  occurrence: 2,
  raisedAt: '2026-11-25T10:00:00.000Z',
  resolvedAt: null,
};

describe('alert events on opsline.alerts', () => {
  it('are valid contract events keyed by alert id, with ids that repeat for the same transition', () => {
    const resolved = { ...stockLow, occurrence: 1, resolvedAt: '2026-11-25T10:00:00.000Z' };
    const entries = alertOutboxEntries({ raised: [stockLow], resolved: [resolved] });
    expect(entries.map((e) => [e.topic, e.event.type, e.event.id, e.event.subject])).toEqual([
      [
        ALERTS_TOPIC,
        ALERTS_ALERT_RESOLVED_V1,
        'stock-below-reorder-point:WH-1:SKU-42:1:resolved',
        stockLow.alertId,
      ],
      [
        ALERTS_TOPIC,
        ALERTS_ALERT_RAISED_V1,
        'stock-below-reorder-point:WH-1:SKU-42:2:raised',
        stockLow.alertId,
      ],
    ]);
    for (const { event } of entries) {
      const parsed = parseCloudEventBytes(Buffer.from(JSON.stringify(event)));
      expect(parsed).toMatchObject({ ok: true });
    }
    expect(entries[1].event.data).toEqual({
      alertId: 'stock-below-reorder-point:WH-1:SKU-42',
      occurrence: 2,
      kind: 'stock-below-reorder-point',
      severity: 'warning',
      warehouseId: 'WH-1',
      sku: 'SKU-42',
      raisedAt: '2026-11-25T10:00:00.000Z',
      summary: 'SKU-42 at WH-1: 3 available, reorder point 10',
    });
    expect(entries[0].event).toMatchObject({
      time: resolved.resolvedAt,
      data: { resolvedAt: resolved.resolvedAt },
    });
  });
});

describe('which alerts a stream shows', () => {
  it('every warehouse to an unlimited key, the filtered one when asked, none outside a limited key', () => {
    expect(alertsVisibleTo(undefined, null)).toBeNull();
    expect(alertsVisibleTo('WH-2', null)).toEqual(new Set(['WH-2']));
    expect(alertsVisibleTo(undefined, new Set(['WH-2']))).toEqual(new Set(['WH-2']));
    expect(alertsVisibleTo('WH-1', new Set(['WH-2']))).toEqual(new Set());
  });
});
