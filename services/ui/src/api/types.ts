/**
 * Shapes of the API's JSON, as declared by its TypeBox schemas (services/api/src/schemas/*.ts,
 * also served as OpenAPI at /docs/json). Kept in step with them by the UI's browser tests,
 * which run against the real API.
 */
export type Role = 'viewer' | 'analyst' | 'admin';
export type Scope = '*' | string[];

export interface Me { username: string; role: Role; namespaces: Scope; auth: string }
export interface User { username: string; role: Role; namespaces: Scope; disabled: boolean; createdAt: string }
export interface LoginReply { token: string; expiresAt: string; user: User }
export interface TokenInfo { id: string; name: string; username: string; createdAt: string; expiresAt: string | null; revoked: boolean }

export interface Page<T> { items: T[]; nextCursor: string | null }

/** An event row (flattened columns of the events table) — the fields the UI reads. */
export interface EventRow {
  id: string; ts: string; time: string; node: string; kind: string; enrichment: string;
  namespace: string; pod: string; pod_uid: string; container: string; image: string; workload: string; workload_kind: string;
  service_account: string; owner_kind: string; owner_name: string; cluster: string; k8s_node: string;
  pod_labels: Record<string, string>; namespace_labels: Record<string, string>;
  privileged: boolean; host_pid: boolean; host_network: boolean; host_ipc: boolean; host_path_mounts: string[];
  has_process: boolean; pid: number; ppid: number; uid: number; euid: number; gid: number; comm: string; exe: string; args: string[]; args_truncated: boolean;
  cwd: string; tty: string; container_id: string; cgroup_path: string;
  file_path: string; file_new_path: string; net_dst_addr: string; net_dst_port: number; net_src_addr: string; net_src_port: number; net_direction: string;
  result: number; details: Record<string, unknown>;
  [column: string]: unknown;
}
export interface Ancestor { pid: number; comm: string; exe: string; args: string[] }
export interface EventDetail { event: EventRow; ancestry: Ancestor[]; related: EventRow[] }

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export type AlertState = 'open' | 'acknowledged' | 'resolved';
export interface Alert {
  id: string; ts: string; time: string; rule_id: string; rule_name: string; rule_version: number; severity: string; tags: string[]; mitre: string[];
  message: string; stateful: Record<string, unknown> | null; event_id: string; event_ts: string; event_kind: string;
  namespace: string; pod: string; container: string; workload: string; node: string; comm: string; state: AlertState; assignee: string;
}
export interface AlertHistoryEntry { time: string; actor: string; action: string; state: AlertState; assignee: string; comment: string }
export interface AlertDetail { alert: Alert; event: Record<string, unknown>; history: AlertHistoryEntry[] }

export interface SeriesPoint { time: string; key: string; count: number }
export interface Series { interval: string; points: SeriesPoint[] }
export interface TopItem { key: string; count: number }

export interface Rule { id: string; name?: string; description?: string; severity?: string; tags?: string[]; enabled?: boolean; version?: number; [k: string]: unknown }
export interface RuleHistoryEntry { version: number; time: string; actor: string; action: string; enabled: boolean; deleted: boolean; rule: Rule | null }
export interface RuleIssue { pointer: string; message: string }
export interface BacktestResult {
  evaluated: number; matched: number; byNamespace: Record<string, number>; truncated: boolean; reason?: string; tookMs: number;
  matches: Array<{ id: string; ts: string; time: string; namespace: string; pod: string; kind: string; comm: string }>;
}

export interface AgentCounters { reports: number; events: number; kernelDrops: number; decodeErrors: number; spoolDrops: number; loaderRestarts: number; spoolRecords: number; lastReport: string | null }
export interface PipelineHealth {
  from: string; to: string;
  agents: { total: AgentCounters; nodes: Array<AgentCounters & { node: string }> } | null;
  stored: { events: number; alerts: number; description: string };
  kafka: { available: boolean; reason?: string; stages: Array<{ stage: string; group: string; topic: string; end: number; committed: number; lag: number }>; deadLetters: number };
}
