import { ABSENT, exampleEvent, exampleEventWith } from '../../testing/example-events';
import { refusalsOf } from '../../testing/validation-results';
import { validateCloudEvent } from '../../validation';
import { SHIPMENT_CONFIRMED_V1, ShipmentConfirmedLineV1, ShipmentConfirmedV1 } from './shipment-confirmed.v1';

describe('opsline.wms.shipment-confirmed.v1', () => {
  it('accepts a realistic shipment and hands back ShipmentConfirmedV1 with ShipmentConfirmedLineV1 lines', () => {
    const result = validateCloudEvent(exampleEvent(SHIPMENT_CONFIRMED_V1));

    if (!result.ok || result.event.type !== SHIPMENT_CONFIRMED_V1) {
      throw new Error('expected an accepted shipment-confirmed');
    }
    expect(result.event.data).toBeInstanceOf(ShipmentConfirmedV1);
    expect(result.event.data.lines[0]).toBeInstanceOf(ShipmentConfirmedLineV1);
  });

  it('accepts a shipment without carrier and trackingNumber', () => {
    const event = exampleEventWith(SHIPMENT_CONFIRMED_V1, {
      'data.carrier': ABSENT,
      'data.trackingNumber': ABSENT,
    });

    expect(validateCloudEvent(event).ok).toBe(true);
  });

  it.each([
    ['a missing warehouseId', 'data.warehouseId', ABSENT, 'isDefined'],
    ['a missing shipmentId', 'data.shipmentId', ABSENT, 'isDefined'],
    ['a missing orderId', 'data.orderId', ABSENT, 'isDefined'],
    ['no lines', 'data.lines', [], 'arrayNotEmpty'],
    ['a line without lineId', 'data.lines[0].lineId', ABSENT, 'isDefined'],
    ['a quantity of 0', 'data.lines[0].quantity', 0, 'min'],
    ['an empty carrier', 'data.carrier', '', 'isNotEmpty'],
    ['a trackingNumber given as a number', 'data.trackingNumber', 340434161094042, 'isString'],
    ['a trackingNumber over 128 characters', 'data.trackingNumber', '9'.repeat(129), 'maxLength'],
    ['an unknown field', 'data.trackingUrl', 'https://example.com/t/1', 'whitelist'],
  ])('refuses %s, naming %s', (_behaviour, field, value, rule) => {
    expect(
      refusalsOf(validateCloudEvent(exampleEventWith(SHIPMENT_CONFIRMED_V1, { [field]: value }))),
    ).toEqual([{ field, rule }]);
  });
});
