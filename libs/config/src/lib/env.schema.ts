import { z } from 'zod';
import { parseRedisUrl } from './redis-url';

const port = z.coerce.number().int().min(0).max(65535);

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'expected a postgres:// or postgresql:// URL');

const redisUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      parseRedisUrl(value);
      return true;
    } catch {
      return false;
    }
  }, 'expected a redis://, rediss://, redis-cluster://host:port,host:port,... or rediss-cluster:// URL');

const httpUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'expected an http(s):// URL');

const bool = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

/** Process-wide settings every app shares. */
export const coreEnvSchema = z.object({
  /**
   * Unset means production: a deployment that forgets it gets the safe behaviour (no
   * generated keys, no embedded Postgres, no private event targets, no GraphQL
   * introspection or stack traces). The sandbox and the tests set development themselves.
   */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where development-only state lives (embedded Postgres, generated keys). */
  DATA_DIR: z.string().default('.data'),
  /** How long a stopping process waits for in-flight work before it exits anyway. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(8000),
});

export const httpEnvSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  /**
   * Gateway processes serving PORT together (node:cluster), each with its own pools, sharing
   * only Postgres and Redis; `auto`: one per CPU core.
   */
  GATEWAY_PROCESSES: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(64)]).default(1),
});

export const workerHttpEnvSchema = z.object({
  WORKER_PORT: port.default(3001),
  HOST: z.string().min(1).default('127.0.0.1'),
});

export const databaseEnvSchema = z.object({
  /** Unset: the embedded Postgres (PGlite) under DATA_DIR, for development only. */
  DATABASE_URL: postgresUrl.optional(),
  EMBEDDED_POSTGRES_PORT: port.default(54329),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  MIGRATE_ON_START: bool.default(true),
});

export const redisEnvSchema = z.object({
  /**
   * One server: `redis://[user:password@]host:port[/db]` (`rediss://` for TLS). A Redis Cluster:
   * `redis-cluster://[user:password@]host:port,host:port,...` (`rediss-cluster://` for TLS), seed
   * nodes from which the client finds the others; database 0 only. See docs/scaling.md.
   */
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  /** Prefix of every queue key; lets several deployments or test runs share one Redis. In a cluster the queue keys carry it as a hash tag (`{sb}`). */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]+$/, 'letters, digits, ":", "_" and "-" only')
    .default('sb'),
  /** How long a process keeps a rarely changing row (WABA, numbers, templates, connections) while it hears invalidations; a backstop only. */
  CACHE_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  /** How long it keeps one while it cannot hear them (Redis down, resubscribing): changes may go unheard meanwhile. */
  CACHE_UNSUBSCRIBED_TTL_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
});

/** The send worker (libs/messaging send/): see docs/decisions.md, "Send worker". */
export const sendEnvSchema = z.object({
  SEND_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(50),
  /** A call whose outcome is unknown (timeout, crash) waits this long for its status webhook before a resend. */
  SEND_RECONCILE_WINDOW_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** How often held sends of a WABA whose token Meta refused look at the token again. */
  SEND_PAUSE_RECHECK_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  SEND_CIRCUIT_FAILURE_THRESHOLD: z.coerce.number().int().min(1).max(1000).default(5),
  SEND_CIRCUIT_WINDOW_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  SEND_CIRCUIT_OPEN_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** Whether the media preflight may reach loopback, private, link-local and other non-public addresses; unset: allowed except with NODE_ENV=production. */
  MEDIA_PREFLIGHT_ALLOW_PRIVATE: bool.optional(),
});

/** Alerts raised by the worker: an operator sink and the failure-rate rule. */
export const alertEnvSchema = z.object({
  /** Slack-compatible incoming webhook that receives every alert; unset: log, metric and tenant event only. */
  ALERT_WEBHOOK_URL: httpUrl.optional(),
  /** Failed share of a phone number's sends (0-1) over ALERT_FAILURE_WINDOW_MS that raises an alert. */
  ALERT_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0.02),
  ALERT_FAILURE_WINDOW_MS: z.coerce.number().int().min(60_000).max(24 * 3_600_000).default(15 * 60_000),
});

/** Per tenant environment API request budget, shared by every gateway through Redis. */
export const tenantQuotaEnvSchema = z.object({
  /** Requests per window for one tenant environment; 0 turns the quota off. */
  TENANT_RATE_LIMIT_REQUESTS: z.coerce.number().int().min(0).max(1_000_000).default(2000),
  TENANT_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(1),
});

/** Tenant event endpoints (libs/tenant-events): the gateway refuses private URLs at registration, the worker at delivery. */
export const tenantEventsEnvSchema = z.object({
  /** Whether endpoints may target loopback, private, link-local and other non-public addresses; unset: allowed except with NODE_ENV=production. */
  EVENT_ENDPOINTS_ALLOW_PRIVATE: bool.optional(),
  /** Endpoints one tenant environment may register (each event is copied to every one). */
  EVENT_ENDPOINTS_MAX_PER_ENVIRONMENT: z.coerce.number().int().min(1).max(1000).default(10),
  /** Days delivered and dead deliveries are kept (dead ones stay replayable that long). */
  EVENT_DELIVERY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
});

/** POST /graphql and its subscriptions. Introspection and the sandbox UI default to development only. */
export const graphqlEnvSchema = z.object({
  GRAPHQL_INTROSPECTION: bool.optional(),
  GRAPHQL_SANDBOX: bool.optional(),
  /** Deepest selection an operation may have (fields nested in fields). */
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(50).default(10),
  /** Cost ceiling of one operation: each field costs 1, a list field costs its page size times its selection. */
  GRAPHQL_MAX_COMPLEXITY: z.coerce.number().int().min(10).max(1_000_000).default(2000),
  /** Aliases one operation may use (fragments counted where spread); checked before validation. */
  GRAPHQL_MAX_ALIASES: z.coerce.number().int().min(1).max(10_000).default(30),
  /** Lexical tokens one document may have; parsing stops past it. */
  GRAPHQL_MAX_TOKENS: z.coerce.number().int().min(100).max(1_000_000).default(2000),
  /** Largest graphql-ws frame accepted before authentication; a bigger one closes the socket (1009). */
  GRAPHQL_WS_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(1024).max(16 * 1024 * 1024).default(64 * 1024),
  /** Live subscriptions one API key may hold on one gateway instance, across its connections. */
  GRAPHQL_MAX_SUBSCRIPTIONS_PER_KEY: z.coerce.number().int().min(1).max(10_000).default(20),
});

/** Channels besides WhatsApp: where vendors reach the gateway, and plugins loaded from npm packages. */
export const channelsEnvSchema = z.object({
  /**
   * The gateway's origin as vendors reach it (scheme, host, port, no path): status callbacks of
   * channels that take one per send (SMS) point there, and signatures over the full URL check against it.
   */
  PUBLIC_BASE_URL: httpUrl.default('http://127.0.0.1:3000'),
  /** Comma-separated npm packages whose default export is a channel plugin (or a factory of one), loaded besides the built-in channels. */
  CHANNEL_PLUGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name.length > 0),
    ),
});

export const graphEnvSchema = z.object({
  GRAPH_API_BASE_URL: httpUrl.default('https://graph.facebook.com'),
  GRAPH_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'expected a version such as v24.0')
    .default('v24.0'),
});

/**
 * Base64 (standard or url-safe, padding optional) of exactly 32 bytes: an AES-256 key.
 * The message never echoes the value, which is a secret.
 */
const base64Key32 = z
  .string()
  .trim()
  .refine((value) => /^[A-Za-z0-9+/_-]{43}=?$/.test(value) && Buffer.from(value, 'base64').length === 32, {
    message: 'expected base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`)',
  });

export const vaultEnvSchema = z.object({
  /**
   * Wraps every stored secret. Required when NODE_ENV=production (enforced where the key
   * ring is resolved, which knows NODE_ENV); unset in development: generated once under DATA_DIR.
   */
  VAULT_MASTER_KEY: base64Key32.optional(),
  /** Comma-separated retired master keys, only for reading secrets until `vault:rotate` re-wraps them. */
  VAULT_PREVIOUS_MASTER_KEYS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry.length > 0),
    )
    .refine((keys) => keys.every((key) => base64Key32.safeParse(key).success), {
      message: 'expected comma-separated base64 keys of exactly 32 bytes each',
    })
    .default([]),
  /** How long a decrypted secret may stay in one process's memory. 0 disables the cache. */
  VAULT_CACHE_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
});

export const telemetryEnvSchema = z.object({
  OTEL_SERVICE_NAME: z.string().optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
  OTEL_TRACES_EXPORTER: z.string().optional(),
  OTEL_SDK_DISABLED: bool.optional(),
});

export const simulatorEnvSchema = z.object({
  SIMULATOR_PORT: port.default(4010),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** JSON seed: apps, tokens, WABAs, numbers, templates. Unset: a built-in demo seed. */
  SIMULATOR_SEED_FILE: z.string().optional(),
  /** Where the simulator posts signed webhooks (the gateway's /webhooks/whatsapp/{appId}). */
  SIMULATOR_WEBHOOK_URL: httpUrl.optional(),
  /** Where the SMS (Twilio) simulator posts inbound messages; status callbacks go to each message's StatusCallback. */
  SMS_INBOUND_URL: httpUrl.optional(),
});

export const tenancyEnvSchema = z.object({
  /** The operator's key for /v1/admin/*. Required in production; generated under DATA_DIR in development. */
  ADMIN_API_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
});

export const testEnvSchema = z.object({
  /** A server the tests may create and drop databases on. */
  TEST_DATABASE_ADMIN_URL: postgresUrl.default('postgres://postgres@127.0.0.1:5432/test'),
  TEST_REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  /** Messages each scenario of the fault suite (apps/e2e/src/faults) accepts: thousands, within a 2-core CI runner's minutes. */
  FAULT_SUITE_MESSAGES: z.coerce.number().int().min(50).max(100_000).default(2000),
});

export const gatewayEnvSchema = coreEnvSchema
  .extend(httpEnvSchema.shape)
  .extend(tenancyEnvSchema.shape)
  .extend(tenantQuotaEnvSchema.shape)
  .extend(graphqlEnvSchema.shape)
  .extend(tenantEventsEnvSchema.shape)
  .extend(databaseEnvSchema.shape)
  .extend(redisEnvSchema.shape)
  .extend(graphEnvSchema.shape)
  .extend(channelsEnvSchema.shape)
  .extend(telemetryEnvSchema.shape)
  .extend(vaultEnvSchema.shape);

export const workerEnvSchema = coreEnvSchema
  .extend(workerHttpEnvSchema.shape)
  .extend(alertEnvSchema.shape)
  .extend(tenantEventsEnvSchema.shape)
  .extend(sendEnvSchema.shape)
  .extend(databaseEnvSchema.shape)
  .extend(redisEnvSchema.shape)
  .extend(graphEnvSchema.shape)
  .extend(channelsEnvSchema.shape)
  .extend(telemetryEnvSchema.shape)
  .extend(vaultEnvSchema.shape);

export const simulatorAppEnvSchema = coreEnvSchema
  .extend(simulatorEnvSchema.shape)
  .extend(graphEnvSchema.pick({ GRAPH_API_VERSION: true }).shape)
  .extend(telemetryEnvSchema.shape);

export type CoreEnv = z.infer<typeof coreEnvSchema>;
export type DatabaseEnv = z.infer<typeof databaseEnvSchema>;
export type RedisEnv = z.infer<typeof redisEnvSchema>;
export type GraphEnv = z.infer<typeof graphEnvSchema>;
export type GraphqlEnv = z.infer<typeof graphqlEnvSchema>;
export type TelemetryEnv = z.infer<typeof telemetryEnvSchema>;
export type VaultEnv = z.infer<typeof vaultEnvSchema>;
export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;
export type WorkerEnv = z.infer<typeof workerEnvSchema>;
export type SimulatorEnv = z.infer<typeof simulatorAppEnvSchema>;
export type TestEnv = z.infer<typeof testEnvSchema>;
