import { ConfigError } from './config-error';
import { gatewayEnvSchema, workerEnvSchema } from './env.schema';
import { loadConfig } from './load-config';

describe('loadConfig', () => {
  it('applies the contract defaults to an empty environment', () => {
    const config = loadConfig(gatewayEnvSchema, {});
    expect(config.PORT).toBe(3000);
    expect(config.HOST).toBe('127.0.0.1');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.GRAPH_API_BASE_URL).toBe('https://graph.facebook.com');
    expect(config.GRAPH_API_VERSION).toMatch(/^v(2[4-9]|[3-9]\d)\.\d+$/);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.MIGRATE_ON_START).toBe(true);
    expect(config.LOG_LEVEL).toBe('info');
    expect(loadConfig(workerEnvSchema, {}).WORKER_PORT).toBe(3001);
  });

  it('runs as production when NODE_ENV is unset, in the gateway and the worker', () => {
    for (const schema of [gatewayEnvSchema, workerEnvSchema]) {
      expect(loadConfig(schema, {}).NODE_ENV).toBe('production');
      expect(loadConfig(schema, { NODE_ENV: '' }).NODE_ENV).toBe('production');
      expect(loadConfig(schema, { NODE_ENV: 'development' }).NODE_ENV).toBe('development');
    }
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig(gatewayEnvSchema, { PORT: '' }).PORT).toBe(3000);
  });

  it('names the bad variable in one line without echoing its value', () => {
    let error: unknown;
    try {
      loadConfig(gatewayEnvSchema, { DATABASE_URL: 'nonsense-secret-value' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.variables).toEqual(['DATABASE_URL']);
    expect(configError.message).toContain('DATABASE_URL');
    expect(configError.message).not.toContain('nonsense-secret-value');
    expect(configError.message.split('\n')).toHaveLength(1);
  });

  it('lists every bad variable', () => {
    expect(() =>
      loadConfig(gatewayEnvSchema, { PORT: 'abc', REDIS_URL: 'http://x', MIGRATE_ON_START: 'maybe' }),
    ).toThrow(
      expect.objectContaining({
        variables: expect.arrayContaining(['PORT', 'REDIS_URL', 'MIGRATE_ON_START']),
        message: expect.not.stringContaining('is required'),
      }),
    );
  });

  it('parses booleans and a pinned Graph version', () => {
    const config = loadConfig(gatewayEnvSchema, { MIGRATE_ON_START: 'false', GRAPH_API_VERSION: 'v25.0' });
    expect(config.MIGRATE_ON_START).toBe(false);
    expect(config.GRAPH_API_VERSION).toBe('v25.0');
    expect(() => loadConfig(gatewayEnvSchema, { GRAPH_API_VERSION: '24' })).toThrow(/GRAPH_API_VERSION/);
  });

  it('leaves EVENT_ENDPOINTS_ALLOW_PRIVATE unset for the app to resolve by NODE_ENV, in the gateway and the worker', () => {
    for (const schema of [gatewayEnvSchema, workerEnvSchema]) {
      expect(loadConfig(schema, {}).EVENT_ENDPOINTS_ALLOW_PRIVATE).toBeUndefined();
      expect(loadConfig(schema, { EVENT_ENDPOINTS_ALLOW_PRIVATE: 'false' }).EVENT_ENDPOINTS_ALLOW_PRIVATE).toBe(false);
      expect(loadConfig(schema, { EVENT_ENDPOINTS_ALLOW_PRIVATE: '1' }).EVENT_ENDPOINTS_ALLOW_PRIVATE).toBe(true);
      expect(() => loadConfig(schema, { EVENT_ENDPOINTS_ALLOW_PRIVATE: 'no' })).toThrow(/EVENT_ENDPOINTS_ALLOW_PRIVATE/);
    }
  });

  it('caps event endpoints per environment and keeps deliveries 30 days unless told otherwise', () => {
    expect(loadConfig(gatewayEnvSchema, {}).EVENT_ENDPOINTS_MAX_PER_ENVIRONMENT).toBe(10);
    expect(loadConfig(workerEnvSchema, {}).EVENT_DELIVERY_RETENTION_DAYS).toBe(30);
    expect(loadConfig(gatewayEnvSchema, { EVENT_ENDPOINTS_MAX_PER_ENVIRONMENT: '3' }).EVENT_ENDPOINTS_MAX_PER_ENVIRONMENT).toBe(3);
    expect(() => loadConfig(gatewayEnvSchema, { EVENT_ENDPOINTS_MAX_PER_ENVIRONMENT: '0' })).toThrow(/EVENT_ENDPOINTS_MAX_PER_ENVIRONMENT/);
    expect(() => loadConfig(workerEnvSchema, { EVENT_DELIVERY_RETENTION_DAYS: 'forever' })).toThrow(/EVENT_DELIVERY_RETENTION_DAYS/);
  });

  it('leaves MEDIA_PREFLIGHT_ALLOW_PRIVATE unset for the worker to resolve by NODE_ENV', () => {
    expect(loadConfig(workerEnvSchema, {}).MEDIA_PREFLIGHT_ALLOW_PRIVATE).toBeUndefined();
    expect(loadConfig(workerEnvSchema, { MEDIA_PREFLIGHT_ALLOW_PRIVATE: 'false' }).MEDIA_PREFLIGHT_ALLOW_PRIVATE).toBe(false);
  });
});
