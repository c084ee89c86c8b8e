import fc from 'fast-check';
import { applyOrderSnapshot, OrderReplica } from './order-replica';
import { decideReturnRequest, PolicyContext, RequestedLine } from './return-policy';
import { ReturnWindowConfig } from './return-window';

const SHIPPED_AT = '2026-11-01T12:00:00.000Z';
const DAY = 86_400_000;
const WINDOW: ReturnWindowConfig = { defaultDays: 30, daysByChannel: { marketplace: 14 } };

function order(channel = 'webshop', shipped = 2, shippedAt = SHIPPED_AT): OrderReplica {
  return applyOrderSnapshot(null, {
    orderId: 'ORD-1',
    channel,
    currency: 'EUR',
    lines: [
      { lineId: '1', sku: 'SKU-1', quantity: 3, unitPriceMinor: 1000, shippedQuantity: shipped },
      { lineId: '2', sku: 'SKU-2', quantity: 1, unitPriceMinor: 500, shippedQuantity: 0 },
    ],
    ...(shipped > 0
      ? { shipment: { shipmentId: 'S-1', shippedAt, lines: [{ lineId: '1', quantity: shipped }] } }
      : {}),
  });
}

function after(ms: number): string {
  return new Date(Date.parse(SHIPPED_AT) + ms).toISOString();
}

function context(overrides: Partial<PolicyContext> = {}): PolicyContext {
  return { order: order(), alreadyAuthorized: new Map(), window: WINDOW, final: false, ...overrides };
}

const line = (quantity: number, lineId = '1', sku = `SKU-${lineId}`): RequestedLine => ({
  lineId,
  sku,
  quantity,
});

describe('decideReturnRequest', () => {
  it('authorizes a shipped line within the window and the shipped quantity', () => {
    expect(decideReturnRequest({ requestedAt: after(DAY), lines: [line(2)] }, context())).toEqual({
      decision: 'authorize',
    });
  });

  it('authorizes exactly at 30 days after the shipment and rejects WINDOW_EXPIRED one millisecond later', () => {
    expect(decideReturnRequest({ requestedAt: after(30 * DAY), lines: [line(1)] }, context()).decision).toBe(
      'authorize',
    );
    expect(
      decideReturnRequest({ requestedAt: after(30 * DAY + 1), lines: [line(1)] }, context()),
    ).toMatchObject({
      decision: 'reject',
      reason: 'RETURN.WINDOW_EXPIRED',
    });
  });

  it('uses the channel’s own window when one is configured', () => {
    const marketplace = context({ order: order('marketplace') });
    expect(
      decideReturnRequest({ requestedAt: after(14 * DAY), lines: [line(1)] }, marketplace).decision,
    ).toBe('authorize');
    expect(
      decideReturnRequest({ requestedAt: after(15 * DAY), lines: [line(1)] }, marketplace),
    ).toMatchObject({
      reason: 'RETURN.WINDOW_EXPIRED',
    });
  });

  it('counts the window from the line’s latest shipment', () => {
    const twice = applyOrderSnapshot(order('webshop', 1), {
      orderId: 'ORD-1',
      channel: 'webshop',
      currency: 'EUR',
      lines: [{ lineId: '1', sku: 'SKU-1', quantity: 3, unitPriceMinor: 1000, shippedQuantity: 2 }],
      shipment: { shipmentId: 'S-2', shippedAt: after(10 * DAY), lines: [{ lineId: '1', quantity: 1 }] },
    });
    expect(
      decideReturnRequest({ requestedAt: after(40 * DAY), lines: [line(2)] }, context({ order: twice }))
        .decision,
    ).toBe('authorize');
  });

  it('rejects QUANTITY_EXCEEDED beyond shipped minus already authorized by other returns', () => {
    const authorizedOne = context({ alreadyAuthorized: new Map([['1', 1]]) });
    expect(decideReturnRequest({ requestedAt: after(DAY), lines: [line(1)] }, authorizedOne).decision).toBe(
      'authorize',
    );
    expect(decideReturnRequest({ requestedAt: after(DAY), lines: [line(2)] }, authorizedOne)).toMatchObject({
      decision: 'reject',
      reason: 'RETURN.QUANTITY_EXCEEDED',
    });
    expect(decideReturnRequest({ requestedAt: after(DAY), lines: [line(3)] }, context())).toMatchObject({
      reason: 'RETURN.QUANTITY_EXCEEDED',
    });
  });

  it('parks a request for an unknown order, and rejects it ORDER_UNKNOWN once the wait is over', () => {
    const request = { requestedAt: after(DAY), lines: [line(1)] };
    expect(decideReturnRequest(request, context({ order: null })).decision).toBe('park');
    expect(decideReturnRequest(request, context({ order: null, final: true }))).toMatchObject({
      decision: 'reject',
      reason: 'RETURN.ORDER_UNKNOWN',
    });
  });

  it('parks a request for a line not shipped yet, and rejects it NOT_SHIPPED once the wait is over', () => {
    const request = { requestedAt: after(DAY), lines: [line(1, '2')] };
    expect(decideReturnRequest(request, context()).decision).toBe('park');
    expect(decideReturnRequest(request, context({ final: true }))).toMatchObject({
      decision: 'reject',
      reason: 'RETURN.NOT_SHIPPED',
    });
  });

  it('rejects NOT_SHIPPED at once a line the order does not have, or with another sku', () => {
    for (const requested of [line(1, '9'), line(1, '1', 'SKU-OTHER')]) {
      expect(decideReturnRequest({ requestedAt: after(DAY), lines: [requested] }, context())).toMatchObject({
        decision: 'reject',
        reason: 'RETURN.NOT_SHIPPED',
      });
    }
  });

  it('rejects the whole request when one line fails, even if another is fine', () => {
    expect(
      decideReturnRequest(
        { requestedAt: after(DAY), lines: [line(1), line(5, '2')] },
        context({ final: true }),
      ),
    ).toMatchObject({ decision: 'reject', reason: 'RETURN.NOT_SHIPPED' });
  });

  it('never authorizes more units of a line than shipped, over any sequence of requests', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 12 }),
        (shipped, requests) => {
          const replica = order('webshop', shipped);
          let authorized = 0;
          for (const quantity of requests) {
            const answer = decideReturnRequest(
              { requestedAt: after(DAY), lines: [line(quantity)] },
              context({ order: replica, alreadyAuthorized: new Map([['1', authorized]]) }),
            );
            if (answer.decision === 'authorize') authorized += quantity;
            expect(authorized).toBeLessThanOrEqual(shipped);
          }
          // Whatever was left unauthorized, a request for exactly the rest is still authorized.
          if (authorized < shipped) {
            const rest = decideReturnRequest(
              { requestedAt: after(DAY), lines: [line(shipped - authorized)] },
              context({ order: replica, alreadyAuthorized: new Map([['1', authorized]]) }),
            );
            expect(rest.decision).toBe('authorize');
          }
        },
      ),
    );
  });
});
