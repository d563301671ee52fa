// The simulator's seed for `npm start`: the example seed (one app, one WABA with two
// numbers, the demo templates) plus a second WABA for the demo tenant's test
// environment, and no random failures, so the printed send always reaches `read`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './lib.mjs';

export const SANDBOX_IDS = {
  live: { wabaId: '2000000000000001', phoneNumberId: '3000000000000001' },
  test: { wabaId: '2000000000000002', phoneNumberId: '3000000000000003' },
  recipient: '14155551234',
};

/** Writes the seed under DATA_DIR; returns its path and the parsed seed (for the app's secret). */
export function writeSandboxSeed(dataDir) {
  const example = JSON.parse(readFileSync(join(root, 'apps', 'meta-simulator', 'seed.example.json'), 'utf8'));
  const { live, test } = SANDBOX_IDS;
  const simulation = { ...example.simulation };
  delete simulation.failureRates;
  // Fixed ids: the simulator keeps no state across restarts, and a re-sync must find the same templates.
  const testTemplates = example.templates
    .filter((template) => template.wabaId === live.wabaId)
    .map((template, index) => ({ ...template, id: String(4000000000000101n + BigInt(index)), wabaId: test.wabaId }));
  const seed = {
    ...example,
    tokens: example.tokens.map((token) => ({ ...token, wabaIds: [...token.wabaIds, test.wabaId] })),
    wabas: [...example.wabas, { id: test.wabaId, name: 'Switchboard Demo (test)', currency: 'USD', timezoneId: '1' }],
    phoneNumbers: [
      ...example.phoneNumbers,
      {
        id: test.phoneNumberId,
        wabaId: test.wabaId,
        displayPhoneNumber: '+1 555-010-0003',
        verifiedName: 'Switchboard Demo Test',
        qualityRating: 'GREEN',
        throughputLevel: 'STANDARD',
        messagingLimit: 'TIER_2K',
        mps: 80,
      },
    ],
    templates: [...example.templates, ...testTemplates],
    simulation,
  };
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'simulator-seed.json');
  writeFileSync(path, JSON.stringify(seed, null, 2), { mode: 0o600 });
  return { path, seed };
}
