import { z } from 'zod';

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
      return ['redis:', 'rediss:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'expected a redis:// or rediss:// URL');

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
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where development-only state lives (embedded Postgres, generated keys). */
  DATA_DIR: z.string().default('.data'),
  /** How long a stopping process waits for in-flight work before it exits anyway. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(8000),
});

export const httpEnvSchema = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
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
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
  /** Prefix of every queue key; lets several deployments or test runs share one Redis. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]+$/, 'letters, digits, ":", "_" and "-" only')
    .default('sb'),
});

export const graphEnvSchema = z.object({
  GRAPH_API_BASE_URL: httpUrl.default('https://graph.facebook.com'),
  GRAPH_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'expected a version such as v24.0')
    .default('v24.0'),
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
});

export const testEnvSchema = z.object({
  /** A server the tests may create and drop databases on. */
  TEST_DATABASE_ADMIN_URL: postgresUrl.default('postgres://postgres@127.0.0.1:5432/test'),
  TEST_REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
});

export const gatewayEnvSchema = coreEnvSchema
  .extend(httpEnvSchema.shape)
  .extend(databaseEnvSchema.shape)
  .extend(redisEnvSchema.shape)
  .extend(graphEnvSchema.shape)
  .extend(telemetryEnvSchema.shape);

export const workerEnvSchema = coreEnvSchema
  .extend(workerHttpEnvSchema.shape)
  .extend(databaseEnvSchema.shape)
  .extend(redisEnvSchema.shape)
  .extend(graphEnvSchema.shape)
  .extend(telemetryEnvSchema.shape);

export const simulatorAppEnvSchema = coreEnvSchema
  .extend(simulatorEnvSchema.shape)
  .extend(graphEnvSchema.pick({ GRAPH_API_VERSION: true }).shape)
  .extend(telemetryEnvSchema.shape);

export type CoreEnv = z.infer<typeof coreEnvSchema>;
export type DatabaseEnv = z.infer<typeof databaseEnvSchema>;
export type RedisEnv = z.infer<typeof redisEnvSchema>;
export type GraphEnv = z.infer<typeof graphEnvSchema>;
export type TelemetryEnv = z.infer<typeof telemetryEnvSchema>;
export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;
export type WorkerEnv = z.infer<typeof workerEnvSchema>;
export type SimulatorEnv = z.infer<typeof simulatorAppEnvSchema>;
export type TestEnv = z.infer<typeof testEnvSchema>;
