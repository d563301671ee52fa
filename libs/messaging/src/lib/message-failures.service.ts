import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RequestContext } from '@switchboard/tenancy';
import { DataSource } from 'typeorm';

/** Failed and dead messages of one taxonomy code, with what to do about them. */
export interface FailureGroup {
  code: string;
  category: string | null;
  /** The taxonomy's action text, from the newest failure of the group. */
  action: string | null;
  failed: number;
  dead: number;
  /** Meta's error numbers seen under this code, ascending. */
  metaCodes: number[];
  lastAt: string;
}

interface FailureRow {
  code: string;
  category: string | null;
  action: string | null;
  failed: number;
  dead: number;
  meta_codes: Array<string | null>;
  last_at: Date;
}

/**
 * Failures of the request's tenant environment grouped by taxonomy code, biggest group
 * first: what an operator or a tenant fixes first. A message leaves its group when a retry
 * takes it back to `queued`.
 */
@Injectable()
export class MessageFailures {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async grouped(since: Date | undefined): Promise<FailureGroup[]> {
    const { tenantId, environment } = RequestContext.principal();
    const rows = (await this.dataSource.query(
      `SELECT error ->> 'code' AS code,
              (array_agg(error ->> 'category' ORDER BY updated_at DESC))[1] AS category,
              (array_agg(error ->> 'action' ORDER BY updated_at DESC))[1] AS action,
              count(*) FILTER (WHERE status = 'failed')::int AS failed,
              count(*) FILTER (WHERE status = 'dead')::int AS dead,
              array_agg(DISTINCT error -> 'meta' ->> 'code') AS meta_codes,
              max(updated_at) AS last_at
         FROM messages
        WHERE tenant_id = $1 AND environment = $2 AND status IN ('failed', 'dead') AND error IS NOT NULL
          AND ($3::timestamptz IS NULL OR updated_at >= $3)
        GROUP BY error ->> 'code'
        ORDER BY count(*) DESC, max(updated_at) DESC`,
      [tenantId, environment, since ?? null],
    )) as FailureRow[];
    return rows.map((row) => ({
      code: row.code,
      category: row.category,
      action: row.action,
      failed: row.failed,
      dead: row.dead,
      metaCodes: row.meta_codes.filter((code): code is string => code !== null).map(Number).sort((a, b) => a - b),
      lastAt: row.last_at.toISOString(),
    }));
  }
}
