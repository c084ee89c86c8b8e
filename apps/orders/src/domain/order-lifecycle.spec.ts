import { OrderCommandResult } from './order';
import {
  allocate,
  allocation,
  at,
  cancelAt,
  orderAfter,
  outcomeCode,
  placedOrder,
  ship,
  shipment,
} from './order.fixtures';
import { isAllowedTransition, ORDER_TRANSITIONS } from './order-lifecycle';
import { ORDER_STATUSES, OrderStatus } from './order-placement';
import { Order } from './order-state';

type Command = (order: Order) => OrderCommandResult;

const full = allocation(1, { L1: 3, L2: 2 });
const short = allocation(1, { L1: 1, L2: 2 });
const everything = (id: string, minutes: number) => shipment(id, at(minutes), { L1: 3, L2: 2 });
const some = (id: string, minutes: number) => shipment(id, at(minutes), { L1: 1 });

/** One order in each status, reached the ordinary way. */
const inStatus: Record<OrderStatus, () => Order> = {
  PLACED: () => placedOrder(),
  ALLOCATED: () => orderAfter(allocate(full)),
  BACKORDERED: () => orderAfter(allocate(short)),
  PARTIALLY_SHIPPED: () => orderAfter(allocate(full), ship(some('S1', 30))),
  SHIPPED: () => orderAfter(allocate(full), ship(everything('S1', 90))),
  CANCELLED: () => orderAfter(allocate(full), cancelAt(60)),
};

const allowedEdges = ORDER_STATUSES.flatMap((from) => ORDER_TRANSITIONS[from].map((to) => `${from} → ${to}`));

/** How each edge of the lifecycle is taken. */
const edgeScenarios: Record<string, { from: () => Order; command: Command }> = {
  'PLACED → ALLOCATED': { from: inStatus.PLACED, command: allocate(full) },
  'PLACED → BACKORDERED': { from: inStatus.PLACED, command: allocate(short) },
  'PLACED → PARTIALLY_SHIPPED': { from: inStatus.PLACED, command: ship(some('S1', 30)) },
  'PLACED → SHIPPED': { from: inStatus.PLACED, command: ship(everything('S1', 30)) },
  'PLACED → CANCELLED': { from: inStatus.PLACED, command: cancelAt(10) },
  'BACKORDERED → ALLOCATED': {
    from: inStatus.BACKORDERED,
    command: allocate(allocation(2, { L1: 3, L2: 2 }, at(60))),
  },
  'BACKORDERED → PARTIALLY_SHIPPED': { from: inStatus.BACKORDERED, command: ship(some('S1', 30)) },
  'BACKORDERED → SHIPPED': { from: inStatus.BACKORDERED, command: ship(everything('S1', 30)) },
  'BACKORDERED → CANCELLED': { from: inStatus.BACKORDERED, command: cancelAt(10) },
  'ALLOCATED → PARTIALLY_SHIPPED': { from: inStatus.ALLOCATED, command: ship(some('S1', 30)) },
  'ALLOCATED → SHIPPED': { from: inStatus.ALLOCATED, command: ship(everything('S1', 30)) },
  'ALLOCATED → CANCELLED': { from: inStatus.ALLOCATED, command: cancelAt(10) },
  'PARTIALLY_SHIPPED → SHIPPED': {
    from: inStatus.PARTIALLY_SHIPPED,
    command: ship(shipment('S2', at(40), { L1: 2, L2: 2 })),
  },
  'PARTIALLY_SHIPPED → CANCELLED': { from: inStatus.PARTIALLY_SHIPPED, command: cancelAt(60) },
  // The cancellation at 60 covered every unit; this shipment ships them all, so it is void.
  'CANCELLED → SHIPPED': { from: inStatus.CANCELLED, command: ship(everything('S1', 30)) },
};

/** Commands tried on every status to look for an edge the table lacks. */
const probes: Command[] = [
  allocate(full),
  allocate(short),
  allocate(allocation(2, { L1: 3, L2: 2 }, at(45))),
  allocate(allocation(3, { L1: 1 }, at(50))),
  ...[5, 30, 59, 60, 61, 120].flatMap((minutes) => [
    ship(some(`P${minutes}`, minutes)),
    ship(everything(`E${minutes}`, minutes)),
    ship(shipment(`R${minutes}`, at(minutes), { L1: 2, L2: 2 })),
    cancelAt(minutes),
  ]),
];

describe('order lifecycle', () => {
  it('has exactly the edges of issue 4 plus the void cancellation; SHIPPED is final', () => {
    expect(allowedEdges).toEqual([
      'PLACED → ALLOCATED',
      'PLACED → BACKORDERED',
      'PLACED → PARTIALLY_SHIPPED',
      'PLACED → SHIPPED',
      'PLACED → CANCELLED',
      'ALLOCATED → PARTIALLY_SHIPPED',
      'ALLOCATED → SHIPPED',
      'ALLOCATED → CANCELLED',
      'BACKORDERED → ALLOCATED',
      'BACKORDERED → PARTIALLY_SHIPPED',
      'BACKORDERED → SHIPPED',
      'BACKORDERED → CANCELLED',
      'PARTIALLY_SHIPPED → SHIPPED',
      'PARTIALLY_SHIPPED → CANCELLED',
      'CANCELLED → SHIPPED',
    ]);
  });

  it('has a scenario for every edge and no scenario for a missing one', () => {
    expect(Object.keys(edgeScenarios).sort()).toEqual([...allowedEdges].sort());
  });

  it.each(Object.entries(edgeScenarios))('takes the edge %s', (edge, { from, command }) => {
    const result = command(from());

    expect(result.ok).toBe(true);
    const last = result.ok ? result.order.history.at(-1) : undefined;
    expect(`${last?.from} → ${last?.to}`).toBe(edge);
    expect(result.ok && result.order.status).toBe(last?.to);
    expect(result.ok && result.events.at(-1)?.order.status).toBe(last?.to);
  });

  describe('no other transition', () => {
    const observed = new Set<string>();
    for (const status of ORDER_STATUSES) {
      for (const probe of probes) {
        const before = inStatus[status]();
        const result = probe(before);
        if (result.ok && result.order.status !== before.status)
          observed.add(`${before.status} → ${result.order.status}`);
      }
    }
    const forbidden = ORDER_STATUSES.flatMap((from) =>
      ORDER_STATUSES.filter((to) => to !== from && !isAllowedTransition(from, to)).map(
        (to) => `${from} → ${to}`,
      ),
    );

    it('observes only table edges when every probe command is tried in every status', () => {
      expect([...observed].filter((edge) => !allowedEdges.includes(edge))).toEqual([]);
    });

    it.each(forbidden)('never moves %s', (edge) => {
      expect(observed.has(edge)).toBe(false);
    });
  });

  it.each<[string, string, () => Order, Command]>([
    [
      'ALLOCATED → BACKORDERED by a smaller later allocation',
      'ORDER.TRANSITION_NOT_ALLOWED',
      inStatus.ALLOCATED,
      allocate(allocation(2, { L1: 1 }, at(45))),
    ],
    [
      'SHIPPED → CANCELLED by a cancellation after shipment',
      'ORDER.ALREADY_SHIPPED',
      inStatus.SHIPPED,
      cancelAt(120),
    ],
    [
      'SHIPPED → CANCELLED by a cancellation from before a shipment',
      'ORDER.ALREADY_SHIPPED',
      inStatus.SHIPPED,
      cancelAt(60),
    ],
    ['more units on a SHIPPED order', 'ORDER.OVER_SHIPMENT', inStatus.SHIPPED, ship(some('S9', 95))],
  ])('refuses %s with %s', (_name, code, from, command) => {
    expect(outcomeCode(command(from()))).toBe(code);
  });

  it.each<[string, () => Order]>([
    ['PARTIALLY_SHIPPED', inStatus.PARTIALLY_SHIPPED],
    ['SHIPPED', inStatus.SHIPPED],
    ['CANCELLED', inStatus.CANCELLED],
  ])('keeps a %s order where it is when an allocation arrives', (status, from) => {
    const result = allocate(allocation(2, { L1: 3, L2: 2 }, at(45)))(from());

    expect(result.ok && result.order.status).toBe(status);
  });
});
