import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { InvalidRequestError } from '@opsline/platform';
import { DataSource } from 'typeorm';
import type { AlertRecord } from '../domain/alerts/alert';
import { AlertListQuery, AlertPageKey, AlertRepository } from '../infrastructure/alerts/alert.repository';

/** `GET /alerts` as the controller parsed it; `cursor` is the `nextCursor` of the page before. */
export interface AlertsRequest extends Omit<AlertListQuery, 'after'> {
  readonly cursor: string | null;
}

export interface AlertsPage {
  readonly items: readonly AlertRecord[];
  readonly nextCursor: string | null;
}

/** Opaque to clients: base64url of the last item's sort key. */
export function encodeAlertCursor(key: AlertPageKey): string {
  return Buffer.from(JSON.stringify([key.raisedAt, key.alertId, key.occurrence])).toString('base64url');
}

export function decodeAlertCursor(text: string): AlertPageKey {
  try {
    const [raisedAt, alertId, occurrence] = JSON.parse(
      Buffer.from(text, 'base64url').toString('utf8'),
    ) as unknown[];
    if (
      typeof raisedAt === 'string' &&
      !Number.isNaN(Date.parse(raisedAt)) &&
      typeof alertId === 'string' &&
      Number.isSafeInteger(occurrence)
    )
      return { raisedAt, alertId, occurrence: occurrence as number };
  } catch {
    // Falls through to the error below: a cursor not made by this API.
  }
  throw new InvalidRequestError('REQUEST.INVALID_CURSOR', 'cursor is not one this API returned', {
    fields: [{ field: 'cursor', rule: 'cursor', message: 'cursor must be a value returned as nextCursor' }],
  });
}

/** `GET /alerts`: one page of alert occurrences, newest raised first. */
@Injectable()
export class ListAlertsUseCase {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly alerts: AlertRepository,
  ) {}

  async execute(request: AlertsRequest): Promise<AlertsPage> {
    const after = request.cursor === null ? null : decodeAlertCursor(request.cursor);
    const rows = await this.alerts.list(this.dataSource.manager, {
      ...request,
      after,
      limit: request.limit + 1,
    });
    const items = rows.slice(0, request.limit);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > request.limit && last !== undefined ? encodeAlertCursor(last) : null,
    };
  }
}
