import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request, type Agent } from 'undici';
import { egressDispatcher, PrivateAddressRefusedError, publicAddressLookup, type ResolveAll } from './public-address.dispatcher';

/** A resolver that answers every name with the given addresses. */
const resolvingTo =
  (...addresses: LookupAddress[]): ResolveAll =>
  (_hostname, _options, callback) =>
    callback(null, addresses);

const lookupWith = (resolve: ResolveAll, all: boolean) =>
  new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }>((done) =>
    publicAddressLookup({ resolve })('events.example.com', { all }, (error, address, family) => done({ error, address, family })),
  );

describe('publicAddressLookup', () => {
  const loopback = { address: '127.0.0.1', family: 4 };
  const metadata = { address: '::ffff:169.254.169.254', family: 6 };
  const publicV4 = { address: '93.184.216.34', family: 4 };
  const publicV6 = { address: '2606:2800:220:1::248', family: 6 };

  it('keeps only the public addresses of a name (all: Happy Eyeballs)', async () => {
    expect(await lookupWith(resolvingTo(loopback, publicV4, metadata, publicV6), true)).toEqual({ error: null, address: [publicV4, publicV6], family: undefined });
  });

  it('answers the first public address when one is asked for', async () => {
    expect(await lookupWith(resolvingTo(loopback, publicV6, publicV4), false)).toEqual({ error: null, address: publicV6.address, family: 6 });
  });

  it('fails with a clear error when only private addresses remain', async () => {
    const { error } = await lookupWith(resolvingTo(loopback, metadata), true);
    expect(error).toBeInstanceOf(PrivateAddressRefusedError);
    expect(error?.message).toBe('refused: events.example.com resolves only to private addresses (127.0.0.1, ::ffff:169.254.169.254)');
  });

  it('keeps a trusted address although its range is refused', async () => {
    const { error, address } = await new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((done) =>
      publicAddressLookup({ resolve: resolvingTo(loopback, metadata), trustedAddresses: ['127.0.0.1'] })('media.example.com', { all: true }, (failure, found) =>
        done({ error: failure, address: found }),
      ),
    );
    expect(error).toBeNull();
    expect(address).toEqual([loopback]);
  });

  it("passes the resolver's own failure through", async () => {
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND events.example.com'), { code: 'ENOTFOUND' });
    const { error } = await lookupWith((_hostname, _options, callback) => callback(notFound, []), true);
    expect(error).toBe(notFound);
  });
});

describe('egressDispatcher with private targets refused', () => {
  let server: Server;
  let port: number;
  let hits = 0;
  let dispatcher: Agent;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      hits += 1;
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, resolve));
    port = (server.address() as AddressInfo).port;
    dispatcher = egressDispatcher({ allowPrivateTargets: false });
  });

  afterAll(async () => {
    await dispatcher.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reaches the local server without it (the server answers)', async () => {
    const response = await request(`http://127.0.0.1:${port}/`);
    expect(await response.body.text()).toBe('ok');
    expect(hits).toBe(1);
  });

  it.each([
    ['a name that resolves to loopback', () => `http://localhost:${port}/hook`, 'refused: localhost resolves only to private addresses'],
    ['an IPv4 literal', () => `http://127.0.0.1:${port}/hook`, 'refused: 127.0.0.1 is a private address'],
    ['an IPv6 literal', () => `http://[::1]:${port}/hook`, 'refused: ::1 is a private address'],
    ['an IPv4-mapped literal', () => `http://[::ffff:127.0.0.1]:${port}/hook`, 'refused: ::ffff:7f00:1 is a private address'],
    ['a decimal IPv4', () => `http://2130706433:${port}/hook`, 'refused: 127.0.0.1 is a private address'],
  ])('refuses %s before connecting', async (_what, url, reason) => {
    const before = hits;
    const failure = await request(url(), { method: 'POST', body: '{}', dispatcher }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(PrivateAddressRefusedError);
    expect((failure as Error).message).toContain(reason);
    expect(hits).toBe(before);
  });
});

describe('egressDispatcher settings', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((_request, response) => response.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const outcome = async (allowPrivateTargets: boolean, trustedAddresses: string[] = []) => {
    const dispatcher = egressDispatcher({ allowPrivateTargets, trustedAddresses, timeoutMs: 2000 });
    try {
      return await request(`http://127.0.0.1:${port}/`, { dispatcher }).then(
        (response) => response.body.text(),
        (error: unknown) => (error instanceof PrivateAddressRefusedError ? 'refused' : String(error)),
      );
    } finally {
      await dispatcher.close();
    }
  };

  it('refuses a private target unless private targets are allowed or the address is trusted', async () => {
    expect(await outcome(false)).toBe('refused');
    expect(await outcome(true)).toBe('ok');
    expect(await outcome(false, ['127.0.0.1'])).toBe('ok');
  });
});
