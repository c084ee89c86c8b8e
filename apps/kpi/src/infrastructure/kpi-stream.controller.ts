import { BeforeApplicationShutdown, Controller, Get, Headers, Logger, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireScopes } from '@opsline/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AlertStreamUseCase, alertsVisibleTo } from '../application/alert-stream.use-case';
import { KpiChangeStreamUseCase } from '../application/kpi-change-stream.use-case';
import { KpiStreamQueryDto } from './kpi-http.dto';

const POLL_MS = 250;
const HEARTBEAT_MS = 15_000;

/** `GET /kpis/stream`: Server-Sent Events of changed buckets, resumable with `Last-Event-ID`. */
@ApiTags('kpis')
@Controller('kpis')
export class KpiStreamController implements BeforeApplicationShutdown {
  private readonly logger = new Logger('KpiStream');
  private readonly open = new Set<() => void>();

  constructor(
    private readonly changes: KpiChangeStreamUseCase,
    private readonly alertStream: AlertStreamUseCase,
  ) {}

  @Get('stream')
  @RequireScopes('kpi:read')
  @ApiOperation({
    summary: 'Server-Sent Events: each `kpi-buckets` event lists the changed buckets with their metrics now',
    description:
      'The event id is the change-log id; reconnect with Last-Event-ID to receive every change after it. After a read-model rebuild switches, a `rebuilt` event (data: {id, rebuilt: true, schema}) says every bucket may have been recomputed; ids continue. The change log keeps KPI_CHANGE_LOG_RETENTION_HOURS (default 7 days): resuming from an id older than that gives an `expired` event (data: {id, expired: true}) first, since the changes in between are no longer known; re-read what you show. Each alert raised or resolved after the stream opened is an `alert` event without an id (data: the alert with `transition` raised|resolved; only the warehouseId filter applies; after a reconnect, GET /alerts gives the current ones). A comment line is sent every 15 s to keep the connection open.',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      'id: 42\\nevent: kpi-buckets\\ndata: {"id":42,"facts":["orders"],"granularity":"day","buckets":[…]}',
  })
  async stream(
    @Query() query: KpiStreamQueryDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @CurrentPrincipal() principal: Principal | undefined,
  ): Promise<void> {
    let afterId = await this.changes.startAfter(lastEventId);
    let alertsAfter = await this.alertStream.start();
    const alertsVisible = alertsVisibleTo(query.warehouseId, principal?.allowedWarehouses ?? null);
    const filter = {
      granularity: query.granularity ?? 'day',
      warehouseId: query.warehouseId ?? null,
      sku: query.sku ?? null,
      channel: query.channel ?? null,
    } as const;
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    raw.write(': opsline kpi changes\n\n');
    let closed = false;
    const close = (): void => {
      closed = true;
    };
    this.open.add(close);
    request.raw.on('close', close);
    let quietSince = Date.now();
    try {
      while (!closed) {
        const alerts = await this.alertStream.next(alertsAfter, alertsVisible);
        alertsAfter = alerts.lastSeq;
        for (const alert of alerts.messages) raw.write(`event: alert\ndata: ${JSON.stringify(alert)}\n\n`);
        if (alerts.messages.length > 0) quietSince = Date.now();
        const message = await this.changes.next(afterId, filter);
        if (message === null) {
          if (Date.now() - quietSince > HEARTBEAT_MS) {
            raw.write(': still here\n\n');
            quietSince = Date.now();
          }
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          continue;
        }
        const event = 'rebuilt' in message ? 'rebuilt' : 'expired' in message ? 'expired' : 'kpi-buckets';
        raw.write(`id: ${message.id}\nevent: ${event}\ndata: ${JSON.stringify(message)}\n\n`);
        afterId = message.id;
        quietSince = Date.now();
      }
    } catch (error) {
      // The response is already streaming: end it; the client reconnects with Last-Event-ID.
      this.logger.warn({ msg: 'kpi stream ended by an error', error: (error as Error).message });
    } finally {
      this.open.delete(close);
      raw.end();
    }
  }

  /** Ends open streams so that shutdown does not wait for clients to hang up. */
  beforeApplicationShutdown(): void {
    for (const close of this.open) close();
  }
}
