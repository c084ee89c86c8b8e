import { DISPOSITIONS } from '../../common/reason-codes';
import { ABSENT, exampleEvent, exampleEventWith } from '../../testing/example-events';
import { refusalsOf } from '../../testing/validation-results';
import { validateCloudEvent } from '../../validation';
import { RETURN_INSPECTED_V1, ReturnInspectedLineV1, ReturnInspectedV1 } from './return-inspected.v1';

describe('opsline.wms.return-inspected.v1', () => {
  it('accepts one order line split over two dispositions and hands back ReturnInspectedV1 instances', () => {
    const result = validateCloudEvent(exampleEvent(RETURN_INSPECTED_V1));

    if (!result.ok || result.event.type !== RETURN_INSPECTED_V1) {
      throw new Error('expected an accepted return-inspected');
    }
    expect(result.event.data).toBeInstanceOf(ReturnInspectedV1);
    expect(result.event.data.lines.map((line) => line.disposition)).toEqual(['RESTOCK', 'SCRAP']);
    expect(result.event.data.lines[1]).toBeInstanceOf(ReturnInspectedLineV1);
  });

  it.each(DISPOSITIONS)('accepts disposition %s', (disposition) => {
    const event = exampleEventWith(RETURN_INSPECTED_V1, { 'data.lines[0].disposition': disposition });

    expect(validateCloudEvent(event).ok).toBe(true);
  });

  it.each([
    ['a missing warehouseId', 'data.warehouseId', ABSENT, 'isDefined'],
    ['a missing returnId', 'data.returnId', ABSENT, 'isDefined'],
    ['no lines', 'data.lines', [], 'arrayNotEmpty'],
    ['a quantity of 0', 'data.lines[1].quantity', 0, 'min'],
    ['an unknown disposition', 'data.lines[1].disposition', 'DONATE', 'isIn'],
    ['a missing disposition', 'data.lines[1].disposition', ABSENT, 'isDefined'],
    ['a negative recoveredValueMinor', 'data.lines[1].recoveredValueMinor', -100, 'min'],
    ['a fractional recoveredValueMinor', 'data.lines[1].recoveredValueMinor', 12.5, 'isInt'],
    ['a missing recoveredValueMinor', 'data.lines[1].recoveredValueMinor', ABSENT, 'isDefined'],
    ['an unknown line field', 'data.lines[1].grade', 'B', 'whitelist'],
  ])('refuses %s, naming %s', (_behaviour, field, value, rule) => {
    expect(refusalsOf(validateCloudEvent(exampleEventWith(RETURN_INSPECTED_V1, { [field]: value })))).toEqual(
      [{ field, rule }],
    );
  });
});
