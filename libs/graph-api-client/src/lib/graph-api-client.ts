import {
  classify,
  type Classification,
  type LogSafeMetadata,
  SwitchboardError,
  type TransportFailure,
} from '@switchboard/error-taxonomy';
import { FormData, type Dispatcher } from 'undici';
import type { z } from 'zod';
import {
  resolveGraphApiClientOptions,
  type GraphApiClientOptions,
  type ResolvedGraphApiClientOptions,
} from './graph-api-client.options';
import type {
  CreatedTemplate,
  DebugTokenData,
  ExchangedToken,
  GraphCallControl,
  GraphCallOptions,
  GraphResponse,
  ListTemplatesQuery,
  MediaUpload,
  MediaUrl,
  MessageTemplate,
  NewTemplate,
  PhoneNumber,
  SendMessageResult,
  SubscribedApp,
  SuccessResult,
  TokenExchangeRequest,
} from './graph-api.types';
import type { GraphCallKind } from './graph-call-kind';
import { createGraphDispatcher } from './graph-dispatcher';
import {
  createTemplateResponseSchema,
  debugTokenResponseSchema,
  exchangeTokenResponseSchema,
  mediaUploadResponseSchema,
  mediaUrlResponseSchema,
  pageSchema,
  phoneNumberSchema,
  sendMessageResponseSchema,
  subscribedAppsResponseSchema,
  successResponseSchema,
  templateSchema,
} from './graph-response.schemas';
import { ClockSkewTracker } from './clock-skew.tracker';
import type { OutboundMessage } from './outbound-message.types';
import { toTransportFailure } from './transport-error.mapper';
import { dispatchGraphCall, GraphCallCancelled, type RawGraphResponse } from './graph-call.handler';
import {
  APP_USAGE_HEADER,
  BUSINESS_USE_CASE_USAGE_HEADER,
  parseUsageHeaders,
  type UsageSnapshot,
} from './usage-headers';

type Query = Readonly<Record<string, string | number | boolean | undefined>>;

interface CallSpec<S extends z.ZodType> {
  readonly operation: string;
  readonly kind: GraphCallKind;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Path after the version segment, ids already encoded. */
  readonly path: string;
  readonly query?: Query;
  readonly json?: unknown;
  readonly form?: FormData;
  /** Bearer token; omitted only for the token exchange, which authenticates by app secret. */
  readonly bearer?: string;
  /** Every secret this call touches, stripped from anything that can leave the client. */
  readonly secrets: readonly (string | undefined)[];
  readonly schema: S;
  readonly control: GraphCallControl;
}

const PHONE_NUMBER_FIELDS = [
  'id',
  'display_phone_number',
  'verified_name',
  'quality_rating',
  'throughput',
  'whatsapp_business_manager_messaging_limit',
  'status',
  'name_status',
  'code_verification_status',
  'platform_type',
];

const TEMPLATE_FIELDS = [
  'id',
  'name',
  'language',
  'status',
  'category',
  'parameter_format',
  'components',
  'quality_score',
  'rejected_reason',
];

// A runaway cursor (Graph returning the same page) must not loop forever.
const MAX_PAGES = 1000;

/**
 * Typed client for the Graph API subset Switchboard uses. Multi-tenant: the
 * token travels with each call. Every failure, whatever its origin, is thrown
 * as a SwitchboardError carrying the taxonomy's Classification; undici errors
 * never escape, because their messages can hold URLs and their `cause` chains
 * sockets and headers.
 */
export class GraphApiClient {
  private readonly options: ResolvedGraphApiClientOptions;
  private readonly dispatcher: Dispatcher;
  private readonly clock = new ClockSkewTracker();
  private latest: UsageSnapshot | undefined;

  constructor(options: GraphApiClientOptions) {
    this.options = resolveGraphApiClientOptions(options);
    this.dispatcher = createGraphDispatcher(this.options);
  }

  /** The pinned Graph version, e.g. `v24.0`. */
  get version(): string {
    return this.options.version;
  }

  /** Most recent usage headers seen on any call, for the rate-limiting lib. */
  latestUsage(): UsageSnapshot | undefined {
    return this.latest;
  }

  /** Graph's clock minus ours, in ms (positive: Graph is ahead). */
  clockSkewMs(): number {
    return this.clock.skewMs();
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  // ---- messages -----------------------------------------------------------

  async sendMessage(
    phoneNumberId: string,
    message: OutboundMessage,
    call: GraphCallOptions,
  ): Promise<GraphResponse<SendMessageResult>> {
    const res = await this.request({
      operation: 'sendMessage',
      kind: 'messages',
      method: 'POST',
      path: `/${id(phoneNumberId)}/messages`,
      json: { messaging_product: 'whatsapp', ...message },
      ...auth(call),
      schema: sendMessageResponseSchema,
    });
    const first = res.data.messages[0];
    const contact = res.data.contacts?.[0];
    return withData(res, {
      wamid: first.id,
      ...(contact?.wa_id !== undefined ? { waId: contact.wa_id } : {}),
      ...(first.message_status !== undefined ? { messageStatus: first.message_status } : {}),
    });
  }

  /** Marks the message (and every earlier one) read; optionally shows a typing indicator. */
  async markAsRead(
    phoneNumberId: string,
    messageId: string,
    call: GraphCallOptions,
    options: { typingIndicator?: boolean } = {},
  ): Promise<GraphResponse<SuccessResult>> {
    return this.request({
      operation: 'markAsRead',
      kind: 'messages',
      method: 'POST',
      path: `/${id(phoneNumberId)}/messages`,
      json: {
        messaging_product: 'whatsapp',
        status: 'read',
        message_id: messageId,
        ...(options.typingIndicator ? { typing_indicator: { type: 'text' } } : {}),
      },
      ...auth(call),
      schema: successResponseSchema,
    });
  }

  // ---- media --------------------------------------------------------------

  async uploadMedia(
    phoneNumberId: string,
    media: MediaUpload,
    call: GraphCallOptions,
  ): Promise<GraphResponse<{ id: string }>> {
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', media.mimeType);
    const blob =
      media.data instanceof Blob ? media.data : new Blob([media.data as Uint8Array<ArrayBuffer>], { type: media.mimeType });
    form.append('file', blob, media.filename ?? 'upload');
    return this.request({
      operation: 'uploadMedia',
      kind: 'media',
      method: 'POST',
      path: `/${id(phoneNumberId)}/media`,
      form,
      ...auth(call),
      schema: mediaUploadResponseSchema,
    });
  }

  /** The download URL of a media id (valid 5 minutes). */
  async getMediaUrl(
    mediaId: string,
    call: GraphCallOptions,
    options: { phoneNumberId?: string } = {},
  ): Promise<GraphResponse<MediaUrl>> {
    const res = await this.request({
      operation: 'getMediaUrl',
      kind: 'media',
      method: 'GET',
      path: `/${id(mediaId)}`,
      query: { phone_number_id: options.phoneNumberId },
      ...auth(call),
      schema: mediaUrlResponseSchema,
    });
    const d = res.data;
    return withData(res, {
      id: d.id,
      url: d.url,
      mimeType: d.mime_type,
      ...(d.sha256 !== undefined ? { sha256: d.sha256 } : {}),
      ...(d.file_size !== undefined ? { fileSize: d.file_size } : {}),
    });
  }

  // ---- tokens -------------------------------------------------------------

  /**
   * Inspects `inputToken` with an app (or app developer) token. Meta only
   * takes the inspected token as the `input_token` query parameter; it is
   * the subject of the call, and is redacted like a credential everywhere.
   */
  async debugToken(
    inputToken: string,
    appToken: string,
    control: GraphCallControl = {},
  ): Promise<GraphResponse<DebugTokenData>> {
    const res = await this.request({
      operation: 'debugToken',
      kind: 'management',
      method: 'GET',
      path: '/debug_token',
      query: { input_token: inputToken },
      bearer: requireToken(appToken),
      secrets: [inputToken, appToken],
      control,
      schema: debugTokenResponseSchema,
    });
    const d = res.data.data;
    return withData(res, {
      isValid: d.is_valid,
      ...(d.app_id !== undefined ? { appId: d.app_id } : {}),
      ...(d.type !== undefined ? { type: d.type } : {}),
      ...(d.application !== undefined ? { application: d.application } : {}),
      expiresAt: unixOrNull(d.expires_at),
      dataAccessExpiresAt: unixOrNull(d.data_access_expires_at),
      ...(d.issued_at ? { issuedAt: new Date(d.issued_at * 1000) } : {}),
      scopes: d.scopes ?? [],
      granularScopes: (d.granular_scopes ?? []).map((g) => ({ scope: g.scope, targetIds: g.target_ids ?? [] })),
      ...(d.user_id !== undefined ? { userId: d.user_id } : {}),
      ...(d.error !== undefined ? { error: d.error } : {}),
    });
  }

  /**
   * `fb_exchange_token` refresh (reference §8). Meta documents only the GET
   * form with the app secret and current token as query parameters, so they
   * travel in the (TLS-protected) URL; the client never logs, traces or
   * reports URLs, and strips both from every error.
   */
  async exchangeToken(
    request: TokenExchangeRequest,
    control: GraphCallControl = {},
  ): Promise<GraphResponse<ExchangedToken>> {
    const res = await this.request({
      operation: 'exchangeToken',
      kind: 'management',
      method: 'GET',
      path: '/oauth/access_token',
      query: {
        grant_type: 'fb_exchange_token',
        client_id: request.appId,
        client_secret: request.appSecret,
        fb_exchange_token: requireToken(request.accessToken),
        set_token_expires_in_60_days: request.setTokenExpiresIn60Days ? 'true' : undefined,
      },
      secrets: [request.appSecret, request.accessToken],
      control,
      schema: exchangeTokenResponseSchema,
    });
    const d = res.data;
    return withData(res, {
      accessToken: d.access_token,
      ...(d.token_type !== undefined ? { tokenType: d.token_type } : {}),
      ...(d.expires_in !== undefined ? { expiresInSeconds: d.expires_in } : {}),
    });
  }

  // ---- WABA management ----------------------------------------------------

  async listPhoneNumbers(wabaId: string, call: GraphCallOptions): Promise<GraphResponse<PhoneNumber[]>> {
    const res = await this.paged('listPhoneNumbers', `/${id(wabaId)}/phone_numbers`, { fields: PHONE_NUMBER_FIELDS.join(',') }, phoneNumberSchema, call);
    return withData(
      res,
      res.data.map((p) => ({
        id: p.id,
        ...(p.display_phone_number !== undefined ? { displayPhoneNumber: p.display_phone_number } : {}),
        ...(p.verified_name !== undefined ? { verifiedName: p.verified_name } : {}),
        ...(p.quality_rating !== undefined ? { qualityRating: p.quality_rating } : {}),
        ...(p.throughput?.level !== undefined ? { throughputLevel: p.throughput.level } : {}),
        ...((p.whatsapp_business_manager_messaging_limit ?? p.messaging_limit_tier) !== undefined
          ? { messagingLimit: p.whatsapp_business_manager_messaging_limit ?? p.messaging_limit_tier }
          : {}),
        ...(p.status !== undefined ? { status: p.status } : {}),
        ...(p.name_status !== undefined ? { nameStatus: p.name_status } : {}),
        ...(p.code_verification_status !== undefined ? { codeVerificationStatus: p.code_verification_status } : {}),
      })),
    );
  }

  /** Sets the two-step PIN and registers the number with Cloud API (the fix for 133010). */
  async registerPhoneNumber(
    phoneNumberId: string,
    pin: string,
    call: GraphCallOptions,
    options: { dataLocalizationRegion?: string } = {},
  ): Promise<GraphResponse<SuccessResult>> {
    return this.request({
      operation: 'registerPhoneNumber',
      kind: 'management',
      method: 'POST',
      path: `/${id(phoneNumberId)}/register`,
      json: {
        messaging_product: 'whatsapp',
        pin,
        ...(options.dataLocalizationRegion ? { data_localization_region: options.dataLocalizationRegion } : {}),
      },
      ...auth(call, [pin]),
      schema: successResponseSchema,
    });
  }

  async getSubscribedApps(wabaId: string, call: GraphCallOptions): Promise<GraphResponse<SubscribedApp[]>> {
    const res = await this.request({
      operation: 'getSubscribedApps',
      kind: 'management',
      method: 'GET',
      path: `/${id(wabaId)}/subscribed_apps`,
      ...auth(call),
      schema: subscribedAppsResponseSchema,
    });
    return withData(
      res,
      res.data.data.map((a) => ({
        ...(a.whatsapp_business_api_data?.id !== undefined ? { id: a.whatsapp_business_api_data.id } : {}),
        ...(a.whatsapp_business_api_data?.name !== undefined ? { name: a.whatsapp_business_api_data.name } : {}),
        ...(a.whatsapp_business_api_data?.link !== undefined ? { link: a.whatsapp_business_api_data.link } : {}),
        ...(a.override_callback_uri !== undefined ? { overrideCallbackUri: a.override_callback_uri } : {}),
      })),
    );
  }

  /** Subscribes the token's app to the WABA's webhooks (the fix for webhooks that never arrive). */
  async subscribeApp(
    wabaId: string,
    call: GraphCallOptions,
    options: { overrideCallbackUri?: string; verifyToken?: string } = {},
  ): Promise<GraphResponse<SuccessResult>> {
    const override =
      options.overrideCallbackUri !== undefined
        ? { override_callback_uri: options.overrideCallbackUri, verify_token: options.verifyToken }
        : undefined;
    return this.request({
      operation: 'subscribeApp',
      kind: 'management',
      method: 'POST',
      path: `/${id(wabaId)}/subscribed_apps`,
      ...(override ? { json: override } : {}),
      ...auth(call, [options.verifyToken]),
      schema: successResponseSchema,
    });
  }

  // ---- templates ----------------------------------------------------------

  /** Every template of the WABA, following Graph's cursor paging to the end. */
  async listTemplates(
    wabaId: string,
    call: GraphCallOptions,
    query: ListTemplatesQuery = {},
  ): Promise<GraphResponse<MessageTemplate[]>> {
    const res = await this.paged(
      'listTemplates',
      `/${id(wabaId)}/message_templates`,
      {
        fields: (query.fields ?? TEMPLATE_FIELDS).join(','),
        limit: query.limit,
        status: query.status,
        name: query.name,
        category: query.category,
        language: query.language,
      },
      templateSchema,
      call,
    );
    return withData(
      res,
      res.data.map((t) => {
        const quality = typeof t.quality_score === 'string' ? t.quality_score : t.quality_score?.score;
        return {
          id: t.id,
          name: t.name,
          ...(t.language !== undefined ? { language: t.language } : {}),
          ...(t.status !== undefined ? { status: t.status } : {}),
          ...(t.category !== undefined ? { category: t.category } : {}),
          ...(t.parameter_format !== undefined ? { parameterFormat: t.parameter_format } : {}),
          components: t.components ?? [],
          ...(quality !== undefined ? { qualityScore: quality } : {}),
          ...(t.rejected_reason !== undefined ? { rejectedReason: t.rejected_reason } : {}),
        };
      }),
    );
  }

  async createTemplate(
    wabaId: string,
    template: NewTemplate,
    call: GraphCallOptions,
  ): Promise<GraphResponse<CreatedTemplate>> {
    return this.request({
      operation: 'createTemplate',
      kind: 'management',
      method: 'POST',
      path: `/${id(wabaId)}/message_templates`,
      json: template,
      ...auth(call),
      schema: createTemplateResponseSchema,
    });
  }

  /** By name deletes every language of the template; with `hsmId` only that one. */
  async deleteTemplate(
    wabaId: string,
    template: { name: string; hsmId?: string },
    call: GraphCallOptions,
  ): Promise<GraphResponse<SuccessResult>> {
    return this.request({
      operation: 'deleteTemplate',
      kind: 'management',
      method: 'DELETE',
      path: `/${id(wabaId)}/message_templates`,
      query: { name: template.name, hsm_id: template.hsmId },
      ...auth(call),
      schema: successResponseSchema,
    });
  }

  // ---- plumbing -----------------------------------------------------------

  private async paged<S extends z.ZodType>(
    operation: string,
    path: string,
    query: Query,
    item: S,
    call: GraphCallOptions,
  ): Promise<GraphResponse<z.output<S>[]>> {
    const schema = pageSchema(item);
    const all: z.output<S>[] = [];
    const started = this.options.now();
    const seen = new Set<string>();
    let after: string | undefined;
    let last: GraphResponse<z.output<typeof schema>> | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      last = await this.request({
        operation,
        kind: 'management',
        method: 'GET',
        path,
        query: { ...query, after },
        ...auth(call),
        schema,
      });
      all.push(...(last.data.data as z.output<S>[]));
      // Graph omits `next` on the last page even when cursors are present.
      const paging = last.data.paging;
      after = paging?.next ? (paging.cursors?.after ?? afterFromNext(paging.next)) : undefined;
      if (after === undefined || seen.has(after)) break;
      seen.add(after);
    }
    if (!last) throw new Error('unreachable: at least one page is always requested');
    return {
      data: all,
      httpStatus: last.httpStatus,
      ...(last.usage ? { usage: last.usage } : {}),
      durationMs: this.options.now() - started,
    };
  }

  private async request<S extends z.ZodType>(spec: CallSpec<S>): Promise<GraphResponse<z.output<S>>> {
    const { now } = this.options;
    const started = now();
    let response: RawGraphResponse;
    try {
      if (spec.control.signal?.aborted) throw new GraphCallCancelled('caller');
      response = await dispatchGraphCall(
        this.dispatcher,
        {
          origin: this.options.origin,
          path: this.url(spec),
          method: spec.method,
          headers: this.headers(spec),
          body: this.body(spec),
        },
        spec.control.timeoutMs ?? this.options.timeoutsMs[spec.kind],
        spec.control.signal,
      );
    } catch (error) {
      return this.transportFailure(spec, started, toTransportFailure(error));
    }

    const { statusCode, headers } = response;
    const receivedAt = now();
    const date = headers['date'];
    this.clock.record(Array.isArray(date) ? date[0] : date, started, receivedAt);
    const appUsage = headers[APP_USAGE_HEADER];
    const bucUsage = headers[BUSINESS_USE_CASE_USAGE_HEADER];
    const usage =
      appUsage === undefined && bucUsage === undefined ? undefined : parseUsageHeaders(appUsage, bucUsage, receivedAt);
    if (usage) this.latest = usage;

    const body = parseJson(response.body);
    if (statusCode < 200 || statusCode >= 300) {
      if (isRecord(body) && isRecord(body['error'])) {
        const classification = classify(body as { error: Record<string, unknown> }, { redact: spec.secrets });
        return this.fail(spec, started, classification, { httpStatus: statusCode }, retryAfterOf(classification, usage, headers['retry-after'], receivedAt));
      }
      return this.transportFailure(spec, started, { type: 'transport', reason: 'http_error', httpStatus: statusCode });
    }
    const parsed = body === undefined ? undefined : spec.schema.safeParse(body);
    if (!parsed?.success) {
      return this.transportFailure(spec, started, {
        type: 'transport',
        reason: 'invalid_response',
        httpStatus: statusCode,
        detail: 'unexpected_body',
      });
    }
    const durationMs = receivedAt - started;
    if (this.options.onCall) this.emit(spec, durationMs, statusCode, undefined, usage);
    return { data: parsed.data as z.output<S>, httpStatus: statusCode, ...(usage ? { usage } : {}), durationMs };
  }

  private transportFailure(spec: CallSpec<z.ZodType>, started: number, failure: TransportFailure): never {
    return this.fail(spec, started, classify(failure), {
      ...(failure.httpStatus !== undefined ? { httpStatus: failure.httpStatus } : {}),
      ...(failure.detail ? { transportDetail: failure.detail } : {}),
    });
  }

  private fail(
    spec: CallSpec<z.ZodType>,
    started: number,
    classification: Classification,
    extra: LogSafeMetadata,
    retryAfterMs?: number,
  ): never {
    const durationMs = this.options.now() - started;
    const error = SwitchboardError.fromClassification(classification, {
      redact: spec.secrets,
      metadata: {
        operation: spec.operation,
        callKind: spec.kind,
        graphVersion: this.options.version,
        ...extra,
        durationMs,
      },
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
    const httpStatus = extra['httpStatus'];
    this.emit(spec, durationMs, typeof httpStatus === 'number' ? httpStatus : undefined, error);
    throw error;
  }

  private url(spec: CallSpec<z.ZodType>): string {
    const path = `/${this.options.version}${spec.path}`;
    if (!spec.query) return path;
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(spec.query)) {
      if (value !== undefined) params.set(key, String(value));
    }
    const qs = params.toString();
    return qs ? `${path}?${qs}` : path;
  }

  private headers(spec: CallSpec<z.ZodType>): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (spec.bearer !== undefined) headers['authorization'] = `Bearer ${spec.bearer}`;
    if (spec.json !== undefined) headers['content-type'] = 'application/json';
    return headers;
  }

  private body(spec: CallSpec<z.ZodType>): string | FormData | undefined {
    if (spec.json !== undefined) return JSON.stringify(spec.json);
    return spec.form;
  }

  private emit(
    spec: CallSpec<z.ZodType>,
    durationMs: number,
    httpStatus: number | undefined,
    error?: SwitchboardError,
    usage?: UsageSnapshot,
  ): void {
    const onCall = this.options.onCall;
    if (!onCall) return;
    try {
      onCall({
        operation: spec.operation,
        kind: spec.kind,
        durationMs,
        ...(httpStatus !== undefined ? { httpStatus } : {}),
        ...(error ? { errorCode: error.code } : {}),
        ...(error?.meta ? { metaCode: error.meta.code } : {}),
        ...(usage ? { usageMaxPercentage: usage.maxPercentage } : {}),
      });
    } catch {
      // An observer bug must not turn a successful send into a failed one.
    }
  }
}

function auth(
  call: GraphCallOptions,
  extraSecrets: readonly (string | undefined)[] = [],
): Pick<CallSpec<z.ZodType>, 'bearer' | 'secrets' | 'control'> {
  return {
    bearer: requireToken(call.accessToken),
    secrets: [call.accessToken, ...extraSecrets],
    control: { ...(call.signal ? { signal: call.signal } : {}), ...(call.timeoutMs !== undefined ? { timeoutMs: call.timeoutMs } : {}) },
  };
}

function requireToken(token: string): string {
  if (typeof token !== 'string' || token.trim() === '') {
    throw new SwitchboardError({
      code: 'token_invalid',
      message: 'No access token was given for this Graph call.',
      metadata: { reason: 'missing_token' },
    });
  }
  return token;
}

// Ids go into the path; encoding keeps a hostile id from reaching another edge.
function id(value: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new SwitchboardError({
      code: 'validation_failed',
      message: 'A Graph object id is empty.',
      details: [{ path: 'id', issue: 'must be a non-empty string' }],
    });
  }
  return encodeURIComponent(value);
}

function withData<T, U>(res: GraphResponse<T>, data: U): GraphResponse<U> {
  return { data, httpStatus: res.httpStatus, ...(res.usage ? { usage: res.usage } : {}), durationMs: res.durationMs };
}

function unixOrNull(seconds: number | undefined): Date | null {
  return seconds ? new Date(seconds * 1000) : null;
}

function afterFromNext(next: string): string | undefined {
  try {
    return new URL(next).searchParams.get('after') ?? undefined;
  } catch {
    return undefined;
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Throttling answers say how long to stay away: the use-case header's
 * estimated_time_to_regain_access, or a Retry-After. The longer one wins.
 */
function retryAfterOf(
  classification: Classification,
  usage: UsageSnapshot | undefined,
  retryAfterHeader: string | string[] | undefined,
  now: number,
): number | undefined {
  if (!classification.retryable && classification.retry.kind !== 'delay') return undefined;
  const candidates: number[] = [];
  if (usage && usage.estimatedTimeToRegainAccessMs > 0) candidates.push(usage.estimatedTimeToRegainAccessMs);
  const header = Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader;
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) candidates.push(seconds * 1000);
    else {
      const at = Date.parse(header);
      if (!Number.isNaN(at) && at > now) candidates.push(at - now);
    }
  }
  if (classification.retry.kind === 'delay') candidates.push(classification.retry.minDelayMs);
  return candidates.length ? Math.max(...candidates) : undefined;
}
