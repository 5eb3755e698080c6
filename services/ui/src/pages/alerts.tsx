import { useEffect, useMemo, useState } from 'react';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { get, post } from '../api/client';
import { followAlerts, type LiveStatus } from '../api/live';
import type { Alert, AlertDetail, Page } from '../api/types';
import { useCan } from '../auth/session';
import { Clip, Cell, argv } from '../components/clip';
import { Drawer } from '../components/drawer';
import { AncestryTree } from '../components/event-detail';
import { FilterBar } from '../components/filter-bar';
import { ErrorBox, Empty, Loading, QueryState } from '../components/states';
import { TimeRangePicker } from '../components/time-range-picker';
import { VirtualTable, type Column } from '../components/virtual-table';
import { formatCount, formatShortTime, formatTime, useTimeRange } from '../lib/time-range';
import { useLoadMore } from '../lib/load-more';
import { useUrlFilters, useUrlParam, type FilterSpec } from '../lib/url-filters';

const FILTERS: readonly FilterSpec[] = [
  { name: 'severity', label: 'Severity', multi: true, placeholder: 'high, critical' },
  { name: 'state', label: 'State', multi: true, placeholder: 'open, acknowledged' },
  { name: 'namespace', label: 'Namespace', multi: true },
  { name: 'rule', label: 'Rule id', multi: true },
];

const matches = (a: Alert, f: Record<string, string | string[]>) =>
  (['severity', 'state', 'namespace'] as const).every((k) => !f[k] || (f[k] as string[]).includes(a[k])) && (!f.rule || (f.rule as string[]).includes(a.rule_id));

export const Severity = ({ s }: { s: string }) => <span className={`sev sev-${s}`}>{s}</span>;

const COLUMNS: Column<Alert & { live?: boolean }>[] = [
  { id: 'time', header: 'Time', width: '13rem', cell: (a) => <>{a.live && <span className="badge live" aria-label="arrived live">new</span>}<time dateTime={a.time} title={a.time}>{formatShortTime(a.time)}</time></> },
  { id: 'sev', header: 'Severity', width: '6rem', cell: (a) => <Severity s={a.severity} /> },
  { id: 'state', header: 'State', width: '7.5rem', cell: (a) => <span className={`state-${a.state}`}>{a.state}{a.assignee ? ` · ${a.assignee}` : ''}</span> },
  { id: 'rule', header: 'Rule', width: 'minmax(8rem, 1fr)', cell: (a) => <Cell text={a.rule_name || a.rule_id} /> },
  { id: 'where', header: 'Namespace / pod', width: 'minmax(8rem, 1fr)', cell: (a) => <Cell text={a.namespace ? `${a.namespace}/${a.pod}` : a.node} /> },
  { id: 'msg', header: 'Message', width: 'minmax(10rem, 3fr)', cell: (a) => <Cell text={a.message} /> },
];

export default function Alerts() {
  const [range, setRange] = useTimeRange('7d');
  const [filters, setFilters] = useUrlFilters(FILTERS);
  const [open, setOpen] = useUrlParam('alert');
  const [live, setLive] = useState<Alert[]>([]);
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [announce, setAnnounce] = useState('');

  useEffect(() => followAlerts((a) => {
    setLive((l) => [a, ...l.filter((x) => x.id !== a.id)].slice(0, 1000));
    setAnnounce(`New ${a.severity} alert: ${a.rule_name} in ${a.namespace || a.node}`);
  }, (s) => setStatus(s)), []);

  const q = useInfiniteQuery({
    queryKey: ['alerts', range.id, range.label, filters],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => get<Page<Alert>>('/alerts', { ...range.resolve(), ...filters, limit: 500, cursor: pageParam }, signal),
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = useMemo(() => {
    const stored = q.data?.pages.flatMap((p) => p.items) ?? [];
    const seen = new Set(stored.map((a) => a.id));
    return [...live.filter((a) => !seen.has(a.id) && matches(a, filters)).map((a) => ({ ...a, live: true })), ...stored];
  }, [q.data, live, filters]);
  const more = useLoadMore(q);

  return (
    <div className="page page-fill">
      <div className="page-head">
        <h1>Alerts</h1>
        <div className="toolbar">
          <TimeRangePicker key={range.id + range.label} range={range} onChange={setRange} />
          <span className={`live-status live-${status}`} data-testid="live-status" role="status">
            {status === 'live' ? '● Live' : status === 'connecting' ? 'Connecting…' : status === 'retrying' ? 'Reconnecting…' : 'Live updates off'}
          </span>
        </div>
      </div>
      <div className="sr-only" aria-live="polite">{announce}</div>
      <FilterBar key={JSON.stringify(filters)} specs={FILTERS} values={filters} onApply={setFilters} label="Alert filters" />
      <p className="muted" data-testid="alerts-count">{q.isPending ? '' : `${formatCount(rows.length)} alerts${q.hasNextPage ? ' — more load as you scroll' : ''}`}</p>
      {q.isPending ? <Loading what="alerts" />
        : q.error && rows.length === 0 ? <ErrorBox error={q.error} retry={() => void q.refetch()} title="Could not load alerts" />
          : rows.length === 0 ? <Empty>No alerts match in {range.label.toLowerCase()}. New ones appear here as they arrive.</Empty>
            : <VirtualTable rows={rows} columns={COLUMNS} rowKey={(a) => a.id} onOpen={(a) => setOpen(a.id)} onNearEnd={more} label="Alerts" activeKey={open} />}
      {open && (
        <Drawer title="Alert detail" onClose={() => setOpen(null)}>
          <AlertDetailView id={open} />
        </Drawer>
      )}
    </div>
  );
}

interface EventJson {
  id?: string; kind?: string; node?: string;
  process?: { pid: number; comm: string; exe: string; args: string[]; uid: number; ancestors?: Array<{ pid: number; comm: string; exe: string; args: string[] }> } | null;
  k8s?: { namespace?: string | null; pod?: string | null; container?: string | null; workload_kind?: string | null; workload_name?: string | null; image?: string | null; service_account?: string | null; privileged?: boolean } | null;
  file?: { path?: string } | null;
  net?: { dst_addr?: string; dst_port?: number } | null;
}

function AlertDetailView({ id }: { id: string }) {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['alert', id], queryFn: ({ signal }) => get<AlertDetail>(`/alerts/${encodeURIComponent(id)}`, undefined, signal) });
  const canWrite = useCan('alerts:write');
  const [comment, setComment] = useState('');
  const [assignee, setAssignee] = useState<string | null>(null);
  const act = useMutation({
    mutationFn: ({ path, body }: { path: string; body: unknown }) => post<Alert>(`/alerts/${encodeURIComponent(id)}/${path}`, body),
    onSuccess: () => {
      setComment('');
      void qc.invalidateQueries({ queryKey: ['alert', id] });
      void qc.invalidateQueries({ queryKey: ['alerts'] });
    },
  });
  return (
    <QueryState q={q} what="the alert">
      {({ alert: a, event, history }) => {
        const e = event as EventJson;
        const p = e.process;
        return (
          <div className="detail">
            <section aria-labelledby="a-head">
              <h3 id="a-head"><Severity s={a.severity} /> {a.rule_name} <span className="muted">({a.rule_id} v{a.rule_version})</span></h3>
              <p className="clip-text"><Clip text={a.message} max={400} label="message" /></p>
              <dl className="fields">
                <dt>State</dt><dd data-testid="alert-state">{a.state}{a.assignee ? `, assigned to ${a.assignee}` : ''}</dd>
                <dt>Time</dt><dd>{formatTime(a.time)}</dd>
                <dt>Where</dt><dd>{a.namespace ? `${a.namespace}/${a.pod}` : `host ${a.node}`}{a.container ? ` (container ${a.container})` : ''}</dd>
                {a.mitre.length > 0 && <><dt>ATT&amp;CK</dt><dd>{a.mitre.join(', ')}</dd></>}
                {a.tags.length > 0 && <><dt>Tags</dt><dd>{a.tags.join(', ')}</dd></>}
              </dl>
            </section>
            {canWrite && (
              <section aria-labelledby="a-actions" className="actions">
                <h3 id="a-actions">Workflow</h3>
                <div className="button-row">
                  {a.state === 'open' && <button type="button" onClick={() => act.mutate({ path: 'ack', body: {} })}>Acknowledge</button>}
                  {a.state !== 'resolved' && <button type="button" onClick={() => act.mutate({ path: 'resolve', body: {} })}>Resolve</button>}
                  {a.state !== 'open' && <button type="button" onClick={() => act.mutate({ path: 'reopen', body: {} })}>Reopen</button>}
                </div>
                <form className="inline-form" onSubmit={(ev) => {
                  ev.preventDefault();
                  act.mutate({ path: 'assignee', body: { assignee: assignee ?? a.assignee } });
                }}>
                  <label>Assignee <input value={assignee ?? a.assignee} onChange={(ev) => setAssignee(ev.target.value)} placeholder="user name (empty: unassign)" maxLength={128} /></label>
                  <button type="submit">Assign</button>
                </form>
                <form onSubmit={(ev) => {
                  ev.preventDefault();
                  if (comment.trim()) act.mutate({ path: 'comments', body: { text: comment } });
                }}>
                  <label className="block">Comment<textarea value={comment} onChange={(ev) => setComment(ev.target.value)} rows={3} maxLength={10_000} /></label>
                  <button type="submit" disabled={!comment.trim()}>Add comment</button>
                </form>
                {act.error && <ErrorBox error={act.error} title="The change was refused" />}
              </section>
            )}
            <section aria-labelledby="a-event">
              <h3 id="a-event">Triggering event</h3>
              <dl className="fields">
                <dt>Kind</dt><dd>{e.kind ?? a.event_kind}</dd>
                {p && <><dt>Process</dt><dd>{p.comm} <span className="muted">pid {p.pid}, uid {p.uid}</span></dd>
                  <dt>Executable</dt><dd><code className="clip-text"><Clip text={p.exe} label="path" /></code></dd>
                  <dt>Arguments</dt><dd><code className="clip-text"><Clip text={argv(p.args)} label="arguments" /></code></dd></>}
                {e.file?.path && <><dt>File</dt><dd><code className="clip-text"><Clip text={e.file.path} label="path" /></code></dd></>}
                {e.net?.dst_addr && <><dt>Destination</dt><dd>{e.net.dst_addr}:{e.net.dst_port}</dd></>}
                {e.k8s && <><dt>Pod</dt><dd>{e.k8s.namespace}/{e.k8s.pod} {e.k8s.container && `(${e.k8s.container})`}</dd>
                  <dt>Workload</dt><dd>{e.k8s.workload_kind} {e.k8s.workload_name}</dd>
                  <dt>Image</dt><dd className="clip-text">{e.k8s.image}</dd>
                  {e.k8s.privileged && <><dt>Privileged</dt><dd className="bad">yes</dd></>}</>}
              </dl>
              {p && <AncestryTree ancestry={p.ancestors ?? []} self={p} />}
              <p><Link to={`/events?range=30d&event=${encodeURIComponent(a.event_id)}`}>Open the event with its related events</Link></p>
              <details><summary>Raw event</summary><pre className="raw" tabIndex={0}>{JSON.stringify(event, null, 2)}</pre></details>
            </section>
            <section aria-labelledby="a-history">
              <h3 id="a-history">History</h3>
              {history.length === 0 ? <p className="muted">No changes yet.</p> : (
                <ol className="history" data-testid="alert-history">
                  {history.map((h, i) => (
                    <li key={i}><time dateTime={h.time}>{formatTime(h.time)}</time> <strong>{h.actor}</strong> {h.action}{h.assignee && h.action === 'assign' ? ` → ${h.assignee}` : ''} <span className="muted">({h.state})</span>
                      {h.comment && <blockquote className="clip-text"><Clip text={h.comment} max={500} label="comment" /></blockquote>}</li>
                  ))}
                </ol>
              )}
            </section>
          </div>
        );
      }}
    </QueryState>
  );
}

