import { BlockList, isIP } from 'node:net';
import { asStrings, stringOrStrings, type OperatorSpec } from './operator.js';

const CIDR = /^([^/]+)\/([0-9]{1,3})$/;
const MAPPED = /^::ffff:([0-9.]+)$/i;
const SEEN_MAX = 4_096;

function parse(s: string): { addr: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const m = CIDR.exec(s);
  const addr = m ? m[1]! : s;
  const v = isIP(addr);
  if (v === 0) return undefined;
  const max = v === 4 ? 32 : 128;
  const prefix = m ? Number(m[2]) : max;
  if (prefix > max) return undefined;
  return { addr, prefix, family: v === 4 ? 'ipv4' : 'ipv6' };
}

export const cidr: OperatorSpec = {
  name: 'cidr',
  summary: 'the fact IP address (v4 or v6) lies in the CIDR block (or any of an array); a bare address is a /32 or /128',
  check: (v, ctx) => stringOrStrings(v, ctx, (s) => (parse(s) ? undefined : `"${s}" is not an IPv4 or IPv6 address or CIDR block (e.g. 10.0.0.0/8, fd00::/8)`)),
  prepare: (v, ctx) => {
    const list = new BlockList();
    for (const s of asStrings(v, ctx)) {
      const c = parse(s)!;
      list.addSubnet(c.addr, c.prefix, c.family);
    }
    // BlockList.check makes a native SocketAddress per call (several µs); an event stream meets
    // the same few addresses again and again, so answers are remembered (a bounded number).
    const seen = new Map<string, boolean>();
    return (f) => {
      if (typeof f !== 'string') return false;
      let hit = seen.get(f);
      if (hit === undefined) {
        const mapped = MAPPED.exec(f);
        const addr = mapped ? mapped[1]! : f;
        const fam = isIP(addr);
        hit = fam !== 0 && list.check(addr, fam === 4 ? 'ipv4' : 'ipv6');
        if (seen.size >= SEEN_MAX) seen.clear();
        seen.set(f, hit);
      }
      return hit;
    };
  },
};
