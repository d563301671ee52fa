import { isPrivateAddress, privateHostIssue } from './address-policy';

describe('public address policy', () => {
  describe('isPrivateAddress', () => {
    it.each([
      ['127.0.0.1', 'IPv4 loopback'],
      ['127.255.255.254', 'the end of 127/8'],
      ['0.0.0.0', 'unspecified'],
      ['0.1.2.3', '"this network"'],
      ['10.0.0.1', 'RFC 1918 10/8'],
      ['172.16.0.1', 'RFC 1918 172.16/12'],
      ['172.31.255.255', 'the end of 172.16/12'],
      ['192.168.1.1', 'RFC 1918 192.168/16'],
      ['169.254.169.254', 'cloud metadata (link-local)'],
      ['100.64.0.1', 'CGNAT'],
      ['100.127.255.255', 'the end of CGNAT'],
      ['192.0.0.192', 'IETF protocol assignments'],
      ['198.18.0.1', 'benchmarking'],
      ['224.0.0.1', 'multicast'],
      ['239.255.255.250', 'multicast (SSDP)'],
      ['240.0.0.1', 'reserved'],
      ['255.255.255.255', 'broadcast'],
      ['::1', 'IPv6 loopback'],
      ['0:0:0:0:0:0:0:1', 'IPv6 loopback, uncompressed'],
      ['::', 'IPv6 unspecified'],
      ['::ffff:127.0.0.1', 'IPv4-mapped loopback, dotted'],
      ['::ffff:7f00:1', 'IPv4-mapped loopback, hex'],
      ['::ffff:a9fe:a9fe', 'IPv4-mapped metadata'],
      ['::ffff:10.1.2.3', 'IPv4-mapped RFC 1918'],
      ['::127.0.0.1', 'IPv4-compatible (deprecated) loopback'],
      ['fe80::1', 'IPv6 link-local'],
      ['fe80::1%eth0', 'IPv6 link-local with a zone'],
      ['febf:ffff::1', 'the end of fe80::/10'],
      ['fc00::1', 'unique local fc00::/7'],
      ['fd12:3456:789a::1', 'unique local fd00::/8'],
      ['fec0::1', 'deprecated site-local'],
      ['ff02::1', 'IPv6 multicast'],
      ['2001:db8::1', 'IPv6 documentation'],
      ['64:ff9b::7f00:1', 'NAT64 of 127.0.0.1'],
      ['64:ff9b::169.254.169.254', 'NAT64 of the metadata address'],
      ['64:ff9b:1::1', 'local-use NAT64'],
      ['2002:7f00:1::1', '6to4 of 127.0.0.1'],
      ['2002:c0a8:101::', '6to4 of 192.168.1.1'],
    ])('refuses %s (%s)', (address) => {
      expect(isPrivateAddress(address)).toBe(true);
    });

    it.each([
      ['8.8.8.8', 'public IPv4'],
      ['93.184.216.34', 'public IPv4'],
      ['1.1.1.1', 'public IPv4'],
      ['9.255.255.255', 'just below 10/8'],
      ['11.0.0.0', 'just above 10/8'],
      ['100.63.255.255', 'just below CGNAT'],
      ['100.128.0.0', 'just above CGNAT'],
      ['172.15.255.255', 'just below 172.16/12'],
      ['172.32.0.0', 'just above 172.16/12'],
      ['169.253.255.255', 'just below link-local'],
      ['223.255.255.255', 'just below multicast'],
      ['2606:4700:4700::1111', 'public IPv6'],
      ['2a00:1450:4001:830::200e', 'public IPv6'],
      ['::ffff:8.8.8.8', 'IPv4-mapped public'],
      ['64:ff9b::808:808', 'NAT64 of 8.8.8.8'],
      ['2002:808:808::1', '6to4 of 8.8.8.8'],
    ])('allows %s (%s)', (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    });

    it('is about IP literals only: a name is judged when it is resolved', () => {
      expect(isPrivateAddress('localhost')).toBe(false);
      expect(isPrivateAddress('example.com')).toBe(false);
    });
  });

  describe('privateHostIssue (a URL judged before any connection)', () => {
    it.each([
      'http://127.0.0.1:8080/hook',
      'http://127.1/',
      'http://2130706433/',
      'http://017700000001/',
      'http://0x7f.0.0.1/',
      'http://0x7f000001/',
      'http://%31%32%37.0.0.1/',
      'http://127.0.0.1./',
      'http://0/',
      'http://0.0.0.0:3000/',
      'http://10.0.0.5/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.100.100.200/',
      'https://192.168.0.10/',
      'http://[::1]/',
      'http://[0:0:0:0:0:0:0:1]:3000/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:169.254.169.254]/',
      'http://[fd00:ec2::254]/',
      'http://[fe80::1]/',
      'http://[64:ff9b::127.0.0.1]/',
      'http://localhost/',
      'http://LOCALHOST:3000/',
      'http://localhost./',
      'https://api.localhost/',
      'http://user:pass@127.0.0.1/',
    ])('refuses %s', (url) => {
      expect(privateHostIssue(url)).toMatch(/ is (a private, loopback, link-local or reserved address|this machine)$/);
    });

    it.each([
      'https://example.com/switchboard-events',
      'https://events.example.com:8443/hook?token=abc',
      'http://93.184.216.34/hook',
      'http://[2606:4700:4700::1111]/',
      'https://localhost.example.com/',
      'https://mylocalhost/',
      'https://127.0.0.1.nip.io/',
    ])('allows %s (names are judged when they are resolved)', (url) => {
      expect(privateHostIssue(url)).toBeNull();
    });

    it('names the normalised host, so the tenant sees what their URL means', () => {
      expect(privateHostIssue('http://2130706433/')).toBe('127.0.0.1 is a private, loopback, link-local or reserved address');
      expect(privateHostIssue('http://[::ffff:127.0.0.1]/')).toMatch(/^::ffff:7f00:1 is a private/);
      expect(privateHostIssue('http://LOCALHOST./')).toBe('localhost is this machine');
    });

    it('leaves a URL that does not parse to the URL check', () => {
      expect(privateHostIssue('not a url')).toBeNull();
    });
  });
});
