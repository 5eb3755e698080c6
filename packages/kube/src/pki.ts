import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { kubeLayout, type KubeSettings } from './settings.js';

/** The user the admin token authenticates as; system:masters may do anything. */
export const ADMIN_USER = 'tracehound-admin';

/**
 * Keys and credentials the server needs, made once per data dir: the service-account signing key
 * (so TokenRequest works and tests can act as a service account under RBAC) and a static admin
 * token (--token-auth-file). Returns the admin token.
 */
export function ensurePki(s: KubeSettings): string {
  const l = kubeLayout(s);
  mkdirSync(dirname(l.saKey), { recursive: true, mode: 0o700 });
  if (!existsSync(l.saKey) || !existsSync(l.saPub)) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(l.saKey, privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
    writeFileSync(l.saPub, publicKey.export({ type: 'spki', format: 'pem' }));
  }
  if (!existsSync(l.adminToken) || !existsSync(l.tokens)) {
    const token = randomBytes(24).toString('hex');
    writeFileSync(l.adminToken, `${token}\n`, { mode: 0o600 });
    // token,user,uid,"group1,group2"
    writeFileSync(l.tokens, `${token},${ADMIN_USER},${ADMIN_USER},"system:masters"\n`, { mode: 0o600 });
  }
  return readFileSync(l.adminToken, 'utf8').trim();
}
