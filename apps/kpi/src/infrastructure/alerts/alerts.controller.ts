import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  assertWarehouseAllowed,
  CurrentPrincipal,
  ErrorResponseDto,
  Principal,
  RequireScopes,
} from '@opsline/platform';
import { ListAlertsUseCase } from '../../application/list-alerts.use-case';
import type { AlertRecord } from '../../domain/alerts/alert';
import { AlertsPageView, AlertView, ListAlertsQuery } from './alert-http.dto';

const toView = (alert: AlertRecord): AlertView => ({
  ...alert,
  status: alert.resolvedAt === null ? 'open' : 'resolved',
});

@ApiTags('alerts')
@Controller('alerts')
export class AlertsController {
  constructor(private readonly listAlerts: ListAlertsUseCase) {}

  @Get()
  @RequireScopes('kpi:read')
  @ApiOperation({
    summary: 'SLA and warehouse-feed alerts, newest raised first (open ones unless status says otherwise)',
    description:
      'Kinds: order-at-risk, order-overdue, return-ageing, stock-below-reorder-point, warehouse-feed-silent, shipment-misrouted (see docs/operations.md). Each raise and resolution is also an `alert` event on GET /kpis/stream and an event on the opsline.alerts topic. A warehouse-limited key must name its warehouse in warehouseId.',
  })
  @ApiOkResponse({ type: AlertsPageView })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description: 'A parameter is invalid, named in error.fields',
  })
  @ApiForbiddenResponse({
    type: ErrorResponseDto,
    description: 'A warehouse-limited key asked for another warehouse',
  })
  async alerts(
    @Query() query: ListAlertsQuery,
    @CurrentPrincipal() principal: Principal | undefined,
  ): Promise<AlertsPageView> {
    // A warehouse-limited key reads only its warehouse, so it must name it.
    if (principal !== undefined) assertWarehouseAllowed(principal, query.warehouseId);
    const page = await this.listAlerts.execute({
      status: query.status ?? 'open',
      kind: query.kind ?? null,
      warehouseId: query.warehouseId ?? null,
      limit: query.limit ?? 100,
      cursor: query.cursor ?? null,
    });
    return { items: page.items.map(toView), nextCursor: page.nextCursor };
  }
}
