import type { UsageSnapshot } from './usage-headers';

/** Per-call inputs. The token is per call because the client serves every tenant. */
export interface GraphCallOptions {
  /** Sent only as `Authorization: Bearer`; never logged, traced or put in errors. */
  readonly accessToken: string;
  readonly signal?: AbortSignal;
  /** Overrides the call kind's default deadline. */
  readonly timeoutMs?: number;
}

/** Calls that authenticate otherwise (debug_token, token exchange). */
export interface GraphCallControl {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

export interface GraphResponse<T> {
  readonly data: T;
  readonly httpStatus: number;
  /** Usage headers of this answer (the last page's for paged lists), if Graph sent any. */
  readonly usage?: UsageSnapshot;
  readonly durationMs: number;
}

export interface SendMessageResult {
  readonly wamid: string;
  /** Not proof the number is on WhatsApp (reference §4.3). */
  readonly waId?: string;
  /** `accepted`, `held_for_quality_assessment`, `paused` ... */
  readonly messageStatus?: string;
}

export interface SuccessResult {
  readonly success: boolean;
}

export interface MediaUpload {
  readonly data: Blob | Uint8Array;
  readonly mimeType: string;
  readonly filename?: string;
}

export interface MediaUrl {
  readonly id: string;
  /** Valid for 5 minutes; download it with the same token. */
  readonly url: string;
  readonly mimeType: string;
  readonly sha256?: string;
  readonly fileSize?: number;
}

export interface DebugTokenData {
  readonly isValid: boolean;
  readonly appId?: string;
  readonly type?: string;
  readonly application?: string;
  /** `null` when the token never expires (Meta sends 0). */
  readonly expiresAt: Date | null;
  readonly dataAccessExpiresAt: Date | null;
  readonly issuedAt?: Date;
  readonly scopes: readonly string[];
  readonly granularScopes: readonly { readonly scope: string; readonly targetIds: readonly string[] }[];
  readonly userId?: string;
  readonly error?: { readonly code?: number; readonly message?: string; readonly subcode?: number };
}

export interface PhoneNumber {
  readonly id: string;
  readonly displayPhoneNumber?: string;
  readonly verifiedName?: string;
  readonly qualityRating?: string;
  readonly throughputLevel?: string;
  /** Portfolio messaging limit, `TIER_250` ... `TIER_UNLIMITED`. */
  readonly messagingLimit?: string;
  readonly status?: string;
  readonly nameStatus?: string;
  readonly codeVerificationStatus?: string;
}

export interface SubscribedApp {
  readonly id?: string;
  readonly name?: string;
  readonly link?: string;
  readonly overrideCallbackUri?: string;
}

export interface MessageTemplate {
  readonly id: string;
  readonly name: string;
  readonly language?: string;
  readonly status?: string;
  readonly category?: string;
  readonly parameterFormat?: string;
  readonly components: readonly Readonly<Record<string, unknown>>[];
  readonly qualityScore?: string;
  readonly rejectedReason?: string;
}

export interface ListTemplatesQuery {
  readonly fields?: readonly string[];
  /** Page size asked of Graph; all pages are fetched regardless. */
  readonly limit?: number;
  readonly status?: string;
  readonly name?: string;
  readonly category?: string;
  readonly language?: string;
}

export interface NewTemplate {
  readonly name: string;
  readonly language: string;
  readonly category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
  readonly parameter_format?: 'positional' | 'named';
  readonly allow_category_change?: boolean;
  readonly components: readonly Readonly<Record<string, unknown>>[];
}

export interface CreatedTemplate {
  readonly id: string;
  readonly status?: string;
  readonly category?: string;
}

export interface TokenExchangeRequest {
  readonly appId: string;
  readonly appSecret: string;
  /** The current (still valid) token to exchange. */
  readonly accessToken: string;
  /** Ask for a 60-day expiring system-user token (reference §8). */
  readonly setTokenExpiresIn60Days?: boolean;
}

export interface ExchangedToken {
  readonly accessToken: string;
  readonly tokenType?: string;
  readonly expiresInSeconds?: number;
}

/** Log-safe record of one Graph call, for metrics and spans; holds no token or URL. */
export interface GraphCallEvent {
  readonly operation: string;
  readonly kind: 'messages' | 'media' | 'management';
  readonly httpStatus?: number;
  readonly durationMs: number;
  readonly errorCode?: string;
  readonly metaCode?: number;
  readonly usageMaxPercentage?: number;
}
