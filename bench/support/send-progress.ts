import type { BenchStack } from './bench-stack';

/** Resolves when none of the messages is `queued` or `sending` any more. */
export async function waitSettled(stack: BenchStack, ids: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await stack.pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE id = ANY($1) AND status IN ('queued', 'sending')`, [ids]);
    const open = rows[0]?.n ?? 0;
    if (open === 0) return;
    if (Date.now() > deadline) throw new Error(`${open} of ${ids.length} messages still queued or sending after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Labels and value of every sample of one Prometheus counter. */
function samples(text: string, name: string): Array<{ labels: Record<string, string>; value: number }> {
  return [...text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))].map((match) => ({
    labels: Object.fromEntries([...(match[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((label) => [label[1], label[2]])),
    value: Number(match[2]),
  }));
}

/**
 * The workers' send counters from their Prometheus endpoints, summed: `outcome/reason` of
 * every job step (switchboard_send_outcomes_total) and `meta/<code>` per Meta error code.
 */
export async function workerCounters(workerUrls: string[]): Promise<Record<string, number>> {
  const counters: Record<string, number> = {};
  const add = (key: string, value: number): void => {
    counters[key] = (counters[key] ?? 0) + value;
  };
  for (const url of workerUrls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const { labels, value } of samples(text, 'switchboard_send_outcomes_total')) add(labels['reason'] ? `${labels['outcome']}/${labels['reason']}` : (labels['outcome'] ?? ''), value);
    for (const { labels, value } of samples(text, 'switchboard_send_meta_errors_total')) add(`meta/${labels['meta_code']}`, value);
  }
  return counters;
}
