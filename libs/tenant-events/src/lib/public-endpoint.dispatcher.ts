import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { isPrivateAddress } from './endpoint-address-policy';

/** A delivery the address policy stopped before any byte left: recorded as a failed attempt. */
export class PrivateAddressRefusedError extends Error {
  readonly code = 'ENDPOINT_ADDRESS_PRIVATE';

  constructor(host: string, addresses: readonly string[]) {
    super(
      addresses.length === 1 && addresses[0] === host
        ? `refused: ${host} is a private address (EVENT_ENDPOINTS_ALLOW_PRIVATE is off)`
        : `refused: ${host} resolves only to private addresses (${addresses.join(', ')}; EVENT_ENDPOINTS_ALLOW_PRIVATE is off)`,
    );
    this.name = 'PrivateAddressRefusedError';
  }
}

export type ResolveAll = (hostname: string, options: LookupAllOptions, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

/**
 * `lookup` for the sockets of deliveries: resolves every address of the name and keeps the
 * public ones, so the address connected to is the address judged (no second resolution a
 * rebinding name could answer differently). Serves both of net's call styles: `all` (Happy
 * Eyeballs, Node's default) and a single address.
 */
export function publicAddressLookup(resolve: ResolveAll = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const allowed = addresses.filter((entry) => !isPrivateAddress(entry.address));
      const [first] = allowed;
      if (!first) return callback(new PrivateAddressRefusedError(hostname, addresses.map((entry) => entry.address)), []);
      if (options.all) return callback(null, allowed);
      return callback(null, first.address, first.family);
    });
  };
}

/**
 * The undici dispatcher of deliveries when private targets are refused. An IP literal never
 * reaches `lookup` (net connects to it as is), so the connector judges it first.
 */
export function publicEndpointDispatcher(): Agent {
  const connectPublic = buildConnector({ lookup: publicAddressLookup() });
  return new Agent({
    connect: (options, callback) => {
      if (isIP(options.hostname) && isPrivateAddress(options.hostname)) return callback(new PrivateAddressRefusedError(options.hostname, [options.hostname]), null);
      return connectPublic(options, callback);
    },
  });
}
