import { isIP } from 'node:net';
import { TracehoundError } from '@tracehound/errors';

function v6ToBig(addr: string): bigint {
  // Expand '::' and embedded IPv4, then read eight 16-bit groups.
  let a = addr;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (v4) {
    const [b0, b1, b2, b3] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    a = a.slice(0, -v4[1]!.length) + `${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail] = a.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined ? (tail ? tail.split(':') : []) : [];
  const groups = tail !== undefined ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

function bigToV6(n: bigint): string {
  const g: string[] = [];
  for (let i = 7; i >= 0; i--) g.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
  return g.join(':');
}

/**
 * An IP address or CIDR as the inclusive range of the `net_dst_ip` column (IPv6, with IPv4 as
 * ::ffff:a.b.c.d). Anything else is a 400 naming the field.
 */
export function ipRange(input: string, field = 'dst'): { lo: string; hi: string } {
  const [addr, bitsText, extra] = input.split('/');
  const family = isIP(addr ?? '');
  const maxBits = family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? maxBits : /^[0-9]{1,3}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!family || extra !== undefined || !(bits >= 0 && bits <= maxBits)) {
    throw new TracehoundError('TH_ERR_INVALID_INPUT', `${field}: expected an IP address or CIDR (e.g. 10.0.0.0/8 or 2001:db8::/32)`, { details: { field } });
  }
  const base = family === 4 ? (0xffffn << 32n) | v6ToBig(`::${addr}`) : v6ToBig(addr!);
  const hostBits = BigInt((family === 4 ? 32 : 128) - bits);
  const mask = (1n << hostBits) - 1n;
  return { lo: bigToV6(base & ~mask), hi: bigToV6(base | mask) };
}
