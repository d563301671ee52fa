import type { ErrorCategory } from './error-category';
import type { RetryPolicy } from './retry-policy';
import type { TaxonomyCode } from './taxonomy-code';

/** Meta's side of an error, as shown in the contract's `error.meta`. */
export interface MetaErrorRef {
  readonly code: number;
  readonly title: string;
  /** Meta's `error_data.details`, secrets removed; safe to show operators. */
  readonly details?: string;
  /** Quote in Meta Direct Support tickets. */
  readonly fbtraceId?: string;
}

/** A non-Meta vendor's side of an error (Twilio's `21610` ...), as shown in `error.provider`. */
export interface ProviderErrorRef {
  /** The channel whose vendor answered (`sms`). */
  readonly channel: string;
  readonly code: string;
  readonly title: string;
}

/** How the gateway treats one kind of failure: the part every error catalogue (Meta, Twilio, transport) states per entry. */
export interface ErrorBehaviour {
  /** What the error means, as one human sentence (safe to show a product team). */
  readonly summary: string;
  readonly category: ErrorCategory;
  readonly retry: RetryPolicy;
  readonly code: TaxonomyCode;
  /** What an operator does about it, as one sentence. */
  readonly action: string;
  /** True when a human must act and the problem outlives this one message. */
  readonly alert: boolean;
}

/** Everything the gateway decides about one failure. */
export interface Classification {
  readonly code: TaxonomyCode;
  readonly httpStatus: number;
  readonly category: ErrorCategory;
  readonly retry: RetryPolicy;
  /** Whether the gateway retries on its own (derived from `retry`). */
  readonly retryable: boolean;
  /** One human sentence on what happened. */
  readonly message: string;
  /** One sentence on what an operator does about it. */
  readonly action: string;
  readonly meta?: MetaErrorRef;
  readonly provider?: ProviderErrorRef;
  /** True when a human must act and the problem outlives this one message. */
  readonly alert: boolean;
}
