import type { Classification, MetaErrorRef } from './classification';
import type { ErrorCategory } from './error-category';
import { redactSecrets } from './secret-redaction';
import { httpStatusOf, type TaxonomyCode } from './taxonomy-code';

/** One field-level problem, as in the contract's `error.details[]`. */
export interface ErrorDetail {
  readonly path: string;
  readonly issue: string;
}

export type LogSafeValue = string | number | boolean | null;
/** Flat values only, so nothing (headers, bodies, tokens) rides along by accident. */
export type LogSafeMetadata = Readonly<Record<string, LogSafeValue>>;

export interface SwitchboardErrorInit {
  readonly code: TaxonomyCode;
  readonly message: string;
  /** Defaults to the status the taxonomy assigns to `code`. */
  readonly httpStatus?: number;
  readonly retryable?: boolean;
  readonly retryAfterMs?: number;
  readonly details?: readonly ErrorDetail[];
  readonly meta?: MetaErrorRef;
  readonly classification?: Classification;
  readonly metadata?: LogSafeMetadata;
  /** Exact secrets to strip from every text field (token-shaped text is always stripped). */
  readonly redact?: readonly (string | undefined)[];
}

export interface SwitchboardErrorJson {
  readonly name: 'SwitchboardError';
  readonly code: TaxonomyCode;
  readonly message: string;
  readonly httpStatus: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly category?: ErrorCategory;
  readonly action?: string;
  readonly alert?: boolean;
  readonly details?: readonly ErrorDetail[];
  readonly meta?: MetaErrorRef;
  readonly metadata: LogSafeMetadata;
}

// instanceof breaks when two copies of this lib end up in one process (webpack
// bundles plus jest); the registered symbol survives that.
const BRAND = Symbol.for('switchboard.error');

/**
 * The one error every Switchboard lib throws. Framework-free: the HTTP and
 * GraphQL filters map it to the contract's error body; nothing else should need
 * to know about Nest. It never holds a `cause`, because a raw transport error or
 * request object can carry headers and tokens into logs.
 */
export class SwitchboardError extends Error {
  override readonly name = 'SwitchboardError';
  readonly code: TaxonomyCode;
  readonly httpStatus: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly details?: readonly ErrorDetail[];
  readonly meta?: MetaErrorRef;
  readonly classification?: Classification;
  readonly metadata: LogSafeMetadata;

  constructor(init: SwitchboardErrorInit) {
    const clean = (text: string): string => redactSecrets(text, init.redact);
    super(clean(init.message));
    Object.defineProperty(this, BRAND, { value: true });
    this.code = init.code;
    this.httpStatus = init.httpStatus ?? httpStatusOf(init.code);
    this.retryable = init.retryable ?? init.classification?.retryable ?? false;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.details) this.details = init.details.map((d) => ({ path: d.path, issue: clean(d.issue) }));
    const meta = init.meta ?? init.classification?.meta;
    if (meta) this.meta = cleanMeta(meta, clean);
    if (init.classification) {
      this.classification = { ...init.classification, ...(this.meta ? { meta: this.meta } : {}) };
    }
    this.metadata = cleanMetadata(init.metadata ?? {}, clean);
  }

  /**
   * The usual way to build one from a failed call. A `delay` policy's wait
   * becomes `retryAfterMs` unless the caller knows better (usage headers).
   */
  static fromClassification(
    classification: Classification,
    init: Partial<Omit<SwitchboardErrorInit, 'classification' | 'code'>> = {},
  ): SwitchboardError {
    const policyDelay =
      classification.retry.kind === 'delay' ? classification.retry.minDelayMs : undefined;
    const retryAfterMs = init.retryAfterMs ?? policyDelay;
    return new SwitchboardError({
      ...init,
      code: classification.code,
      message: init.message ?? classification.message,
      httpStatus: init.httpStatus ?? classification.httpStatus,
      retryable: init.retryable ?? classification.retryable,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      classification,
    });
  }

  static isSwitchboardError(value: unknown): value is SwitchboardError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value instanceof SwitchboardError || (value as Record<symbol, unknown>)[BRAND] === true)
    );
  }

  get category(): ErrorCategory | undefined {
    return this.classification?.category;
  }

  toJSON(): SwitchboardErrorJson {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      httpStatus: this.httpStatus,
      retryable: this.retryable,
      ...(this.retryAfterMs !== undefined ? { retryAfterMs: this.retryAfterMs } : {}),
      ...(this.classification
        ? {
            category: this.classification.category,
            action: this.classification.action,
            alert: this.classification.alert,
          }
        : {}),
      ...(this.details ? { details: this.details } : {}),
      ...(this.meta ? { meta: this.meta } : {}),
      metadata: this.metadata,
    };
  }
}

function cleanMeta(meta: MetaErrorRef, clean: (s: string) => string): MetaErrorRef {
  return {
    code: meta.code,
    title: clean(meta.title),
    ...(meta.details !== undefined ? { details: clean(meta.details) } : {}),
    ...(meta.fbtraceId !== undefined ? { fbtraceId: meta.fbtraceId } : {}),
  };
}

function cleanMetadata(metadata: LogSafeMetadata, clean: (s: string) => string): LogSafeMetadata {
  const out: Record<string, LogSafeValue> = {};
  for (const [key, value] of Object.entries(metadata)) {
    out[key] = typeof value === 'string' ? clean(value) : value;
  }
  return out;
}
