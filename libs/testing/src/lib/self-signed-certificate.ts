import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh key and self-signed certificate (valid one day) for the given names and IP addresses,
 * made by the openssl CLI, for a test's own TLS server; the client trusts it through `ca: cert`.
 * Nothing is kept on disk.
 */
export function selfSignedCertificate(hosts: readonly [string, ...string[]]): { key: string; cert: string } {
  const directory = mkdtempSync(join(tmpdir(), 'switchboard-cert-'));
  try {
    const keyFile = join(directory, 'key.pem');
    const certFile = join(directory, 'cert.pem');
    const names = hosts.map((host) => (isIP(host) ? `IP:${host}` : `DNS:${host}`)).join(',');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${hosts[0]}`, '-addext', `subjectAltName=${names}`, '-keyout', keyFile, '-out', certFile],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
