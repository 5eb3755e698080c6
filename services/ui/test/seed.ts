import { sampleAlert, sampleEnrichedEvent, sampleEvent, sampleProcess, type Alert, type Event, type EventKind } from '@tracehound/schemas';

export const NAMESPACES = ['shop', 'billing', 'kube-system'] as const;
const KINDS: EventKind[] = ['process_exec', 'file_open', 'net_connect'];

/**
 * A small, known world: `count` events spread over the last 30 minutes in three namespaces
 * (every 10th a host event), every process with four ancestors; comm is curl for every 4th.
 */
export function worldEvents(count: number, now = BigInt(Date.now()) * 1_000_000n): Event[] {
  const out: Event[] = [];
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % KINDS.length]!;
    const host = i % 10 === 9;
    const ns = NAMESPACES[i % 3]!;
    const base = host ? sampleEvent(kind) : sampleEnrichedEvent(kind);
    const e: Event = { ...base, id: `w-${i}`, ts: now - BigInt(count - i) * 3_000_000_000n, node: `node-${i % 2}` };
    if (e.k8s) e.k8s = { ...e.k8s, namespace: ns, pod: `${ns}-web-${i % 4}`, pod_uid: `uid-${ns}-${i % 4}`, workload_name: `${ns}-web` };
    else e.enrichment = 'host';
    e.process = sampleProcess({ pid: 5000 + i, comm: i % 4 === 0 ? 'curl' : 'python3', exe: i % 4 === 0 ? '/usr/bin/curl' : '/usr/bin/python3', args: [i % 4 === 0 ? 'curl' : 'python3', `job-${i}`] });
    out.push(e);
  }
  return out;
}

export const isCurl = (e: Event) => e.process?.comm === 'curl';

/** An event with a 10 kB argv and a 4 kB path: it must render legibly. */
export function hugeEvent(now = BigInt(Date.now()) * 1_000_000n): Event {
  const e = sampleEnrichedEvent('file_open', { id: 'huge-1', ts: now - 60_000_000_000n });
  e.k8s = { ...e.k8s!, namespace: 'shop', pod: 'shop-web-0', pod_uid: 'uid-shop-0' };
  e.process = sampleProcess({ pid: 7777, comm: 'python3', args: ['python3', '-c', 'x'.repeat(10_240)] });
  e.file = { ...e.file!, path: `/data/${'deep/'.repeat(820)}file.txt` };
  return e;
}

/** agent_stats reports (host events) with kernel drops, so the pipeline panel has loss to show. */
export function agentStats(n: number, dropsEach: number, now = BigInt(Date.now()) * 1_000_000n): Event[] {
  return Array.from({ length: n }, (_, i) => {
    const e = sampleEvent('agent_stats', { id: `stats-${i}`, ts: now - BigInt(i + 1) * 10_000_000_000n, node: `node-${i % 2}` });
    e.stats = { ...e.stats!, kernel_drops: dropsEach, kernel_drops_by_kind: { file_open: dropsEach } };
    return e;
  });
}

const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

export function worldAlerts(events: Event[], n: number, now = BigInt(Date.now()) * 1_000_000n): Alert[] {
  return Array.from({ length: n }, (_, i) => {
    const ev = events[i * 7 % events.length]!;
    return sampleAlert({
      id: `wa-${i}`, ts: now - BigInt(n - i) * 30_000_000_000n, severity: SEVERITIES[i % 4]!, event: ev,
      rule: { id: i % 2 ? 'rule-a' : 'rule-b', name: i % 2 ? 'Rule A' : 'Rule B', version: 1 },
      message: `seeded alert ${i} in ${ev.k8s?.namespace ?? 'host'}`,
    });
  });
}
