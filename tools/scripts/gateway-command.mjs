// `npm run migrate` / `npm run vault:rotate`: build the gateway if stale, then run one
// of its maintenance commands (`node dist/apps/gateway/main.js <command>`) and exit.
import { join } from 'node:path';
import { ensureDependencies, nxEnv, root, run } from './lib.mjs';

const command = process.argv[2];
if (!['migrate', 'vault:rotate'].includes(command)) {
  process.stderr.write('usage: gateway-command.mjs migrate|vault:rotate\n');
  process.exit(2);
}
ensureDependencies();
run('npx', ['nx', 'build', 'gateway']);
// Like `npm start`, a checkout's command is development unless NODE_ENV says otherwise
// (the built gateway alone defaults to production).
run(process.execPath, [join(root, 'dist', 'apps', 'gateway', 'main.js'), command], {
  env: { ...nxEnv, NODE_ENV: nxEnv.NODE_ENV || 'development' },
});
