import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const WORKSPACE = join(__dirname, '..', '..', '..', '..');
const PROBE = join(__dirname, 'boundary-probe.generated.ts');

/** ESLint's findings for a file of this lib that imports `specifier`. */
async function lintImport(specifier: string): Promise<string[]> {
  writeFileSync(PROBE, `import * as probe from '${specifier}';\n\nexport const probed = Object.keys(probe).length;\n`);
  try {
    const { stdout } = await run('npx', ['eslint', '--format', 'json', PROBE], { cwd: WORKSPACE, env: { ...process.env, NX_DAEMON: 'false' } }).catch(
      (error: { stdout?: string }) => ({ stdout: error.stdout ?? '[]' }),
    );
    const [result] = JSON.parse(stdout) as Array<{ messages: Array<{ ruleId: string | null; message: string }> }>;
    return (result?.messages ?? []).filter((message) => message.ruleId === '@nx/enforce-module-boundaries').map((message) => message.message);
  } finally {
    rmSync(PROBE, { force: true });
  }
}

/** The core knows no vendor: lint refuses any channel lib or the Graph client in libs/messaging. */
describe('libs/messaging module boundaries (real ESLint run)', () => {
  it.each(['@switchboard/channel-whatsapp', '@switchboard/channel-sms', '@switchboard/graph-api-client', '@switchboard/whatsapp-host'])('refuses an import of %s', async (specifier) => {
    expect(await lintImport(specifier)).not.toEqual([]);
  }, 120_000);

  it('allows the shared libs it builds on', async () => {
    expect(await lintImport('@switchboard/error-taxonomy')).toEqual([]);
  }, 120_000);
});
