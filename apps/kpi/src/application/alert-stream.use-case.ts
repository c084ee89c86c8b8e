import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AlertRecord } from '../domain/alerts/alert';
import { AlertRepository } from '../infrastructure/alerts/alert.repository';

/** The `alert` SSE message: one raise or resolution, with the alert as it stands after it. */
export interface AlertStreamMessage extends AlertRecord {
  readonly transition: 'raised' | 'resolved';
  readonly status: 'open' | 'resolved';
}

/** Which warehouses' alerts a stream may show (`null`: every one; alerts of no warehouse only then). */
export type VisibleWarehouses = ReadonlySet<string> | null;

const TRANSITIONS_PER_POLL = 200;

/**
 * The alerts part of `GET /kpis/stream`: raises and resolutions from the transition log (written in
 * the evaluation's transaction), after the newest one when the stream opened. They carry no SSE id:
 * the stream's ids stay the KPI change log's, and a client that reconnects re-reads `GET /alerts`.
 */
@Injectable()
export class AlertStreamUseCase {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly alerts: AlertRepository,
  ) {}

  async start(): Promise<number> {
    return this.alerts.newestTransitionSeq(this.dataSource.manager);
  }

  async next(
    afterSeq: number,
    visible: VisibleWarehouses,
  ): Promise<{ lastSeq: number; messages: AlertStreamMessage[] }> {
    const { lastSeq, transitions } = await this.alerts.transitionsAfter(
      this.dataSource.manager,
      afterSeq,
      TRANSITIONS_PER_POLL,
    );
    const messages = transitions
      .filter(
        ({ alert }) => visible === null || (alert.warehouseId !== null && visible.has(alert.warehouseId)),
      )
      .map(({ transition, alert }) => ({
        ...alert,
        transition,
        status: transition === 'raised' ? ('open' as const) : ('resolved' as const),
      }));
    return { lastSeq, messages };
  }
}

/** The warehouses of the stream's `warehouseId` filter that the caller's key may see (all: `null`). */
export function alertsVisibleTo(
  warehouseId: string | undefined,
  allowed: ReadonlySet<string> | null,
): VisibleWarehouses {
  if (warehouseId === undefined) return allowed;
  return allowed === null || allowed.has(warehouseId) ? new Set([warehouseId]) : new Set();
}
