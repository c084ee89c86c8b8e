import { IsOptional } from 'class-validator';

import { IsOpslineId } from './common/opsline-id';
import { IsText } from './common/text';
import { ORDER_PLACED_V1, OrderPlacedV1 } from './events/ingest/order-placed.v1';
import {
  defineUpcaster,
  EVENT_DATA_CLASSES,
  EVENT_UPCASTERS,
  isEventTypeName,
  type EventData,
  type EventUpcasterMap,
} from './registry';
import { errorsOf } from './testing/validation-results';
import { createCloudEventValidator } from './validation';

describe('the event registry', () => {
  it('maps each type to a data class of the same version (….v1 → …V1)', () => {
    for (const [type, dataClass] of Object.entries(EVENT_DATA_CLASSES)) {
      const version = /\.v(\d+)$/.exec(type)?.[1];

      expect(dataClass.name).toMatch(new RegExp(`V${version}$`));
    }
  });

  it('derives the data type of an event type', () => {
    const data: EventData<typeof ORDER_PLACED_V1> = new OrderPlacedV1();

    expect(data).toBeInstanceOf(EVENT_DATA_CLASSES[ORDER_PLACED_V1]);
  });

  it('knows registered type names and nothing else', () => {
    expect(isEventTypeName(ORDER_PLACED_V1)).toBe(true);
    expect(isEventTypeName('opsline.order.placed.v2')).toBe(false);
    expect(isEventTypeName('constructor')).toBe(false);
  });

  it('has no upcasters while every type is at its first version', () => {
    expect(EVENT_UPCASTERS).toEqual({});
  });
});

// A test-only type that went through a breaking change: v1 had `name`; v2 split it into
// `displayName` and an optional `nickname`. Shows how a real `.v2.ts` plus upcaster is added.
const WIDGET_CREATED_V1 = 'test.widget.created.v1';
const WIDGET_CREATED_V2 = 'test.widget.created.v2';

class WidgetCreatedV1 {
  @IsOpslineId()
  widgetId!: string;

  @IsText(100)
  name!: string;
}

class WidgetCreatedV2 {
  @IsOpslineId()
  widgetId!: string;

  @IsText(100)
  displayName!: string;

  @IsOptional()
  @IsText(100)
  nickname?: string;
}

const WIDGET_DATA_CLASSES = {
  [WIDGET_CREATED_V1]: WidgetCreatedV1,
  [WIDGET_CREATED_V2]: WidgetCreatedV2,
} as const;

const WIDGET_UPCASTERS: EventUpcasterMap = {
  [WIDGET_CREATED_V1]: defineUpcaster<WidgetCreatedV1, Omit<WidgetCreatedV2, 'nickname'>>(
    WIDGET_CREATED_V2,
    (v1) => ({
      widgetId: v1.widgetId,
      displayName: v1.name,
    }),
  ),
};

function widgetEvent(type: string, data: Record<string, unknown>): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: 'evt-1',
    source: '/test',
    type,
    time: '2026-11-20T10:00:00.000Z',
    subject: 'W-1',
    data,
  };
}

describe('upcasting an old version', () => {
  const validator = createCloudEventValidator(WIDGET_DATA_CLASSES, WIDGET_UPCASTERS);

  it('validates a v1 event as v1, then hands back the v2 event with v2 data', () => {
    const result = validator.validateCloudEvent(
      widgetEvent(WIDGET_CREATED_V1, { widgetId: 'W-1', name: 'Gear' }),
    );

    if (!result.ok || result.event.type !== WIDGET_CREATED_V2) {
      throw new Error(`expected an upcast v2 event, got ${JSON.stringify(result)}`);
    }
    expect(result.event.data).toBeInstanceOf(WidgetCreatedV2);
    expect(result.event.data).toEqual({ widgetId: 'W-1', displayName: 'Gear' });
    expect(result.event).toMatchObject({ id: 'evt-1', time: '2026-11-20T10:00:00.000Z', subject: 'W-1' });
  });

  it('passes a v2 event through unchanged', () => {
    const data = { widgetId: 'W-1', displayName: 'Gear', nickname: 'G' };

    const result = validator.validateCloudEvent(widgetEvent(WIDGET_CREATED_V2, data));

    expect(result.ok && result.event.data).toEqual(data);
  });

  it('refuses a v1 event by the v1 rules', () => {
    const result = validator.validateCloudEvent(
      widgetEvent(WIDGET_CREATED_V1, { widgetId: 'W-1', displayName: 'x' }),
    );

    expect(errorsOf(result).map(({ field, rule }) => ({ field, rule }))).toEqual([
      { field: 'data.displayName', rule: 'whitelist' },
      { field: 'data.name', rule: 'isDefined' },
    ]);
  });

  it('refuses, naming the hop, when an upcaster produces invalid data', () => {
    const broken = createCloudEventValidator(WIDGET_DATA_CLASSES, {
      [WIDGET_CREATED_V1]: defineUpcaster<WidgetCreatedV1, object>(WIDGET_CREATED_V2, (v1) => ({
        widgetId: v1.widgetId,
      })),
    });

    const result = broken.validateCloudEvent(
      widgetEvent(WIDGET_CREATED_V1, { widgetId: 'W-1', name: 'Gear' }),
    );

    expect(errorsOf(result)).toEqual([
      {
        field: 'data.displayName',
        rule: 'isDefined',
        message:
          'after upcasting test.widget.created.v1 to test.widget.created.v2: data.displayName is required',
      },
    ]);
  });

  it('refuses at start an upcaster to an unregistered type', () => {
    const upcasters = {
      [WIDGET_CREATED_V1]: defineUpcaster<WidgetCreatedV1, object>('test.widget.created.v3', () => ({})),
    };

    expect(() => createCloudEventValidator(WIDGET_DATA_CLASSES, upcasters)).toThrow(
      'both types must be registered',
    );
  });

  it('refuses at start upcasters that go round in a cycle', () => {
    const upcasters = {
      [WIDGET_CREATED_V1]: defineUpcaster<object, object>(WIDGET_CREATED_V2, () => ({})),
      [WIDGET_CREATED_V2]: defineUpcaster<object, object>(WIDGET_CREATED_V1, () => ({})),
    };

    expect(() => createCloudEventValidator(WIDGET_DATA_CLASSES, upcasters)).toThrow('upcasters form a cycle');
  });
});
