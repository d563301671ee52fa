import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { GroupCommit } from '@switchboard/platform';
import type { DataSource } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { MessageEntity } from './message.entity';

/** Rows in one statement at most. */
const MAX_ROWS = 200;

/** Postgres array types for unnest, by the entity's column type. */
const ARRAY_TYPES: Record<string, string> = {
  varchar: 'varchar[]',
  char: 'text[]',
  uuid: 'uuid[]',
  jsonb: 'jsonb[]',
  integer: 'int[]',
  timestamptz: 'timestamptz[]',
};

function arrayTypeOf(column: ColumnMetadata): string {
  const type = ARRAY_TYPES[String(column.type)];
  if (!type) throw new Error(`messages.${column.databaseName}: no array type for column type ${String(column.type)}`);
  return type;
}

/**
 * Accepted messages into `messages`, each with its `queued` event, with group commit: rows
 * that arrive while a statement is in flight go together in the next one (one multi-row
 * INSERT over unnest), a lone row at once. The statement is built once from the entity's
 * columns, not per request. A batch that fails is retried row by row, so one bad row fails
 * only its own request.
 */
@Injectable()
export class QueuedMessageInserts {
  private readonly columns: readonly ColumnMetadata[];
  private readonly statement: string;
  private readonly commit: GroupCommit<MessageEntity, Error | undefined>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.columns = dataSource.getMetadata(MessageEntity).columns;
    const names = this.columns.map((column) => `"${column.databaseName}"`).join(', ');
    const arrays = this.columns.map((column, index) => `$${index + 1}::${arrayTypeOf(column)}`).join(', ');
    this.statement = `WITH message AS (
        INSERT INTO messages (${names}) SELECT * FROM unnest(${arrays})
        RETURNING id, tenant_id, environment, created_at, channel)
      INSERT INTO message_events (message_id, tenant_id, environment, status, at, channel, route_step)
      SELECT id, tenant_id, environment, 'queued', created_at, channel, 0 FROM message`;
    this.commit = new GroupCommit((rows) => this.flush(rows), { maxBatch: MAX_ROWS, concurrency: 2 });
  }

  /** Resolves once the row and its event are committed. */
  async insert(row: MessageEntity): Promise<void> {
    const error = await this.commit.submit(row);
    if (error) throw error;
  }

  private async flush(rows: MessageEntity[]): Promise<Array<Error | undefined>> {
    try {
      await this.write(rows);
      return rows.map(() => undefined);
    } catch (error) {
      if (rows.length === 1) return [error instanceof Error ? error : new Error(String(error))];
      const results: Array<Error | undefined> = [];
      for (const row of rows) results.push(await this.write([row]).then(() => undefined, (failed: unknown) => (failed instanceof Error ? failed : new Error(String(failed)))));
      return results;
    }
  }

  private async write(rows: readonly MessageEntity[]): Promise<void> {
    const parameters = this.columns.map((column) =>
      rows.map((row) => {
        const value = (row as unknown as Record<string, unknown>)[column.propertyName] ?? null;
        return column.type === 'jsonb' && value !== null ? JSON.stringify(value) : value;
      }),
    );
    await this.dataSource.query(this.statement, parameters);
  }
}
