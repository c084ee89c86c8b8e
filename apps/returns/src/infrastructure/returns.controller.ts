import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { ReturnRequestedV1 } from '@opsline/contracts';
import { RequestValidationError, RequireScopes } from '@opsline/platform';
import type { FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CloseReturnUseCase } from '../application/close-return.use-case';
import { RequestReturnUseCase } from '../application/request-return.use-case';
import { ReturnNotFound } from '../application/return-refused.error';
import { decodeReturnCursor, encodeReturnCursor } from './return-cursor';
import { ReturnEntity } from './return.entity';
import { CloseReturnBody, ListReturnsQuery, ReturnPage, returnView, ReturnView } from './returns-http.dto';

const DEFAULT_PAGE_SIZE = 50;

@ApiTags('returns')
@Controller('returns')
export class ReturnsController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly requestReturn: RequestReturnUseCase,
    private readonly closeReturn: CloseReturnUseCase,
  ) {}

  @Post()
  @RequireScopes('returns:write')
  @ApiOperation({
    summary:
      'Customer-service desk: requests a return now (same validation and policy as the ingest event); ' +
      '201 with the decided (or parked REQUESTED) return, 200 for an identical re-post, 409 RETURN.CONFLICT',
  })
  @ApiCreatedResponse({ type: ReturnView })
  async create(
    @Body() body: ReturnRequestedV1,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReturnView> {
    const { outcome, ret } = await this.dataSource.transaction((manager) =>
      this.requestReturn.execute(manager, {
        eventId: `desk:${randomUUID()}`,
        requestedAt: new Date().toISOString(),
        data: body,
      }),
    );
    void reply.status(outcome === 'created' ? 201 : 200);
    return returnView(ret);
  }

  @Post(':returnId/close')
  @HttpCode(200)
  @RequireScopes('returns:write')
  @ApiOperation({
    summary: 'Closes a return with units outstanding; 404 unknown, 409 when CLOSED, REJECTED or not decided',
  })
  @ApiOkResponse({ type: ReturnView })
  async close(@Param('returnId') returnId: string, @Body() body: CloseReturnBody): Promise<ReturnView> {
    const ret = await this.dataSource.transaction((manager) =>
      this.closeReturn.execute(manager, returnId, body.reason),
    );
    return returnView(ret);
  }

  @Get(':returnId')
  @RequireScopes('returns:read')
  @ApiOkResponse({ type: ReturnView })
  async getReturn(@Param('returnId') returnId: string): Promise<ReturnView> {
    const row = await this.dataSource.getRepository(ReturnEntity).findOneBy({ returnId });
    if (row === null) throw new ReturnNotFound(returnId);
    return returnView(row.state);
  }

  @Get()
  @RequireScopes('returns:read')
  @ApiOkResponse({ type: ReturnPage })
  async listReturns(@Query() query: ListReturnsQuery): Promise<ReturnPage> {
    if (
      query.from !== undefined &&
      query.to !== undefined &&
      Date.parse(query.from) >= Date.parse(query.to)
    ) {
      throw new RequestValidationError([
        { field: 'from', rule: 'beforeTo', message: 'from must be before to' },
      ]);
    }
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const builder = this.dataSource.getRepository(ReturnEntity).createQueryBuilder('r');
    if (query.status !== undefined) builder.andWhere('r.status = :status', { status: query.status });
    if (query.orderId !== undefined) builder.andWhere('r.order_id = :orderId', { orderId: query.orderId });
    if (query.from !== undefined) builder.andWhere('r.requested_at >= :from', { from: query.from });
    if (query.to !== undefined) builder.andWhere('r.requested_at < :to', { to: query.to });
    if (query.cursor !== undefined) {
      const after = decodeReturnCursor(query.cursor);
      builder.andWhere('(r.requested_at, r.return_id) > (:afterAt, :afterId)', {
        afterAt: after.requestedAt,
        afterId: after.returnId,
      });
    }
    const rows = await builder
      .orderBy('r.requested_at', 'ASC')
      .addOrderBy('r.return_id', 'ASC')
      .limit(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => returnView(row.state)),
      nextCursor:
        rows.length > limit
          ? encodeReturnCursor({ requestedAt: last.requestedAt.toISOString(), returnId: last.returnId })
          : null,
    };
  }
}
