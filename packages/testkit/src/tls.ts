import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  /** PEM of the CA that signed both certificates: what clients and servers trust. */
  ca: string;
  /** For 127.0.0.1 (subjectAltName IP). */
  server: { key: string; cert: string };
  /** A client certificate with the given common names, one per name. */
  clients: Record<string, { key: string; cert: string }>;
}

/**
 * A private CA with a server certificate for 127.0.0.1 and client certificates, made by openssl
 * for tests of TLS, STARTTLS and client-certificate authentication on loopback.
 */
export function testPki(clientNames: string[] = []): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'th-pki-'));
  const f = (n: string) => join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  try {
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=tracehound-test-ca', '-keyout', f('ca.key'), '-out', f('ca.crt'));
    const issue = (name: string, cn: string, ext: string) => {
      writeFileSync(f(`${name}.ext`), ext);
      ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}`, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`));
      ssl('x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '1', '-extfile', f(`${name}.ext`), '-out', f(`${name}.crt`));
      return { key: readFileSync(f(`${name}.key`), 'utf8'), cert: readFileSync(f(`${name}.crt`), 'utf8') };
    };
    const server = issue('server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    const clients: TestPki['clients'] = {};
    clientNames.forEach((cn, i) => (clients[cn] = issue(`client${i}`, cn, 'extendedKeyUsage=clientAuth\n')));
    return { ca: readFileSync(f('ca.crt'), 'utf8'), server, clients };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
