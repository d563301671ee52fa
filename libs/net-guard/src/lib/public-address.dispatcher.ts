import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { isPrivateAddress } from './address-policy';

/** A connection the address policy stopped before any byte left. */
export class PrivateAddressRefusedError extends Error {
  readonly code = 'PRIVATE_ADDRESS_REFUSED';

  constructor(host: string, addresses: readonly string[]) {
    super(
      addresses.length === 1 && addresses[0] === host
        ? `refused: ${host} is a private address`
        : `refused: ${host} resolves only to private addresses (${addresses.join(', ')})`,
    );
    this.name = 'PrivateAddressRefusedError';
  }
}

export type ResolveAll = (hostname: string, options: LookupAllOptions, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

export interface AddressGuardOptions {
  /** How names are resolved; the system resolver (what net itself uses) by default. */
  readonly resolve?: ResolveAll;
  /**
   * Addresses judged public although a refused range holds them: an operator's own host that
   * must stay reachable, or the loopback address a test lets stand for the internet.
   */
  readonly trustedAddresses?: readonly string[];
}

export interface EgressDispatcherOptions extends AddressGuardOptions {
  /** Whether loopback, private, link-local and other non-public addresses may be reached (development, the simulator). */
  readonly allowPrivateTargets: boolean;
  /** Connect, headers and body budget of one request; undici's defaults when unset. */
  readonly timeoutMs?: number;
  /** Certificate authorities trusted instead of the system's (a test's own TLS server). */
  readonly ca?: string;
}

function refusedBy(options: AddressGuardOptions & { allowPrivateTargets?: boolean }): (address: string) => boolean {
  if (options.allowPrivateTargets) return () => false;
  const trusted = new Set(options.trustedAddresses ?? []);
  return (address) => isPrivateAddress(address) && !trusted.has(address);
}

/**
 * `lookup` for sockets to tenant-given URLs: resolves every address of the name and keeps the
 * public ones, so the address connected to is the address judged (no second resolution a
 * rebinding name could answer differently). Serves both of net's call styles: `all` (Happy
 * Eyeballs, Node's default) and a single address.
 */
export function publicAddressLookup(options: AddressGuardOptions & { allowPrivateTargets?: boolean } = {}): LookupFunction {
  const resolve = options.resolve ?? dnsLookup;
  const refused = refusedBy(options);
  return (hostname, lookupOptions, callback) => {
    resolve(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const allowed = addresses.filter((entry) => !refused(entry.address));
      const [first] = allowed;
      if (!first) return callback(new PrivateAddressRefusedError(hostname, addresses.map((entry) => entry.address)), []);
      if (lookupOptions.all) return callback(null, allowed);
      return callback(null, first.address, first.family);
    });
  };
}

/**
 * The dispatcher for requests to URLs a tenant chose. With private targets refused it connects
 * to public addresses only; the judgement is made for each connection, so every origin a caller
 * reaches through it (each redirect hop, each retry) is judged. An IP literal never reaches
 * `lookup` (net connects to it as is), so the connector judges it first.
 */
export function egressDispatcher(options: EgressDispatcherOptions): Agent {
  const refused = refusedBy(options);
  const connect = buildConnector({
    lookup: publicAddressLookup(options),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
  });
  return new Agent({
    ...(options.timeoutMs === undefined ? {} : { headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs }),
    connect: (connectOptions, callback) => {
      if (isIP(connectOptions.hostname) && refused(connectOptions.hostname)) {
        return callback(new PrivateAddressRefusedError(connectOptions.hostname, [connectOptions.hostname]), null);
      }
      return connect(connectOptions, callback);
    },
  });
}
