// Helpers shared by the npm entry scripts. Plain Node (no dependencies): these run
// on a fresh clone before `npm install` has happened.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const nxEnv = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
};

/** Runs a command in the repo root, inheriting stdio; exits the script on failure. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: nxEnv, ...options });
  if (result.status !== 0) {
    process.stderr.write(`\n${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})\n`);
    process.exit(result.status ?? 1);
  }
}

/**
 * Whether every direct dependency is installed at the version the lockfile pins. Versions,
 * not file times: a git checkout or worktree gives the lockfile a new mtime without
 * changing what it pins, and node_modules may be shared by several checkouts.
 */
function dependenciesInstalled() {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const names = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
  return names.every((name) => {
    const installed = join(root, 'node_modules', name, 'package.json');
    if (!existsSync(installed)) return false;
    const pinned = lock.packages?.[`node_modules/${name}`]?.version;
    return !pinned || JSON.parse(readFileSync(installed, 'utf8')).version === pinned;
  });
}

/** `npm install` when a dependency is missing or not at the lockfile's version. */
export function ensureDependencies() {
  if (dependenciesInstalled()) return;
  process.stdout.write('Installing dependencies (npm install)...\n');
  // npm ci refuses this registry's lockfile (missing other-platform optional binaries);
  // npm install honours the lockfile as it is.
  run('npm', ['install', '--no-audit', '--no-fund']);
}

/** Resolves true when a Redis at the URL answers PING within the timeout. */
export function redisAnswers(redisUrl, timeoutMs = 1500) {
  // A Redis Cluster (redis-cluster://[user:password@]host:port,host:port,...) is asked at its first seed node.
  const url = new URL(redisUrl.replace(/^(rediss?)-cluster:/, '$1:').replace(/,[^/?#]*/, ''));
  return new Promise((resolve) => {
    const socket = createConnection({ host: url.hostname, port: Number(url.port || 6379) });
    const done = (answer) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => {
      if (url.password) {
        const user = url.username ? decodeURIComponent(url.username) : 'default';
        socket.write(`AUTH ${user} ${decodeURIComponent(url.password)}\r\n`);
      }
      socket.write('PING\r\n');
    });
    socket.on('data', (data) => {
      if (data.toString().includes('PONG')) done(true);
    });
  });
}
