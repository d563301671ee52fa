import type { Classification } from './classification';
import type { ErrorCategory } from './error-category';
import type { TaxonomyCode } from './taxonomy-code';

/** A message's `error` as the contract shows it (§5). */
export interface MessageError {
  readonly code: TaxonomyCode;
  readonly message: string;
  readonly category: ErrorCategory;
  readonly retryable: boolean;
  readonly action: string;
  readonly meta?: { readonly code: number; readonly title: string; readonly details?: string };
  readonly provider?: { readonly channel: string; readonly code: string; readonly title: string };
}

/** The contract's message `error` of a classified failure (a Graph answer or a webhook `errors[]` entry). */
export function messageErrorOf(classification: Classification): MessageError {
  const { meta, provider } = classification;
  return {
    code: classification.code,
    message: classification.message,
    category: classification.category,
    retryable: classification.retryable,
    action: classification.action,
    ...(meta ? { meta: { code: meta.code, title: meta.title, ...(meta.details !== undefined ? { details: meta.details } : {}) } } : {}),
    ...(provider ? { provider: { channel: provider.channel, code: provider.code, title: provider.title } } : {}),
  };
}
