import {
  allocate,
  allocation,
  at,
  cancelAt,
  orderAfter,
  placedOrder,
  ship,
  shipment,
} from './order.fixtures';
import {
  isComplete,
  lastShipmentAt,
  onTime,
  shipmentCount,
  wasBackorderedAtFirstAttempt,
} from './order-measures';

const promisedShipByMinutes = 24 * 60;

describe('isComplete', () => {
  it('is false for an order nothing of which has shipped', () => {
    expect(isComplete(orderAfter(allocate(allocation(1, { L1: 3, L2: 2 }))))).toBe(false);
  });

  it('is false while some units are neither shipped nor cancelled', () => {
    expect(isComplete(orderAfter(ship(shipment('S1', at(30), { L1: 3 }))))).toBe(false);
  });

  it('is true once every unit has shipped', () => {
    expect(isComplete(orderAfter(ship(shipment('S1', at(30), { L1: 3, L2: 2 }))))).toBe(true);
  });

  it('is true for an order cancelled after a partial shipment: every unit shipped or cancelled', () => {
    expect(isComplete(orderAfter(ship(shipment('S1', at(30), { L1: 1 })), cancelAt(60)))).toBe(true);
  });

  it('is false for an order cancelled before anything shipped', () => {
    expect(isComplete(orderAfter(cancelAt(60)))).toBe(false);
  });
});

describe('lastShipmentAt and shipmentCount', () => {
  it('are null and 0 before any shipment', () => {
    expect([lastShipmentAt(placedOrder()), shipmentCount(placedOrder())]).toEqual([null, 0]);
  });

  it('take the latest shipment by business time, whatever the arrival order', () => {
    const order = orderAfter(
      ship(shipment('S2', at(90), { L2: 2 })),
      ship(shipment('S1', at(30), { L1: 3 })),
    );

    expect([lastShipmentAt(order), shipmentCount(order)]).toEqual([at(90), 2]);
  });
});

describe('wasBackorderedAtFirstAttempt', () => {
  it('is unknown until the first attempt is heard', () => {
    expect(wasBackorderedAtFirstAttempt(placedOrder())).toBeNull();
  });

  it('stays true after a later attempt reserves everything', () => {
    const order = orderAfter(
      allocate(allocation(1, { L1: 1, L2: 2 })),
      allocate(allocation(2, { L1: 3, L2: 2 }, at(60))),
    );

    expect([order.status, wasBackorderedAtFirstAttempt(order)]).toEqual(['ALLOCATED', true]);
  });

  it('is false when the first attempt reserved every unit', () => {
    expect(wasBackorderedAtFirstAttempt(orderAfter(allocate(allocation(1, { L1: 3, L2: 2 }))))).toBe(false);
  });
});

describe('onTime', () => {
  it('is unknown while the order is not complete', () => {
    expect(onTime(orderAfter(ship(shipment('S1', at(30), { L1: 3 }))))).toBeNull();
  });

  it('is true when the last shipment is exactly at promisedShipBy', () => {
    const order = orderAfter(
      ship(shipment('S1', at(30), { L1: 3 })),
      ship(shipment('S2', at(promisedShipByMinutes), { L2: 2 })),
    );

    expect(onTime(order)).toBe(true);
  });

  it('is false when the last shipment is after promisedShipBy, even if the first was on time', () => {
    const order = orderAfter(
      ship(shipment('S1', at(30), { L1: 3 })),
      ship(shipment('S2', at(promisedShipByMinutes + 1), { L2: 2 })),
    );

    expect(onTime(order)).toBe(false);
  });
});
