import { TracehoundError } from '@tracehound/errors';

/**
 * Keyset pagination: a cursor is the (ts, id) of the last row of a page, opaque to clients
 * (base64url JSON). The next page starts strictly after it in (ts, id) order, so rows inserted
 * meanwhile never shift a page and no row is returned twice.
 */
export function encodeCursor(tsNs: string, id: string): string {
  return Buffer.from(JSON.stringify([tsNs, id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { ts: string; id: string } | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let v: unknown;
  try {
    if (cursor.length > 700 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('shape');
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    v = undefined;
  }
  if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'string' || !/^[0-9]{1,19}$/.test(v[0]) || typeof v[1] !== 'string' || v[1].length > 256) {
    throw new TracehoundError('TH_ERR_INVALID_INPUT', 'cursor: not a cursor this API returned', { details: { field: 'cursor' } });
  }
  return { ts: v[0], id: v[1] };
}
