import type { DebugTokenData } from '@switchboard/graph-api-client';
import { inspectToken } from './token-inspection';

const NOW = new Date('2026-11-24T00:00:00Z');
const DAY = 24 * 3600 * 1000;

function token(overrides: Partial<DebugTokenData> = {}): DebugTokenData {
  return {
    isValid: true,
    appId: '1000',
    expiresAt: null,
    dataAccessExpiresAt: null,
    scopes: ['whatsapp_business_messaging', 'whatsapp_business_management'],
    granularScopes: [
      { scope: 'whatsapp_business_messaging', targetIds: ['555'] },
      { scope: 'whatsapp_business_management', targetIds: ['555'] },
    ],
    ...overrides,
  };
}

describe('inspectToken', () => {
  it('accepts a never-expiring token with both scopes for the WABA', () => {
    expect(inspectToken(token(), '555', NOW, '1000')).toEqual({ status: 'valid', expiresAt: null, scopes: expect.any(Array) });
  });

  it('calls a token expiring within 7 days expiring, later valid', () => {
    expect(inspectToken(token({ expiresAt: new Date(NOW.getTime() + 3 * DAY) }), '555', NOW).status).toBe('expiring');
    expect(inspectToken(token({ expiresAt: new Date(NOW.getTime() + 30 * DAY) }), '555', NOW).status).toBe('valid');
  });

  it('tells expired from invalid', () => {
    expect(inspectToken(token({ isValid: false, expiresAt: new Date(NOW.getTime() - DAY) }), '555', NOW)).toMatchObject({
      status: 'expired',
      problem: { code: 'token_invalid' },
    });
    expect(inspectToken(token({ isValid: false }), '555', NOW)).toMatchObject({ status: 'invalid', problem: { code: 'token_invalid' } });
  });

  it('names a missing scope', () => {
    const result = inspectToken(token({ scopes: ['whatsapp_business_messaging'] }), '555', NOW);
    expect(result).toMatchObject({ status: 'invalid', problem: { code: 'token_missing_scopes' } });
    expect(result.problem?.message).toContain('whatsapp_business_management');
  });

  it('refuses a token whose granular scopes target other WABAs', () => {
    expect(inspectToken(token(), '777', NOW)).toMatchObject({ problem: { code: 'token_missing_scopes' } });
  });

  it('refuses a token of another app', () => {
    expect(inspectToken(token({ appId: '2000' }), '555', NOW, '1000')).toMatchObject({ problem: { code: 'token_invalid' } });
  });
});
