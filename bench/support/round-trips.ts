import { Redis } from 'ioredis';

/** Statements and commands sent while a benchmark's measured part ran, in all and per message. */
export interface RoundTrips {
  pgStatements: number;
  redisCommands: number;
  /** Redis commands by name, most frequent first (the benchmark's own INFO calls left out). */
  redisByCommand: Array<[string, number]>;
}

interface Sample {
  pg: number;
  redis: Map<string, number>;
}

/** The sum of one counter over every process's Prometheus endpoint. */
async function counterSum(metricsUrls: readonly string[], name: string): Promise<number> {
  let sum = 0;
  for (const url of metricsUrls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const match of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) sum += Number(match[1]);
  }
  return sum;
}

/** Calls per command since the Redis server started (INFO commandstats). */
async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const text = await redis.info('commandstats');
  return new Map([...text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((match) => [match[1] ?? '', Number(match[2])]));
}

/**
 * Round trips as the benchmarks count them: Postgres statements from each app process's
 * `switchboard_db_statements_total` (every statement TypeORM sends, BEGIN and COMMIT
 * included) and Redis commands from the server's INFO commandstats. The Redis figure is the
 * server's: benchmarks run alone on the machine, so every command is the stack's own.
 */
export class RoundTripMeter {
  private readonly redis: Redis;
  private start: Sample | undefined;

  constructor(
    redisUrl: string,
    private readonly metricsUrls: () => readonly string[],
  ) {
    this.redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, disableClientInfo: true });
  }

  async begin(): Promise<void> {
    this.start = await this.sample();
  }

  async end(): Promise<RoundTrips> {
    if (!this.start) throw new Error('RoundTripMeter.end without begin');
    const end = await this.sample();
    const byCommand = [...end.redis]
      .map(([name, calls]): [string, number] => [name, calls - (this.start?.redis.get(name) ?? 0)])
      .filter(([name, calls]) => calls > 0 && name !== 'info')
      .sort((a, b) => b[1] - a[1]);
    return { pgStatements: end.pg - this.start.pg, redisCommands: byCommand.reduce((sum, [, calls]) => sum + calls, 0), redisByCommand: byCommand };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private async sample(): Promise<Sample> {
    return { pg: await counterSum(this.metricsUrls(), 'switchboard_db_statements_total'), redis: await commandStats(this.redis) };
  }
}

/** "9.1 statements, 14.2 commands (evalsha 3.0, ...)" per message, for RESULTS.md. */
export function roundTripsLine(trips: RoundTrips, messages: number): string {
  const per = (n: number): string => (n / Math.max(1, messages)).toFixed(2);
  const top = trips.redisByCommand.slice(0, 6).map(([name, calls]) => `${name} ${per(calls)}`).join(', ');
  return `Postgres ${per(trips.pgStatements)} statements, Redis ${per(trips.redisCommands)} commands (${top})`;
}
