import type {
  AppSeed,
  MessagingLimitTier,
  ParsedSimulatorSeed,
  QualityRating,
  TemplateCategory,
  TemplateStatus,
  ThroughputLevel,
} from '../seed/simulator-seed.schema';

export interface TokenRecord {
  token: string;
  appId: string;
  type: 'SYSTEM_USER' | 'USER' | 'PAGE' | 'APP';
  userId: string;
  scopes: string[];
  wabaIds: string[];
  /** Unix seconds. */
  issuedAt: number;
  /** Unix seconds; 0 = never. */
  expiresAt: number;
  dataAccessExpiresAt: number;
}

export interface WabaRecord {
  id: string;
  name: string;
  currency: string;
  timezoneId: string;
  subscribedAppIds: Set<string>;
}

export interface PhoneNumberRecord {
  id: string;
  wabaId: string;
  displayPhoneNumber: string;
  verifiedName: string;
  qualityRating: QualityRating;
  status: string;
  nameStatus: string;
  codeVerificationStatus: string;
  platformType: string;
  throughputLevel: ThroughputLevel;
  messagingLimit: MessagingLimitTier;
  mps: number;
  pin: string | undefined;
  registered: boolean;
}

export interface TemplateComponent {
  type: string;
  [key: string]: unknown;
}

export interface TemplateRecord {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: TemplateCategory;
  status: TemplateStatus;
  parameterFormat: 'POSITIONAL' | 'NAMED';
  components: TemplateComponent[];
  qualityScore: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
  rejectedReason: string;
}

export interface MediaRecord {
  id: string;
  wabaId: string;
  phoneNumberId: string;
  mimeType: string;
  /** Hex, as `GET /<MEDIA_ID>` shows it. */
  sha256: string;
  fileSize: number;
  filename: string | undefined;
  bytes: Buffer;
  createdAt: number;
}

export type OutboundStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

export interface OutboundMessageRecord {
  id: string;
  phoneNumberId: string;
  wabaId: string;
  to: string;
  type: string;
  templateName: string | undefined;
  templateLanguage: string | undefined;
  /** Pricing category (lowercase as in webhooks). */
  pricingCategory: string;
  /** Whether the message went out inside an open customer service window. */
  insideWindow: boolean;
  bizOpaqueCallbackData: string | undefined;
  /** Sent through Graph v23.0 or older, whose status webhooks still carry `conversation`. */
  legacyConversation: boolean;
  conversationId: string;
  acceptedAt: number;
  body: unknown;
  statuses: { status: OutboundStatus; at: number; errorCode?: number }[];
}

export interface InboundMessageRecord {
  id: string;
  phoneNumberId: string;
  from: string;
  at: number;
  type: string;
}

/** Drops the oldest entries of an insertion-ordered map once it holds twice the limit. */
function trimOldest<V>(map: Map<string, V>, limit: number): void {
  const keep = Math.max(limit, 1000);
  if (map.size <= keep * 2) return;
  let toDrop = map.size - keep;
  for (const key of map.keys()) {
    if (toDrop-- <= 0) break;
    map.delete(key);
  }
}

/** Webhook metadata carries the display number's digits only. */
export function displayDigits(phone: PhoneNumberRecord): string {
  return phone.displayPhoneNumber.replace(/\D/g, '');
}

/**
 * Every piece of Meta-side data the simulator holds, in memory. `reset` rebuilds
 * it from the seed, so tests can share one simulator and start clean.
 */
export class SimulatorState {
  apps = new Map<string, AppSeed>();
  tokens = new Map<string, TokenRecord>();
  wabas = new Map<string, WabaRecord>();
  phoneNumbers = new Map<string, PhoneNumberRecord>();
  /** Insertion order is the listing order. */
  templates = new Map<string, TemplateRecord>();
  media = new Map<string, MediaRecord>();
  outbound = new Map<string, OutboundMessageRecord>();
  inbound = new Map<string, InboundMessageRecord>();
  private counter = 0;

  constructor(
    private readonly seed: ParsedSimulatorSeed,
    private readonly nowMs: () => number,
  ) {
    this.reset();
  }

  reset(): void {
    const seed = this.seed;
    const nowSeconds = Math.floor(this.nowMs() / 1000);
    this.apps = new Map(seed.apps.map((app) => [app.id, { ...app }]));
    this.tokens = new Map(
      seed.tokens.map((token) => [
        token.token,
        {
          token: token.token,
          appId: token.appId,
          type: token.type,
          userId: token.userId,
          scopes: [...token.scopes],
          wabaIds: [...token.wabaIds],
          issuedAt: token.issuedAt ?? nowSeconds,
          expiresAt: token.expiresAt,
          dataAccessExpiresAt: token.dataAccessExpiresAt,
        },
      ]),
    );
    this.wabas = new Map(
      seed.wabas.map((waba) => [
        waba.id,
        {
          id: waba.id,
          name: waba.name,
          currency: waba.currency,
          timezoneId: waba.timezoneId,
          subscribedAppIds: new Set(waba.subscribedAppIds ?? seed.apps.map((app) => app.id)),
        },
      ]),
    );
    this.phoneNumbers = new Map(
      seed.phoneNumbers.map((phone) => [
        phone.id,
        {
          id: phone.id,
          wabaId: phone.wabaId,
          displayPhoneNumber: phone.displayPhoneNumber,
          verifiedName: phone.verifiedName,
          qualityRating: phone.qualityRating,
          status: phone.status,
          nameStatus: phone.nameStatus,
          codeVerificationStatus: phone.codeVerificationStatus,
          platformType: phone.platformType,
          throughputLevel: phone.throughputLevel,
          messagingLimit: phone.messagingLimit,
          mps: phone.mps ?? seed.simulation.defaultMps,
          pin: phone.pin,
          registered: phone.registered,
        },
      ]),
    );
    this.counter = 0;
    this.templates = new Map();
    for (const template of seed.templates) {
      const id = template.id ?? this.nextId('41');
      this.templates.set(id, {
        id,
        wabaId: template.wabaId,
        name: template.name,
        language: template.language,
        category: template.category,
        status: template.status,
        parameterFormat: template.parameterFormat,
        components: structuredClone(template.components) as TemplateComponent[],
        qualityScore: template.qualityScore,
        rejectedReason: template.rejectedReason,
      });
    }
    this.media = new Map();
    this.outbound = new Map();
    this.inbound = new Map();
  }

  /** Numeric ids shaped like Graph ids, unique within this simulator, with a per-kind prefix. */
  nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}${String(this.counter).padStart(14, '0')}`;
  }

  findTemplate(wabaId: string, name: string, language: string): TemplateRecord | undefined {
    for (const template of this.templates.values()) {
      if (template.wabaId === wabaId && template.name === name && template.language === language) return template;
    }
    return undefined;
  }

  /**
   * Outbound messages are kept for status bookkeeping and `/_sim/messages`; the
   * oldest are dropped past a cap so long benchmarks stay flat in memory.
   */
  rememberOutbound(message: OutboundMessageRecord, limit: number): void {
    this.outbound.set(message.id, message);
    trimOldest(this.outbound, limit);
  }

  /** Inbound messages are kept so mark-as-read and reactions can refer to them; same cap. */
  rememberInbound(message: InboundMessageRecord, limit: number): void {
    this.inbound.set(message.id, message);
    trimOldest(this.inbound, limit);
  }
}
