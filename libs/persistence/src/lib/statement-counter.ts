import type { Logger as TypeOrmLogger } from 'typeorm';
import { Counter, type Registry } from 'prom-client';

/**
 * Counts every statement TypeORM sends (queries, BEGIN and COMMIT alike): each is one round
 * trip to Postgres, the figure the benchmarks report per message beside CPU time. It stands
 * in TypeORM's logger slot, which sees every statement whatever `logging` says; it logs nothing.
 */
export class StatementCounter implements TypeOrmLogger {
  private readonly statements: Counter;

  constructor(registry: Registry) {
    this.statements = new Counter({
      name: 'switchboard_db_statements_total',
      help: 'SQL statements sent to PostgreSQL (each one round trip), transaction control included',
      registers: [registry],
    });
  }

  logQuery(): void {
    this.statements.inc();
  }

  logQueryError(): void {
    // Counted by logQuery when it was sent.
  }

  logQuerySlow(): void {
    // Counted by logQuery when it was sent.
  }

  logSchemaBuild(): void {
    // Schema changes go through migrations, which are not on a hot path.
  }

  logMigration(): void {
    // As above.
  }

  log(): void {
    // TypeORM's own messages stay off, as with logging: false.
  }
}
