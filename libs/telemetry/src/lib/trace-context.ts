import { context, isSpanContextValid, propagation, ROOT_CONTEXT, trace, type Link } from '@opentelemetry/api';

/** trace_id/span_id of the active span, merged into every pino line. */
export function traceLogFields(): Record<string, string> {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

/** The active context as a W3C traceparent, to carry across a queue. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier['traceparent'];
}

/**
 * A span link to the span a stored W3C traceparent names, e.g. work done much later
 * for something an earlier trace started (a status webhook for a send). Empty when
 * the traceparent is absent or malformed.
 */
export function linksTo(traceparent: string | null | undefined): Link[] {
  if (!traceparent) return [];
  const spanContext = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, { traceparent }));
  return spanContext && isSpanContextValid(spanContext) ? [{ context: spanContext }] : [];
}
