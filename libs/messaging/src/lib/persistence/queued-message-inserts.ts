import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { GroupCommit } from '@switchboard/platform';
import type { DataSource } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { MessageEntity } from './message.entity';

/** Rows in one statement at most. */
const MAX_ROWS = 200;

/**
 * Accepted messages into `messages`, each with its `queued` event, with group commit: rows
 * that arrive while a statement is in flight go together in the next one (one multi-row
 * INSERT), a lone row at once. The rows travel as one JSON array that Postgres turns into
 * `messages` records (`json_populate_recordset`): one native JSON.stringify, where arrays per
 * column cost the driver an escaping pass per value and the jsonb columns a second encoding.
 * The statement is built once from the entity's columns, not per request. A batch that fails
 * is retried row by row (GroupCommit's isolateFailures), so one bad row fails only its own request.
 */
@Injectable()
export class QueuedMessageInserts {
  private readonly columns: readonly ColumnMetadata[];
  private readonly statement: string;
  private readonly commit: GroupCommit<MessageEntity>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.columns = dataSource.getMetadata(MessageEntity).columns;
    const names = this.columns.map((column) => `"${column.databaseName}"`).join(', ');
    this.statement = `WITH message AS (
        INSERT INTO messages (${names}) SELECT ${names} FROM json_populate_recordset(NULL::messages, $1::json)
        RETURNING id, tenant_id, environment, created_at, channel)
      INSERT INTO message_events (message_id, tenant_id, environment, status, at, channel, route_step)
      SELECT id, tenant_id, environment, 'queued', created_at, channel, 0 FROM message`;
    this.commit = new GroupCommit((rows) => this.write(rows), { maxBatch: MAX_ROWS, concurrency: 2, isolateFailures: true });
  }

  /** Resolves once the row and its event are committed. */
  insert(row: MessageEntity): Promise<void> {
    return this.commit.submit(row);
  }

  private async write(rows: readonly MessageEntity[]): Promise<void[]> {
    const records = rows.map((row) => {
      const record: Record<string, unknown> = {};
      for (const column of this.columns) record[column.databaseName] = (row as unknown as Record<string, unknown>)[column.propertyName] ?? null;
      return record;
    });
    await this.dataSource.query(this.statement, [JSON.stringify(records)]);
    return rows.map(() => undefined);
  }
}
