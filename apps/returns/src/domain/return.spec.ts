import fc from 'fast-check';
import { applyOrderSnapshot } from './order-replica';
import {
  closeReturn,
  decideReturn,
  inspectReturn,
  receiveReturn,
  requestReturn,
  Return,
  ReturnResult,
} from './return';
import { canTransition } from './return-lifecycle';

const ORDER = applyOrderSnapshot(null, {
  orderId: 'ORD-1',
  channel: 'webshop',
  currency: 'EUR',
  warehouseId: 'WH-1',
  lines: [
    { lineId: '1', sku: 'SKU-1', quantity: 3, unitPriceMinor: 1000, shippedQuantity: 3 },
    { lineId: '2', sku: 'SKU-2', quantity: 1, unitPriceMinor: 1999, shippedQuantity: 1 },
  ],
});

function ok(result: ReturnResult): Extract<ReturnResult, { ok: true }> {
  if (!result.ok) throw new Error(`refused: ${result.refusal.message}`);
  return result;
}

function authorized(): Return {
  const requested = requestReturn({
    returnId: 'RMA-1',
    orderId: 'ORD-1',
    requestedAt: '2026-11-10T00:00:00.000Z',
    lines: [
      { lineId: '1', sku: 'SKU-1', quantity: 3, reasonCode: 'DAMAGED' },
      { lineId: '2', sku: 'SKU-2', quantity: 1, reasonCode: 'SIZE_FIT' },
    ],
  });
  return ok(decideReturn(requested, ORDER, { decision: 'authorize' })).ret;
}

const receipt = (lines: { lineId: string; quantity: number }[], id = 'R1') => ({
  eventId: id,
  warehouseId: 'WH-1',
  receivedAt: '2026-11-12T00:00:00.000Z',
  lines: lines.map((line) => ({ ...line, sku: `SKU-${line.lineId}` })),
});

const inspection = (lines: { lineId: string; quantity: number }[], id = 'I1') => ({
  eventId: id,
  warehouseId: 'WH-1',
  inspectedAt: '2026-11-13T00:00:00.000Z',
  lines: lines.map((line) => ({
    ...line,
    sku: `SKU-${line.lineId}`,
    disposition: 'RESTOCK' as const,
    recoveredValueMinor: 100,
  })),
});

describe('a return', () => {
  it('is authorized with the order’s channel, warehouse and unit prices, every requested unit authorized', () => {
    const ret = authorized();
    expect(ret).toMatchObject({
      status: 'AUTHORIZED',
      channel: 'webshop',
      currency: 'EUR',
      orderWarehouseId: 'WH-1',
    });
    expect(ret.lines.map((line) => [line.unitPriceMinor, line.authorizedQuantity])).toEqual([
      [1000, 3],
      [1999, 1],
    ]);
    expect(ret.history.map((entry) => entry.to)).toEqual(['REQUESTED', 'AUTHORIZED']);
  });

  it('is rejected with its reason and no authorized units; warehouse facts are then refused NOT_AUTHORIZED', () => {
    const requested = requestReturn({
      returnId: 'RMA-2',
      orderId: 'ORD-X',
      requestedAt: '2026-11-10T00:00:00.000Z',
      lines: [{ lineId: '1', sku: 'SKU-1', quantity: 1, reasonCode: 'OTHER' }],
    });
    const rejected = ok(
      decideReturn(requested, null, { decision: 'reject', reason: 'RETURN.ORDER_UNKNOWN' }),
    ).ret;
    expect(rejected).toMatchObject({ status: 'REJECTED', rejectionReason: 'RETURN.ORDER_UNKNOWN' });
    expect(rejected.channel).toBeUndefined();
    expect(receiveReturn(rejected, receipt([{ lineId: '1', quantity: 1 }]))).toMatchObject({
      ok: false,
      refusal: { code: 'RETURN.NOT_AUTHORIZED' },
    });
  });

  it('takes partial receipts, and refuses units beyond authorized minus received', () => {
    const first = ok(receiveReturn(authorized(), receipt([{ lineId: '1', quantity: 2 }]))).ret;
    expect(first.status).toBe('RECEIVED');
    const second = ok(receiveReturn(first, receipt([{ lineId: '1', quantity: 1 }], 'R2'))).ret;
    expect(second.lines[0].receivedQuantity).toBe(3);
    expect(second.firstReceivedAt).toBe('2026-11-12T00:00:00.000Z');
    expect(receiveReturn(second, receipt([{ lineId: '1', quantity: 1 }], 'R3'))).toMatchObject({
      ok: false,
      refusal: { code: 'RETURN.RECEIPT_EXCEEDS_AUTHORIZED' },
    });
  });

  it('refuses a receipt or inspection naming a line it does not have (LINE_UNKNOWN)', () => {
    const ret = authorized();
    expect(receiveReturn(ret, receipt([{ lineId: '9', quantity: 1 }]))).toMatchObject({
      refusal: { code: 'RETURN.LINE_UNKNOWN' },
    });
    const received = ok(receiveReturn(ret, receipt([{ lineId: '1', quantity: 1 }]))).ret;
    expect(inspectReturn(received, inspection([{ lineId: '9', quantity: 1 }]), 10)).toMatchObject({
      refusal: { code: 'RETURN.LINE_UNKNOWN' },
    });
  });

  it('refuses an inspection before anything was received as INSPECTION_EXCEEDS_RECEIVED', () => {
    expect(inspectReturn(authorized(), inspection([{ lineId: '1', quantity: 1 }]), 10)).toMatchObject({
      ok: false,
      refusal: { code: 'RETURN.INSPECTION_EXCEEDS_RECEIVED' },
    });
  });

  it('refuses inspecting more than received minus inspected, counting lines split over dispositions', () => {
    const received = ok(receiveReturn(authorized(), receipt([{ lineId: '1', quantity: 2 }]))).ret;
    expect(
      inspectReturn(
        received,
        inspection([
          { lineId: '1', quantity: 2 },
          { lineId: '1', quantity: 1 },
        ]),
        10,
      ),
    ).toMatchObject({ ok: false, refusal: { code: 'RETURN.INSPECTION_EXCEEDS_RECEIVED' } });
  });

  it('refunds each inspection at once, less the fee for SIZE_FIT, and goes back to RECEIVED on more units', () => {
    const received = ok(
      receiveReturn(
        authorized(),
        receipt([
          { lineId: '1', quantity: 1 },
          { lineId: '2', quantity: 1 },
        ]),
      ),
    ).ret;
    const inspected = ok(
      inspectReturn(
        received,
        inspection([
          { lineId: '1', quantity: 1 },
          { lineId: '2', quantity: 1 },
        ]),
        10,
      ),
    );
    expect(inspected.facts.map((fact) => fact.kind)).toEqual(['inspected', 'refunded']);
    expect(inspected.ret.status).toBe('REFUNDED');
    // 1 × 1000 (DAMAGED, no fee) + 1 × 1999 − 200 (10% of 1999 rounded half-up)
    expect(inspected.ret.refundedAmountMinor).toBe(1000 + 1799);
    const inspectedFact = inspected.facts[0];
    expect(inspectedFact.kind === 'inspected' && inspectedFact.inspection.lines[1]).toMatchObject({
      unitPriceMinor: 1999,
      reasonCode: 'SIZE_FIT',
      recoveredValueMinor: 100,
    });
    const more = ok(receiveReturn(inspected.ret, receipt([{ lineId: '1', quantity: 2 }], 'R2')));
    expect(more.ret.status).toBe('RECEIVED');
  });

  it('closes as completed in the same step when every authorized unit is refunded', () => {
    const received = ok(
      receiveReturn(
        authorized(),
        receipt([
          { lineId: '1', quantity: 3 },
          { lineId: '2', quantity: 1 },
        ]),
      ),
    ).ret;
    const done = ok(
      inspectReturn(
        received,
        inspection([
          { lineId: '1', quantity: 3 },
          { lineId: '2', quantity: 1 },
        ]),
        10,
      ),
    );
    expect(done.facts.map((fact) => fact.kind)).toEqual(['inspected', 'refunded', 'closed']);
    expect(done.ret).toMatchObject({
      status: 'CLOSED',
      closeReason: 'completed',
      refundedAmountMinor: 3000 + 1799,
    });
    expect(done.ret.history.map((entry) => entry.to)).toEqual([
      'REQUESTED',
      'AUTHORIZED',
      'RECEIVED',
      'INSPECTED',
      'REFUNDED',
      'CLOSED',
    ]);
    expect(receiveReturn(done.ret, receipt([{ lineId: '1', quantity: 1 }], 'R9'))).toMatchObject({
      refusal: { code: 'RETURN.ALREADY_CLOSED' },
    });
  });

  it('may be closed by hand with units outstanding, but not twice, not when rejected, not while requested', () => {
    const closed = ok(closeReturn(authorized(), 'customer kept it', '2026-11-20T00:00:00.000Z'));
    expect(closed.ret).toMatchObject({ status: 'CLOSED', closeReason: 'customer kept it' });
    expect(closeReturn(closed.ret, 'again', '2026-11-21T00:00:00.000Z')).toMatchObject({
      refusal: { code: 'RETURN.ALREADY_CLOSED' },
    });
    const requested = requestReturn({
      returnId: 'RMA-3',
      orderId: 'ORD-1',
      requestedAt: '2026-11-10T00:00:00.000Z',
      lines: [{ lineId: '1', sku: 'SKU-1', quantity: 1, reasonCode: 'OTHER' }],
    });
    expect(closeReturn(requested, 'x', '2026-11-21T00:00:00.000Z')).toMatchObject({
      refusal: { code: 'RETURN.TRANSITION_NOT_ALLOWED' },
    });
    const rejected = ok(
      decideReturn(requested, ORDER, { decision: 'reject', reason: 'RETURN.WINDOW_EXPIRED' }),
    ).ret;
    expect(closeReturn(rejected, 'x', '2026-11-21T00:00:00.000Z')).toMatchObject({
      refusal: { code: 'RETURN.NOT_AUTHORIZED' },
    });
  });
});

describe('a return under any sequence of receipts and inspections', () => {
  const operation = fc.record({
    kind: fc.constantFrom('receive' as const, 'inspect' as const),
    lineId: fc.constantFrom('1', '2', '9'),
    quantity: fc.integer({ min: 1, max: 4 }),
  });

  it('keeps authorized ≥ received ≥ inspected = refunded per line, and applies exactly what it accepts', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 25 }), (operations) => {
        let ret = authorized();
        let accepted = 0;
        operations.forEach(({ kind, lineId, quantity }, i) => {
          const lines = [{ lineId, quantity }];
          const result =
            kind === 'receive'
              ? receiveReturn(ret, receipt(lines, `R${i}`))
              : inspectReturn(ret, inspection(lines, `I${i}`), 10);
          if (!result.ok) return;
          accepted += 1;
          expect(canTransition(ret.status, result.facts[0].after.status)).toBe(true);
          ret = result.ret;
        });
        for (const line of ret.lines) {
          expect(line.receivedQuantity).toBeLessThanOrEqual(line.authorizedQuantity);
          expect(line.inspectedQuantity).toBeLessThanOrEqual(line.receivedQuantity);
          expect(line.refundedQuantity).toBe(line.inspectedQuantity);
        }
        expect(ret.receipts.length + ret.inspections.length).toBe(accepted);
        expect(ret.refundedAmountMinor).toBe(
          ret.refunds.reduce((sum, refund) => sum + refund.amountMinor, 0),
        );
        const allRefunded = ret.lines.every((line) => line.refundedQuantity === line.authorizedQuantity);
        expect(ret.status === 'CLOSED').toBe(allRefunded);
      }),
    );
  });
});
