import { SwitchboardError } from '@switchboard/error-taxonomy';
import { egressDispatcher, PrivateAddressRefusedError, type AddressGuardOptions } from '@switchboard/net-guard';
import { LRUCache } from 'lru-cache';
import { request, type Dispatcher } from 'undici';
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

export interface MediaPreflightOptions extends AddressGuardOptions {
  /** How long a verdict on a link is reused. */
  readonly cacheTtlMs?: number;
  /** Most verdicts kept; the least recently used one goes first. */
  readonly cacheMax?: number;
  readonly timeoutMs?: number;
  readonly now?: () => number;
  /**
   * Whether links may lead to loopback, private, link-local and other non-public addresses
   * (development and tests, where media hosts run on this machine). Off by default.
   */
  readonly allowPrivateTargets?: boolean;
  /** Certificate authorities trusted instead of the system's (a test's own TLS server). */
  readonly ca?: string;
}

/** The only thing a refused link says: which hop, address or answer stopped it stays ours (SSRF). */
export const MEDIA_LINK_NOT_USABLE = 'media link not usable';
const REFUSAL_ISSUE = `${MEDIA_LINK_NOT_USABLE}: it must lead over https to a public host, in at most 3 redirects`;
const MAX_REDIRECTS = 3;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

// A server that did not answer says nothing about the file: the send goes on and Meta judges it.
const INCONCLUSIVE = Symbol('inconclusive');
// A hop that is not https, an address the policy refuses, a name that does not resolve, too many redirects.
const REFUSED = Symbol('refused');

interface Answer {
  readonly status: number;
  readonly contentType?: string;
  readonly size?: number;
}

interface Verdict {
  readonly problem: string | null;
}

/**
 * Checks a media link the way Meta will fetch it, before the send: a HEAD (or a one-byte
 * range GET where HEAD is refused) must answer 2xx with an allowed content type and a
 * size within the kind's limit. A broken link then fails at once as `media_invalid`
 * instead of as 131053 in a status webhook minutes later.
 *
 * The link is the tenant's, so each request is a request they aim at us (SSRF): redirects are
 * followed here, hop by hop, each one https only and connected through the public-address
 * dispatcher, which judges every address it connects to. Whatever stops a link, the error
 * says only that it is not usable; details come only from answers of hosts the policy allowed.
 */
export class MediaPreflight {
  private readonly cache: LRUCache<string, Verdict>;
  private readonly timeoutMs: number;
  private readonly dispatcher: Dispatcher;

  constructor(options: MediaPreflightOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 3_000;
    const now = options.now ?? Date.now;
    // ttlResolution 0: staleness is judged on every read against `now`, never on a memoised clock.
    this.cache = new LRUCache({ max: options.cacheMax ?? 10_000, ttl: options.cacheTtlMs ?? 5 * 60_000, ttlResolution: 0, perf: { now } });
    this.dispatcher = egressDispatcher({
      allowPrivateTargets: options.allowPrivateTargets ?? false,
      timeoutMs: this.timeoutMs,
      ...(options.resolve ? { resolve: options.resolve } : {}),
      ...(options.trustedAddresses ? { trustedAddresses: options.trustedAddresses } : {}),
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    });
  }

  /** Throws `media_invalid` naming `path` when the link cannot serve this kind of media. */
  async assertUsable(kind: MediaKind, link: string, path: string): Promise<void> {
    const key = `${kind} ${link}`;
    let verdict = this.cache.get(key);
    if (!verdict) {
      const problem = await this.inspect(kind, link);
      if (problem === INCONCLUSIVE) return;
      verdict = { problem };
      this.cache.set(key, verdict);
    }
    if (verdict.problem !== null) {
      throw new SwitchboardError({ code: 'media_invalid', message: MEDIA_LINK_NOT_USABLE, details: [{ path, issue: verdict.problem }] });
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async inspect(kind: MediaKind, link: string): Promise<string | null | typeof INCONCLUSIVE> {
    let answer = await this.fetchHead(link, 'HEAD');
    if (answer !== INCONCLUSIVE && answer !== REFUSED && (answer.status === 405 || answer.status === 501)) answer = await this.fetchHead(link, 'GET');
    if (answer === INCONCLUSIVE) return INCONCLUSIVE;
    if (answer === REFUSED) return REFUSAL_ISSUE;
    if (answer.status >= 500) return INCONCLUSIVE;
    if (answer.status < 200 || answer.status > 299) return `${MEDIA_LINK_NOT_USABLE}: it answers HTTP ${answer.status}`;
    const { types, maxBytes } = MEDIA_CONTENT[kind];
    const type = answer.contentType?.split(';')[0]?.trim().toLowerCase();
    // No type or a generic one says nothing; Meta sniffs the bytes itself.
    if (type && type !== 'application/octet-stream' && !types.includes(type)) {
      return `${MEDIA_LINK_NOT_USABLE}: content type ${type} is not allowed for ${kind} (${types.join(', ')})`;
    }
    if (answer.size !== undefined && answer.size > maxBytes) {
      return `${MEDIA_LINK_NOT_USABLE}: ${answer.size} bytes is over Meta's ${maxBytes}-byte limit for ${kind}`;
    }
    return null;
  }

  /** The final answer after at most MAX_REDIRECTS redirects, each hop https and judged by the dispatcher. */
  private async fetchHead(link: string, method: 'HEAD' | 'GET'): Promise<Answer | typeof INCONCLUSIVE | typeof REFUSED> {
    let url = link;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
      if (!URL.canParse(url) || new URL(url).protocol !== 'https:') return REFUSED;
      let response: Dispatcher.ResponseData;
      try {
        response = await request(url, {
          method,
          dispatcher: this.dispatcher,
          headers: method === 'GET' ? { range: 'bytes=0-0' } : {},
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        return failureOf(error);
      }
      await response.body.dump();
      const header = (name: string) => {
        const value = response.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      const location = header('location');
      if (REDIRECT_STATUSES.has(response.statusCode) && location !== undefined) {
        if (!URL.canParse(location, url)) return REFUSED;
        url = new URL(location, url).href;
        continue;
      }
      const range = header('content-range')?.match(/\/(\d+)$/)?.[1];
      const length = header('content-length');
      const size = range !== undefined ? Number(range) : method === 'HEAD' && length !== undefined ? Number(length) : undefined;
      const contentType = header('content-type');
      return { status: response.statusCode, ...(contentType ? { contentType } : {}), ...(size !== undefined && Number.isFinite(size) ? { size } : {}) };
    }
    return REFUSED;
  }
}

/** A refused address or a name that does not resolve is a verdict; anything else (timeouts, resets, TLS) is not proof. */
function failureOf(error: unknown): typeof INCONCLUSIVE | typeof REFUSED {
  if (error instanceof PrivateAddressRefusedError) return REFUSED;
  const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  return code === 'ENOTFOUND' || code === 'PRIVATE_ADDRESS_REFUSED' ? REFUSED : INCONCLUSIVE;
}
