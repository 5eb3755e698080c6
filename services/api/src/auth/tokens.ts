import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** Bearer tokens: a kind prefix (so a leaked one is recognisable in logs and scanners) and 32 random bytes. */
export const TOKEN_PREFIX = { session: 'ths_', api: 'tha_' } as const;
export type TokenKind = keyof typeof TOKEN_PREFIX;

export function newToken(kind: TokenKind): { token: string; hash: string; id: string } {
  const token = `${TOKEN_PREFIX[kind]}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token), id: randomUUID() };
}

/** Tokens are high-entropy, so a plain SHA-256 is enough at rest (no salt or stretching needed). */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export const looksLikeToken = (s: string): boolean => /^th[sa]_[A-Za-z0-9_-]{43}$/.test(s);
