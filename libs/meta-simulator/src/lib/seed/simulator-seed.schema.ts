import { z } from 'zod';

/** Graph object ids are decimal strings; keeping that shape catches seeds that mix up ids and names. */
const graphId = z.string().regex(/^\d{1,20}$/, 'expected a numeric Graph id such as "1000000000000001"');

const httpUrl = z.string().refine((value) => {
  try {
    return ['http:', 'https:'].includes(new URL(value.replaceAll('{appId}', '0')).protocol);
  } catch {
    return false;
  }
}, 'expected an http(s):// URL (it may contain {appId})');

export const WHATSAPP_MESSAGING_SCOPE = 'whatsapp_business_messaging';
export const WHATSAPP_MANAGEMENT_SCOPE = 'whatsapp_business_management';

export const qualityRatings = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN', 'NA'] as const;
export const throughputLevels = ['STANDARD', 'HIGH', 'NOT_APPLICABLE'] as const;
export const messagingLimitTiers = ['TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED'] as const;
export const templateCategories = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export const templateStatuses = [
  'APPROVED',
  'PENDING',
  'REJECTED',
  'PAUSED',
  'DISABLED',
  'IN_APPEAL',
  'PENDING_DELETION',
  'DELETED',
  'ARCHIVED',
  'LIMIT_EXCEEDED',
] as const;

export const appSeedSchema = z.object({
  id: graphId,
  name: z.string().min(1).default('Switchboard Sandbox'),
  secret: z.string().min(8),
  verifyToken: z.string().min(1),
  /** Overrides the simulator-wide webhook URL for this app. */
  webhookUrl: httpUrl.optional(),
});

export const tokenSeedSchema = z.object({
  token: z.string().min(8),
  appId: graphId,
  type: z.enum(['SYSTEM_USER', 'USER', 'PAGE', 'APP']).default('SYSTEM_USER'),
  userId: graphId.default('1000000000000101'),
  scopes: z.array(z.string().min(1)),
  /** The WABAs the WhatsApp scopes apply to: debug_token's granular_scopes target_ids. */
  wabaIds: z.array(graphId),
  /** Unix seconds; defaults to the simulator's start. */
  issuedAt: z.number().int().min(0).optional(),
  /** Unix seconds; 0 = never expires (Meta's convention for permanent system-user tokens). */
  expiresAt: z.number().int().min(0).default(0),
  dataAccessExpiresAt: z.number().int().min(0).default(0),
});

export const wabaSeedSchema = z.object({
  id: graphId,
  name: z.string().min(1),
  currency: z.string().default('USD'),
  timezoneId: z.string().default('1'),
  /** Apps subscribed to the WABA's webhooks. Omitted: every app of the seed. */
  subscribedAppIds: z.array(graphId).optional(),
});

export const phoneNumberSeedSchema = z.object({
  id: graphId,
  wabaId: graphId,
  /** As Meta shows it in `phone_numbers`, e.g. "+1 555-010-0001"; webhooks carry its digits. */
  displayPhoneNumber: z.string().min(4),
  verifiedName: z.string().min(1),
  qualityRating: z.enum(qualityRatings).default('GREEN'),
  status: z.string().default('CONNECTED'),
  nameStatus: z.string().default('APPROVED'),
  codeVerificationStatus: z.string().default('VERIFIED'),
  platformType: z.string().default('CLOUD_API'),
  throughputLevel: z.enum(throughputLevels).default('STANDARD'),
  messagingLimit: z.enum(messagingLimitTiers).default('TIER_2K'),
  /** Messages per second this number may send; Meta's default is 80. */
  mps: z.number().int().positive().optional(),
  /** The two-step verification PIN; unset means the first register call sets it. */
  pin: z.string().regex(/^\d{6}$/).optional(),
  /** Unregistered numbers answer sends with 133010 until `POST /register`. */
  registered: z.boolean().default(true),
});

const templateComponentSchema = z.looseObject({
  type: z.enum(['HEADER', 'BODY', 'FOOTER', 'BUTTONS']),
});

export const templateSeedSchema = z.object({
  id: graphId.optional(),
  wabaId: graphId,
  name: z.string().regex(/^[a-z0-9_]{1,512}$/),
  language: z.string().min(2),
  category: z.enum(templateCategories),
  status: z.enum(templateStatuses).default('APPROVED'),
  parameterFormat: z.enum(['POSITIONAL', 'NAMED']).default('POSITIONAL'),
  components: z.array(templateComponentSchema).min(1),
  qualityScore: z.enum(['GREEN', 'YELLOW', 'RED', 'UNKNOWN']).default('UNKNOWN'),
  rejectedReason: z.string().default('NONE'),
});

const statusDelaysSchema = z.object({
  sent: z.number().int().min(0).default(50),
  delivered: z.number().int().min(0).default(100),
  read: z.number().int().min(0).default(200),
});

export const simulationSettingsSchema = z.object({
  /** Where status, inbound and account webhooks go; `{appId}` is replaced per app. */
  webhookUrl: httpUrl.optional(),
  /** Delay after acceptance of each status webhook. */
  statusDelaysMs: statusDelaysSchema.prefault({}),
  /** Due statuses are batched and posted at this interval (Meta batches too). */
  flushIntervalMs: z.number().int().min(1).default(25),
  /** Meta's documented ceiling is 1,000 updates per POST. */
  maxStatusesPerWebhook: z.number().int().min(1).max(1000).default(100),
  /** Share of accepted messages that fail asynchronously, per error code, e.g. {"131026": 0.02}. */
  failureRates: z.record(z.string().regex(/^\d+$/), z.number().min(0).max(1)).default({}),
  /** Recipients (wa_id digits) whose messages always fail asynchronously with this code. */
  failRecipients: z.record(z.string().regex(/^\d+$/), z.number().int()).default({}),
  /** Share of delivered messages that are also read. */
  readRate: z.number().min(0).max(1).default(1),
  /** Create template calls become APPROVED after templateReviewDelayMs (with a status webhook). */
  autoApproveTemplates: z.boolean().default(false),
  templateReviewDelayMs: z.number().int().min(0).default(100),
  /** Per-number throughput used when a number has no `mps`. */
  defaultMps: z.number().int().positive().default(80),
  /** Pair rate as a token bucket: `burst` messages at once, one more every `refillIntervalMs`. */
  pairRate: z
    .object({
      burst: z.number().int().min(1).default(45),
      refillIntervalMs: z.number().int().min(1).default(6000),
    })
    .prefault({}),
  /** Customer service window length. */
  windowMs: z.number().int().min(1).default(24 * 60 * 60 * 1000),
  /** Failed webhook deliveries are retried (Meta: for days); here a few quick attempts. */
  webhookRetry: z
    .object({
      maxAttempts: z.number().int().min(1).max(20).default(3),
      baseDelayMs: z.number().int().min(0).default(500),
    })
    .prefault({}),
  /** Timeout of one webhook POST. */
  webhookTimeoutMs: z.number().int().min(1).default(5000),
  /** How many requests and webhook deliveries the control API remembers. */
  recordLimit: z.number().int().min(0).default(5000),
  /** Seed of the PRNG behind failure rates and generated ids. */
  randomSeed: z.number().int().default(1),
});

export const simulatorSeedSchema = z
  .object({
    apps: z.array(appSeedSchema).min(1),
    tokens: z.array(tokenSeedSchema).default([]),
    wabas: z.array(wabaSeedSchema).min(1),
    phoneNumbers: z.array(phoneNumberSeedSchema).default([]),
    templates: z.array(templateSeedSchema).default([]),
    simulation: simulationSettingsSchema.prefault({}),
  })
  .superRefine((seed, ctx) => {
    const appIds = new Set(seed.apps.map((app) => app.id));
    const wabaIds = new Set(seed.wabas.map((waba) => waba.id));
    const unique = (ids: string[], path: string) => {
      const seen = new Set<string>();
      for (const id of ids) {
        if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [path], message: `duplicate id ${id}` });
        seen.add(id);
      }
    };
    unique(seed.apps.map((app) => app.id), 'apps');
    unique(seed.wabas.map((waba) => waba.id), 'wabas');
    unique(seed.phoneNumbers.map((phone) => phone.id), 'phoneNumbers');
    unique(seed.tokens.map((token) => token.token), 'tokens');
    seed.tokens.forEach((token, index) => {
      if (!appIds.has(token.appId)) {
        ctx.addIssue({ code: 'custom', path: ['tokens', index, 'appId'], message: 'unknown app' });
      }
      token.wabaIds.forEach((wabaId, wabaIndex) => {
        if (!wabaIds.has(wabaId)) {
          ctx.addIssue({ code: 'custom', path: ['tokens', index, 'wabaIds', wabaIndex], message: 'unknown WABA' });
        }
      });
    });
    seed.wabas.forEach((waba, index) => {
      waba.subscribedAppIds?.forEach((appId, appIndex) => {
        if (!appIds.has(appId)) {
          ctx.addIssue({ code: 'custom', path: ['wabas', index, 'subscribedAppIds', appIndex], message: 'unknown app' });
        }
      });
    });
    seed.phoneNumbers.forEach((phone, index) => {
      if (!wabaIds.has(phone.wabaId)) {
        ctx.addIssue({ code: 'custom', path: ['phoneNumbers', index, 'wabaId'], message: 'unknown WABA' });
      }
    });
    const templateKeys = new Set<string>();
    seed.templates.forEach((template, index) => {
      if (!wabaIds.has(template.wabaId)) {
        ctx.addIssue({ code: 'custom', path: ['templates', index, 'wabaId'], message: 'unknown WABA' });
      }
      const key = `${template.wabaId}/${template.name}/${template.language}`;
      if (templateKeys.has(key)) {
        ctx.addIssue({ code: 'custom', path: ['templates', index], message: `duplicate template ${key}` });
      }
      templateKeys.add(key);
    });
  });

/** What callers write (defaults optional). */
export type SimulatorSeed = z.input<typeof simulatorSeedSchema>;
/** What the simulator works with (defaults applied). */
export type ParsedSimulatorSeed = z.output<typeof simulatorSeedSchema>;
export type SimulationSettings = z.output<typeof simulationSettingsSchema>;
export type SimulationSettingsInput = z.input<typeof simulationSettingsSchema>;
export type AppSeed = z.output<typeof appSeedSchema>;
export type TokenSeed = z.output<typeof tokenSeedSchema>;
export type TokenSeedInput = z.input<typeof tokenSeedSchema>;
export type WabaSeed = z.output<typeof wabaSeedSchema>;
export type PhoneNumberSeed = z.output<typeof phoneNumberSeedSchema>;
export type TemplateSeed = z.output<typeof templateSeedSchema>;
export type TemplateStatus = (typeof templateStatuses)[number];
export type TemplateCategory = (typeof templateCategories)[number];
export type QualityRating = (typeof qualityRatings)[number];
export type ThroughputLevel = (typeof throughputLevels)[number];
export type MessagingLimitTier = (typeof messagingLimitTiers)[number];

/** Parses a seed, throwing a zod error that names every bad path. */
export function parseSimulatorSeed(input: unknown): ParsedSimulatorSeed {
  return simulatorSeedSchema.parse(input);
}
