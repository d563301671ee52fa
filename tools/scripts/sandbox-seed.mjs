// The simulator's seed for `npm start`: the example seed (one app, one WABA with two
// numbers, the demo templates) plus a second WABA for the demo tenant's test
// environment, and no random failures, so the printed send always reaches `read`;
// one recipient is "not on WhatsApp" instead, so the printed fallback has a reason to move to SMS.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './lib.mjs';

export const SANDBOX_IDS = {
  live: { wabaId: '2000000000000001', phoneNumberId: '3000000000000001' },
  test: { wabaId: '2000000000000002', phoneNumberId: '3000000000000003' },
  recipient: '14155551234',
  /** Meta answers 131026 (message undeliverable: not on WhatsApp) for every send to it. */
  notOnWhatsApp: '14155550410',
};

/** Meta's error for a recipient who is not on WhatsApp (or cannot receive this message). */
const NOT_ON_WHATSAPP_CODE = 131026;

/** Writes the seed under DATA_DIR; returns its path and the parsed seed (for the app's secret). */
export function writeSandboxSeed(dataDir) {
  const example = JSON.parse(readFileSync(join(root, 'apps', 'meta-simulator', 'seed.example.json'), 'utf8'));
  const { live, test } = SANDBOX_IDS;
  const simulation = { ...example.simulation };
  delete simulation.failureRates;
  simulation.failRecipients = { [SANDBOX_IDS.notOnWhatsApp]: NOT_ON_WHATSAPP_CODE };
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

/**
 * The SMS side of the simulator serves its demo seed (`demoSmsSeed()` in libs/sms-simulator):
 * its first account and that account's two numbers, one per environment. Read from the lib
 * itself (TypeScript, through the installed @swc-node/register, with the workspace's path
 * mapping for the libs it imports) rather than copied, so the sandbox follows the seed; the
 * Auth Token only travels through this pipe.
 */
export function demoSmsAccount() {
  const program = [
    "const { demoSmsSeed, SMS_DEMO_IDS } = require('./libs/sms-simulator/src/index.ts');",
    'const account = demoSmsSeed().accounts.find((candidate) => candidate.accountSid === SMS_DEMO_IDS.accountSid);',
    'process.stdout.write(JSON.stringify({ accountSid: account.accountSid, authToken: account.authToken, numbers: { live: SMS_DEMO_IDS.number, test: SMS_DEMO_IDS.secondNumber } }));',
  ].join('\n');
  const result = spawnSync(process.execPath, ['-r', '@swc-node/register', '-e', program], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.base.json' },
  });
  if (result.status !== 0) throw new Error(`reading the SMS simulator's demo seed failed: ${result.stderr.trim().split('\n')[0]}`);
  return JSON.parse(result.stdout);
}
