// `npm test`: everything CI checks, in the order that fails fastest.
import { ensureDependencies, run } from './lib.mjs';

ensureDependencies();
run('npx', ['nx', 'run-many', '-t', 'lint', '--parallel=2']);
run('npx', ['tsc', '-p', 'tsconfig.typecheck.json']);
run('npx', ['nx', 'run-many', '-t', 'build', '-p', 'gateway', 'worker', 'meta-simulator', 'console', '--parallel=2']);
// One jest run over every project (unit, integration against the real Postgres and
// Redis, e2e against the built apps). Never cached: integration results depend on
// the services, not only on the source.
run('npx', ['jest', '--ci', ...process.argv.slice(2)]);
