import { SwitchboardError } from '@switchboard/error-taxonomy';
import { Agent, interceptors, request, type Dispatcher } from 'undici';
import type { MediaKind } from './whatsapp-limits';

/** MIME types and sizes Meta accepts per kind (reference §5, media table). */
export const MEDIA_CONTENT: Readonly<Record<MediaKind, { types: readonly string[]; maxBytes: number }>> = {
  image: { types: ['image/jpeg', 'image/png'], maxBytes: 5 * 1024 * 1024 },
  video: { types: ['video/mp4', 'video/3gpp'], maxBytes: 16 * 1024 * 1024 },
  audio: { types: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'], maxBytes: 16 * 1024 * 1024 },
  document: {
    types: [
      'text/plain',
      'application/pdf',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    maxBytes: 100 * 1024 * 1024,
  },
  // Animated stickers may reach 500 KB; static ones 100 KB (the file does not say which it is).
  sticker: { types: ['image/webp'], maxBytes: 500 * 1024 },
};

export interface MediaPreflightOptions {
  /** How long a verdict on a link is reused. */
  readonly cacheTtlMs?: number;
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

interface Verdict {
  readonly problem: string | null;
  readonly until: number;
}

// A server that did not answer says nothing about the file: the send goes on and Meta judges it.
const INCONCLUSIVE = Symbol('inconclusive');
const UNRESOLVABLE = 0;

/**
 * Checks a media link the way Meta will fetch it, before the send: a HEAD (or a one-byte
 * range GET where HEAD is refused) must answer 2xx with an allowed content type and a
 * size within the kind's limit. A broken link then fails at once as `media_invalid`
 * instead of as 131053 in a status webhook minutes later. Verdicts are cached per link.
 */
export class MediaPreflight {
  private readonly cache = new Map<string, Verdict>();
  private readonly cacheTtlMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly dispatcher: Dispatcher;

  constructor(options: MediaPreflightOptions = {}) {
    this.cacheTtlMs = options.cacheTtlMs ?? 5 * 60_000;
    this.timeoutMs = options.timeoutMs ?? 3_000;
    this.now = options.now ?? Date.now;
    this.dispatcher = new Agent({ headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs, connectTimeout: this.timeoutMs }).compose(
      interceptors.redirect({ maxRedirections: 3 }),
    );
  }

  /** Throws `media_invalid` naming `path` when the link cannot serve this kind of media. */
  async assertUsable(kind: MediaKind, link: string, path: string): Promise<void> {
    const key = `${kind} ${link}`;
    let verdict = this.cache.get(key);
    if (!verdict || verdict.until <= this.now()) {
      const problem = await this.inspect(kind, link);
      if (problem === INCONCLUSIVE) return;
      verdict = { problem, until: this.now() + this.cacheTtlMs };
      this.cache.set(key, verdict);
      this.evictExpired();
    }
    if (verdict.problem !== null) {
      throw new SwitchboardError({
        code: 'media_invalid',
        message: `The ${kind} link cannot be fetched as Meta would: ${verdict.problem}`,
        details: [{ path, issue: verdict.problem }],
      });
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async inspect(kind: MediaKind, link: string): Promise<string | null | typeof INCONCLUSIVE> {
    let answer = await this.fetchHead(link, 'HEAD');
    if (answer === INCONCLUSIVE) return INCONCLUSIVE;
    if (answer.status === 405 || answer.status === 501) {
      answer = await this.fetchHead(link, 'GET');
      if (answer === INCONCLUSIVE) return INCONCLUSIVE;
    }
    if (answer.status === UNRESOLVABLE) return "the link's host name does not resolve";
    if (answer.status >= 500) return INCONCLUSIVE;
    if (answer.status < 200 || answer.status > 299) return `the link answers HTTP ${answer.status}`;
    const { types, maxBytes } = MEDIA_CONTENT[kind];
    const type = answer.contentType?.split(';')[0]?.trim().toLowerCase();
    // No type or a generic one says nothing; Meta sniffs the bytes itself.
    if (type && type !== 'application/octet-stream' && !types.includes(type)) {
      return `content type ${type} is not allowed for ${kind} (${types.join(', ')})`;
    }
    if (answer.size !== undefined && answer.size > maxBytes) {
      return `${answer.size} bytes is over Meta's ${maxBytes}-byte limit for ${kind}`;
    }
    return null;
  }

  private async fetchHead(link: string, method: 'HEAD' | 'GET'): Promise<{ status: number; contentType?: string; size?: number } | typeof INCONCLUSIVE> {
    try {
      const response = await request(link, {
        method,
        dispatcher: this.dispatcher,
        headers: method === 'GET' ? { range: 'bytes=0-0' } : {},
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.body.dump();
      const header = (name: string) => {
        const value = response.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const range = header('content-range')?.match(/\/(\d+)$/)?.[1];
      const length = header('content-length');
      const size = range !== undefined ? Number(range) : method === 'HEAD' && length !== undefined ? Number(length) : undefined;
      const contentType = header('content-type');
      return { status: response.statusCode, ...(contentType ? { contentType } : {}), ...(size !== undefined && Number.isFinite(size) ? { size } : {}) };
    } catch (error) {
      // A name that does not resolve is a broken link; anything else (timeouts, resets) is not proof.
      const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
      return code === 'ENOTFOUND' ? { status: UNRESOLVABLE } : INCONCLUSIVE;
    }
  }

  private evictExpired(): void {
    if (this.cache.size < 10_000) return;
    const now = this.now();
    for (const [key, verdict] of this.cache) if (verdict.until <= now) this.cache.delete(key);
  }
}
