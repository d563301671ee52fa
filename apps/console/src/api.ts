import type { Session } from './session';

/** The contract's error body (every non-2xx answer of /v1). */
export interface ContractError {
  code: string;
  message: string;
  details?: Array<{ path: string; issue: string }>;
  meta?: { code: number; title?: string };
  requestId?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: ContractError,
  ) {
    super(error.message);
  }
}

export async function request<T>(key: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!response.ok) {
    const error = (parsed as { error?: ContractError } | undefined)?.error ?? { code: `http_${response.status}`, message: response.statusText };
    throw new ApiError(response.status, error);
  }
  return parsed as T;
}

/**
 * Path of a tenant-environment resource: the tenant routes for a tenant key, the operator
 * routes of the picked tenant environment for the operator key (same suffixes, same answers).
 */
export function scoped(session: Session, suffix: string): string {
  if (session.role === 'tenant') return `/v1${suffix}`;
  if (!session.tenantId) throw new Error('Pick a tenant first');
  return `/v1/admin/tenants/${session.tenantId}/environments/${session.environment}${suffix}`;
}

export function query(params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '');
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
}

// Shapes of the answers the pages read (see GET /docs-json).
export interface Tenant {
  id: string;
  slug: string;
  name: string;
  createdAt: string;
}
export interface ApiKey {
  id: string;
  environment: string;
  name: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
export interface MessageError {
  code: string;
  message?: string;
  category?: string;
  retryable?: boolean;
  action?: string;
  meta?: { code: number; title?: string };
}
export interface Message {
  id: string;
  status: string;
  wamid: string | null;
  to: string;
  from: string;
  type: string;
  attempts: number;
  metadata: Record<string, unknown>;
  error: MessageError | null;
  createdAt: string;
  updatedAt: string;
  events?: Array<{ status: string; at: string }>;
}
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
export interface FailureGroup {
  code: string;
  category: string | null;
  action: string | null;
  failed: number;
  dead: number;
  metaCodes: number[];
  lastAt: string;
}
export interface Waba {
  id: string;
  wabaId: string;
  environment: string;
  appId: string;
  token: { expiresAt: string | null; scopes: string[]; status: string };
  subscribedAt: string | null;
}
export interface PhoneNumber {
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  verifiedName: string | null;
  qualityRating: string | null;
  status: string | null;
  messagingLimit: string | null;
  throughputMps: number | null;
  testNumber: boolean;
}
export interface Template {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: string;
  status: string;
  rejectionReason: string | null;
  qualityScore: string | null;
  components: Array<Record<string, unknown>>;
}
export interface LintResult {
  valid: boolean;
  errors: number;
  warnings: number;
  issues: Array<{ rule: string; severity: string; message: string; path: string }>;
}
export interface Endpoint {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  createdAt: string;
}
export interface Delivery {
  id: string;
  eventId: string;
  type: string;
  status: string;
  attempts: number;
  replays: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}
