/**
 * A large synthetic events table for the API benchmarks, generated inside ClickHouse
 * (INSERT … SELECT FROM numbers()) so 10M rows take minutes, not hours: 50 namespaces of 20 pods,
 * 8 nodes, 8 kinds, 30 commands, file and network fields, over the last 7 days. Roll-ups fill
 * through the materialized views as in production.
 */
import { EVENTS, insertColumns, type ClickHouseClient } from '@tracehound/clickhouse';

export const NAMESPACES = 50;

const EXPR: Record<string, string> = {
  ts: 'now64(9) - toIntervalMillisecond(intDiv(number * 604800000, {n:UInt64})) - toIntervalNanosecond(number % 1000000)',
  id: "concat('b-', toString(number))",
  node: "concat('node-', toString(number % 8))",
  kind: "['process_exec','file_open','net_connect','process_exit','file_write','capability_use','priv_change','net_accept'][(number % 8) + 1]",
  enrichment: "if(number % 20 = 0, 'host', 'resolved')",
  has_k8s: 'number % 20 != 0',
  cluster: "'prod'",
  namespace: `if(number % 20 = 0, '', concat('ns-', toString(cityHash64(number, 1) % ${NAMESPACES})))`,
  pod: `if(number % 20 = 0, '', concat('ns-', toString(cityHash64(number, 1) % ${NAMESPACES}), '-pod-', toString(cityHash64(number, 2) % 20)))`,
  pod_uid: 'toString(cityHash64(number, 2) % 1000)',
  container: "['app','sidecar','init'][(number % 3) + 1]",
  image: "concat('registry/app:', toString(number % 7))",
  workload: `concat('ns-', toString(cityHash64(number, 1) % ${NAMESPACES}), '-web')`,
  pod_labels: "map('app', 'web', 'team', concat('t', toString(number % 5)))",
  has_process: '1',
  pid: 'toUInt32(1000 + number % 30000)',
  tid: 'toUInt32(1000 + number % 30000)',
  ppid: 'toUInt32(900 + number % 300)',
  uid: "toUInt32(if(number % 7 = 0, 0, 1000))",
  comm: "['bash','sh','curl','wget','python3','java','node','nginx','postgres','redis-server','kubectl','apt','pip','ssh','nc','cat','ls','grep','awk','sed','tar','gzip','openssl','dig','ping','ps','top','vim','less','env'][(cityHash64(number, 3) % 30) + 1]",
  exe: "concat('/usr/bin/', ['bash','sh','curl','wget','python3','java','node','nginx','postgres','redis-server','kubectl','apt','pip','ssh','nc','cat','ls','grep','awk','sed','tar','gzip','openssl','dig','ping','ps','top','vim','less','env'][(cityHash64(number, 3) % 30) + 1])",
  args: "['-c', concat('job-', toString(number % 100000)), if(number % 1000 = 0, 'curl http://169.254.169.254/latest', 'run')]",
  process_start: 'now64(9) - toIntervalSecond(number % 86400)',
  container_id: 'hex(cityHash64(number, 2) % 1000)',
  ancestor_pids: '[toUInt32(900 + number % 300), toUInt32(1)]',
  ancestor_comms: "['containerd-shim', 'systemd']",
  ancestor_exes: "['/usr/bin/containerd-shim-runc-v2', '/usr/lib/systemd/systemd']",
  ancestor_args: "[['containerd-shim'], ['/sbin/init']]",
  file_path: "if(number % 8 IN (1, 4), concat(['/etc/','/var/log/','/tmp/','/usr/lib/'][(number % 4) + 1], 'f', toString(number % 500)), '')",
  net_family: "if(number % 8 IN (2, 7), 'inet', '')",
  net_direction: "if(number % 8 = 2, 'outbound', if(number % 8 = 7, 'inbound', ''))",
  net_dst_addr: "if(number % 8 IN (2, 7), concat('10.', toString(number % 4), '.', toString(number % 250), '.', toString(number % 200)), '')",
  net_dst_port: "toUInt16(if(number % 8 IN (2, 7), [443, 80, 5432, 6379][(number % 4) + 1], 0))",
  details: "'{}'",
  kafka_topic: "'bench'",
  kafka_partition: 'toUInt32(number % 6)',
  kafka_offset: 'number',
};

/** Fills `<database>.events` with `n` rows unless it already holds them; returns seconds spent (0 when reused). */
export async function ensureBenchEvents(ch: ClickHouseClient, database: string, n: number, log: (s: string) => void): Promise<number> {
  const have = Number((await (await ch.query({ query: `SELECT count() AS c FROM ${database}.events`, format: 'JSONEachRow' })).json<{ c: string }>())[0]!.c);
  if (have >= n) return 0;
  const cols = insertColumns(EVENTS).filter((c) => EXPR[c] !== undefined);
  const t0 = Date.now();
  const step = 1_000_000;
  for (let from = have; from < n; from += step) {
    const count = Math.min(step, n - from);
    await ch.command({
      query: `INSERT INTO ${database}.events (${cols.join(', ')}) SELECT ${cols.map((c) => EXPR[c]).join(', ')} FROM numbers(${from}, ${count})`,
      query_params: { n },
    });
    log(`  generated ${from + count} / ${n} rows (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  return (Date.now() - t0) / 1000;
}
