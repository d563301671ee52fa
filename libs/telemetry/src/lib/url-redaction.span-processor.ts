import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { redactQueryString, redactUrlQuery } from './url-redaction';

/** Span attributes that carry a request's URL or query, old and stable semantic conventions alike. */
const URL_ATTRIBUTES = ['url.full', 'url.original', 'http.url', 'http.target'] as const;
const QUERY_ATTRIBUTES = ['url.query'] as const;

/**
 * Redacts query values of every span's URL attributes as it starts, before any
 * exporter can see them. One processor instead of each instrumentation's hooks:
 * the http and undici instrumentations have start hooks, but NestJS's request span
 * copies the raw URL into `url.full` with none, and the next instrumentation may
 * not have one either. Instrumentations set these attributes when they start the
 * span, which is when this runs.
 */
export class UrlRedactionSpanProcessor implements SpanProcessor {
  onStart(span: Span): void {
    for (const key of URL_ATTRIBUTES) {
      const value = span.attributes[key];
      if (typeof value === 'string') span.setAttribute(key, redactUrlQuery(value));
    }
    for (const key of QUERY_ATTRIBUTES) {
      const value = span.attributes[key];
      if (typeof value === 'string') span.setAttribute(key, redactQueryString(value));
    }
  }

  onEnd(): void {
    // Attributes are final by now; the redaction happened at start.
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
