import { Pool } from 'undici';

/** Keep-alive JSON POSTs to one origin; each post answers undefined on the expected status or a failure label. */
export class JsonPoster {
  private readonly pool: Pool;

  constructor(
    origin: string,
    connections: number,
    private readonly headers: Record<string, string>,
  ) {
    this.pool = new Pool(origin, { connections, keepAliveTimeout: 55_000 });
  }

  async post(path: string, body: string, expected: number, onAnswer?: (json: unknown) => void): Promise<string | undefined> {
    try {
      const response = await this.pool.request({ path, method: 'POST', headers: { 'content-type': 'application/json', ...this.headers }, body });
      const json: unknown = await response.body.json();
      if (response.statusCode !== expected) {
        const code = (json as { error?: { code?: unknown } } | null)?.error?.code;
        return `http:${response.statusCode}${code === undefined ? '' : `:${String(code)}`}`;
      }
      onAnswer?.(json);
      return undefined;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return `transport:${typeof code === 'string' ? code : 'error'}`;
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
