import { TracehoundError } from '@tracehound/errors';
import { existsSync } from 'node:fs';

/** Namespaces a scenario's process gets beyond the usual (UTS, IPC and a private mount namespace). */
export type ExtraNamespace = 'net';

export interface Scenario {
  /** Also the container's name in the imitated pod, so a DNS label. */
  name: string;
  /** The default rule (rules/*.json) that must fire. */
  rule: string;
  /** What it imitates, for the report and `--list`. */
  what: string;
  extra?: ExtraNamespace[];
  /** Why it cannot be shown on this machine; undefined when it can. */
  unavailable?: () => string | undefined;
}

/**
 * The attack imitations, one per line: the action of the same name in workload.py does it.
 * Each is harmless and cleans up after itself; network ones stay inside a namespace of their own.
 */
export const SCENARIOS: Scenario[] = [
  { name: 'terminal-shell', rule: 'terminal-shell-in-container', what: 'a shell started on a terminal (pty) in the container' },
  { name: 'sensitive-file-read', rule: 'read-sensitive-file', what: 'cat /etc/shadow (to /dev/null)' },
  { name: 'token-read', rule: 'service-account-token-read', what: 'cat of a service-account token (a fake one, on a private tmpfs)' },
  { name: 'reverse-shell-dup', rule: 'stdio-redirected-to-socket', what: 'a TCP socket (to a local listener) duplicated onto stdout' },
  { name: 'memfd-exec', rule: 'fileless-memfd-exec', what: 'a copy of /bin/true executed from a memfd' },
  { name: 'tmp-drop-exec', rule: 'exec-from-temp-dir', what: 'a binary dropped under /tmp, made executable and run' },
  { name: 'k8s-api-connect', rule: 'k8s-api-from-container', what: 'a connect to 10.96.0.1:443, a listener of its own in a new network namespace', extra: ['net'] },
  { name: 'metadata-connect', rule: 'cloud-metadata-connect', what: 'a connect to 169.254.169.254:80, a listener of its own in a new network namespace', extra: ['net'] },
  { name: 'crypto-miner-args', rule: 'crypto-miner-stratum-args', what: '/bin/true run as "xmrig --url stratum+tcp://…"' },
  {
    name: 'module-load', rule: 'kernel-module-load', what: 'finit_module on /dev/null (refused by the kernel)',
    unavailable: () => (existsSync('/proc/modules') ? undefined : 'this kernel has no module support (no /proc/modules), so it has no module tracepoints'),
  },
  { name: 'ptrace', rule: 'ptrace-attach', what: 'PTRACE_ATTACH to a child of its own' },
  { name: 'setuid-root', rule: 'setuid-root-by-non-root', what: 'uid 65534 back to root through a saved uid of 0' },
  { name: 'log-clearing', rule: 'log-file-deleted', what: 'a log file of its own under /var/log deleted' },
];

/** The named scenarios (all when none is named); an unknown name is an error naming the known ones. */
export function selectScenarios(names: string[]): Scenario[] {
  if (!names.length) return SCENARIOS;
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length) throw new TracehoundError('TH_ERR_INVALID_INPUT', `unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return SCENARIOS.filter((s) => names.includes(s.name));
}
