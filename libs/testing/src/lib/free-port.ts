import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

// Ports are picked below Linux's ephemeral range: a port the kernel hands out (listen(0), or the
// local end of any outgoing connection on the machine) can be taken again between the check and
// the bind of the process the test starts, which then never listens.
export const LOWEST_TEST_PORT = 10_000;

// The Fetch standard's "bad ports" in that range: fetch (undici) refuses to connect to them, so an
// app started there could never be reached by a test's fetch.
const FETCH_BAD_PORTS = new Set([10_080]);

/** The first port of the kernel's ephemeral range (32768 where it cannot be read). */
export function ephemeralPortStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const port = Number(low);
    return Number.isInteger(port) && port > LOWEST_TEST_PORT ? port : 32_768;
  } catch {
    return 32_768;
  }
}

/** Whether nothing listens on the loopback port right now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A loopback port nothing listens on right now, for a process the test starts; `accept` adds a
 * condition (the Redis cluster bus at port + 10000, say).
 */
export async function freePort(accept: (port: number) => Promise<boolean> = async () => true, below = ephemeralPortStart()): Promise<number> {
  for (let attempt = 0; attempt < 1_000; attempt += 1) {
    const port = LOWEST_TEST_PORT + Math.floor(Math.random() * (below - LOWEST_TEST_PORT));
    if (!FETCH_BAD_PORTS.has(port) && (await isPortFree(port)) && (await accept(port))) return port;
  }
  throw new Error(`no free loopback port between ${LOWEST_TEST_PORT} and ${below}`);
}
