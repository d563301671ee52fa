import { BlockList, isIP } from 'node:net';

/**
 * Addresses a URL a tenant gave us (an event endpoint, a media link) may never make us connect to (SSRF): our own host,
 * the networks we run in and the cloud metadata service. Everything that is not globally
 * routable (RFC 6890), not only RFC 1918, since each of these reaches something of ours or nothing.
 * IPv4 rules also match the IPv4-mapped IPv6 form (`::ffff:127.0.0.1`): BlockList does that itself.
 */
const PRIVATE_NETWORKS = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", including the unspecified 0.0.0.0 (Linux connects it to loopback)
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, where 169.254.169.254 (cloud metadata) lives
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments (some clouds' metadata, DS-Lite)
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast 255.255.255.255
] as const) {
  PRIVATE_NETWORKS.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified ::, loopback ::1 and the deprecated IPv4-compatible ::a.b.c.d
  ['64:ff9b:1::', 48], // NAT64 for local use (RFC 8215)
  ['100::', 64], // discard-only
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // the deprecated site-local
  ['ff00::', 8], // multicast
] as const) {
  PRIVATE_NETWORKS.addSubnet(network, prefix, 'ipv6');
}

/** The 16 bytes of a valid IPv6 literal without zone (`::` expanded, a trailing dotted quad included). */
function ipv6Bytes(address: string): Buffer {
  const groups = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [parseInt(group, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const [head = '', tail] = address.split('::');
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const words = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  const bytes = Buffer.alloc(16);
  words.forEach((word, index) => bytes.writeUInt16BE(word, index * 2));
  return bytes;
}

/**
 * The IPv4 address a NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address carries: a gateway on the
 * way would deliver to it, so it is judged like that IPv4 address rather than refused outright
 * (an IPv6-only host behind DNS64 reaches every IPv4-only tenant this way).
 */
function embeddedIpv4(address: string): string | null {
  const bytes = ipv6Bytes(address);
  if (bytes.readUInt32BE(0) === 0x0064ff9b && bytes.readUInt32BE(4) === 0 && bytes.readUInt32BE(8) === 0) return [...bytes.subarray(12)].join('.');
  if (bytes.readUInt16BE(0) === 0x2002) return [...bytes.subarray(2, 6)].join('.');
  return null;
}

/** True when an IP literal (IPv4 or IPv6, with or without zone) is one no tenant-given URL may reach. */
export function isPrivateAddress(address: string): boolean {
  // A resolver may append a zone (`fe80::1%eth0`); the embedded-IPv4 parsing must not see it.
  const ip = address.split('%')[0] ?? '';
  switch (isIP(ip)) {
    case 4:
      return PRIVATE_NETWORKS.check(ip, 'ipv4');
    case 6: {
      if (PRIVATE_NETWORKS.check(ip, 'ipv6')) return true;
      const carried = embeddedIpv4(ip);
      return carried !== null && PRIVATE_NETWORKS.check(carried, 'ipv4');
    }
    default:
      return false;
  }
}

/**
 * Why a URL's host is not a public one, or null when it may be: an IP literal in a private
 * range or a `localhost` name (RFC 6761 keeps every `*.localhost` on loopback). Judged on the
 * host the WHATWG parser yields, which is what undici connects to: `http://2130706433/`,
 * `http://0x7f.1/` and `http://[::ffff:127.0.0.1]/` all mean 127.0.0.1. Other names are
 * judged when they are resolved for the connection (`publicAddressDispatcher`), since DNS can change.
 */
export function privateHostIssue(url: string): string | null {
  if (!URL.canParse(url)) return null;
  const { hostname } = new URL(url);
  const host = hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (isPrivateAddress(host)) return `${host} is a private, loopback, link-local or reserved address`;
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is this machine`;
  return null;
}
