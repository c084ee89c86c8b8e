import { StockLedgerEntry } from './stock-ledger';

/** Ledger entries of one position (WH-1 × SKU-1) for the stock position specs. */
export const WH = 'WH-1';
export const SKU = 'SKU-1';
/** Business time `minute` minutes after 10:00 on 2026-11-20. */
export const t = (minute: number): string => new Date(Date.UTC(2026, 10, 20, 10, minute)).toISOString();

export const receipt = (at: string, quantity: number, receiptId = `R-${at}`): StockLedgerEntry => ({
  kind: 'receipt',
  warehouseId: WH,
  sku: SKU,
  at,
  receiptId,
  quantity,
});
export const restock = (at: string, quantity: number): StockLedgerEntry => ({
  kind: 'restock',
  warehouseId: WH,
  sku: SKU,
  at,
  returnId: 'RMA-1',
  lineId: '1',
  inspectionRef: `ev-${at}`,
  quantity,
});
export const adjustment = (at: string, quantityDelta: number): StockLedgerEntry => ({
  kind: 'adjustment',
  warehouseId: WH,
  sku: SKU,
  at,
  adjustmentId: `A-${at}`,
  quantityDelta,
});
export const count = (at: string, countedQuantity: number, countId = `C-${at}`): StockLedgerEntry => ({
  kind: 'count',
  warehouseId: WH,
  sku: SKU,
  at,
  countId,
  countedQuantity,
});
export const reservation = (at: string, orderId: string, quantity: number): StockLedgerEntry => ({
  kind: 'reservation',
  warehouseId: WH,
  sku: SKU,
  at,
  orderId,
  lineId: '1',
  trigger: 'allocation',
  quantity,
});
export const release = (at: string, orderId: string, quantity: number): StockLedgerEntry => ({
  kind: 'release',
  warehouseId: WH,
  sku: SKU,
  at,
  orderId,
  lineId: '1',
  quantity,
});
export const shipment = (
  at: string,
  orderId: string,
  quantity: number,
  reservationConsumed: number,
): StockLedgerEntry => ({
  kind: 'shipment',
  warehouseId: WH,
  sku: SKU,
  at,
  shipmentId: `S-${at}`,
  orderId,
  lineId: '1',
  quantity,
  reservationConsumed,
});
