import { demoSeed } from './demo-seed';
import { simulatorSeedSchema } from './simulator-seed.schema';

describe('simulatorSeedSchema', () => {
  it('accepts the demo seed and fills Meta defaults', () => {
    const parsed = simulatorSeedSchema.parse(demoSeed());
    expect(parsed.phoneNumbers[0]).toMatchObject({ status: 'CONNECTED', registered: true, throughputLevel: 'STANDARD' });
    expect(parsed.simulation).toMatchObject({
      statusDelaysMs: { sent: 50, delivered: 100, read: 200 },
      defaultMps: 80,
      pairRate: { burst: 45, refillIntervalMs: 6000 },
      windowMs: 24 * 60 * 60 * 1000,
    });
  });

  it('generates obviously fake, deterministic credentials', () => {
    const [first, second] = [demoSeed(), demoSeed()];
    expect(first).toEqual(second);
    const token = first.tokens?.[0]?.token ?? '';
    expect(token).toMatch(/^sim-token-[0-9a-f]{32}$/);
    expect(token.startsWith('EAA')).toBe(false);
    expect(first.apps[0].secret).toMatch(/^sim-app-secret-/);
  });

  it('covers every template status and parameter style the gateway must handle', () => {
    const templates = demoSeed().templates ?? [];
    expect(new Set(templates.map((template) => template.status))).toEqual(new Set(['APPROVED', 'PAUSED', 'REJECTED', 'PENDING']));
    expect(templates.some((template) => template.parameterFormat === 'NAMED')).toBe(true);
  });

  it('checks references between apps, tokens, WABAs, numbers and templates', () => {
    const seed = demoSeed();
    const broken = {
      ...seed,
      tokens: [{ ...seed.tokens?.[0], appId: '999', wabaIds: ['888'] }],
      phoneNumbers: [...(seed.phoneNumbers ?? []), { ...seed.phoneNumbers?.[0], wabaId: '777' }],
      templates: [...(seed.templates ?? []), { ...seed.templates?.[0], id: undefined }],
    };
    const result = simulatorSeedSchema.safeParse(broken);
    expect(result.success).toBe(false);
    const messages = result.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`) ?? [];
    expect(messages).toEqual(
      expect.arrayContaining([
        'tokens.0.appId: unknown app',
        'tokens.0.wabaIds.0: unknown WABA',
        'phoneNumbers.2.wabaId: unknown WABA',
        'phoneNumbers: duplicate id 3000000000000001',
        expect.stringMatching(/^templates.8: duplicate template/),
      ]),
    );
  });

  it('refuses non-numeric ids and bad PINs', () => {
    const seed = demoSeed();
    expect(simulatorSeedSchema.safeParse({ ...seed, wabas: [{ id: 'waba', name: 'x' }] }).success).toBe(false);
    expect(
      simulatorSeedSchema.safeParse({ ...seed, phoneNumbers: [{ ...seed.phoneNumbers?.[0], pin: '12' }] }).success,
    ).toBe(false);
  });
});
