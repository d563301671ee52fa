// `npm run migrate`: apply pending migrations (under the advisory lock) and exit.
import { join } from 'node:path';
import { ensureDependencies, root, run } from './lib.mjs';

ensureDependencies();
run('npx', ['nx', 'build', 'gateway']);
run(process.execPath, [join(root, 'dist', 'apps', 'gateway', 'main.js'), 'migrate']);
