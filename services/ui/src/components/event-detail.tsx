import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client';
import type { Ancestor, EventDetail, EventRow } from '../api/types';
import { formatTime } from '../lib/time-range';
import { Clip, argv } from './clip';
import { QueryState } from './states';

/** What a person reads first about an event: where it went (path, destination) or what ran. */
export function summary(e: Pick<EventRow, 'file_path' | 'net_dst_addr' | 'net_dst_port' | 'args' | 'exe'>): string {
  if (e.file_path) return e.file_path;
  if (e.net_dst_addr) return `${e.net_dst_addr}:${e.net_dst_port}`;
  const a = argv(e.args);
  return a || e.exe || '';
}

function Field({ name, children }: { name: string; children: React.ReactNode }) {
  return <><dt>{name}</dt><dd>{children}</dd></>;
}

/** The process and its ancestors as a tree: the oldest ancestor at the top, the event's process last. */
export function AncestryTree({ ancestry, self }: { ancestry: Ancestor[]; self: Ancestor }) {
  const chain = [...ancestry].reverse().concat([self]);
  const node = (i: number): React.ReactNode => {
    const a = chain[i]!;
    const leaf = i === chain.length - 1;
    return (
      <li role="treeitem" aria-expanded={leaf ? undefined : true} aria-selected={leaf} aria-level={i + 1}>
        <span className={leaf ? 'proc proc-self' : 'proc'}>
          <strong>{a.comm || '?'}</strong> <span className="muted">pid {a.pid}</span>{' '}
          {a.exe && <code className="clip-text"><Clip text={a.exe} max={120} label="path" /></code>}
          {a.args.length > 0 && <div className="proc-args"><Clip text={argv(a.args)} max={160} label="arguments" /></div>}
        </span>
        {!leaf && <ul role="group">{node(i + 1)}</ul>}
      </li>
    );
  };
  return <ul className="tree" role="tree" aria-label="Process ancestry" data-testid="ancestry-tree">{node(0)}</ul>;
}

function Kubernetes({ e }: { e: EventRow }) {
  if (!e.namespace && !e.pod) return <p className="muted">A host process: no pod{e.enrichment ? ` (enrichment: ${e.enrichment})` : ''}.</p>;
  const flags = (['privileged', 'host_pid', 'host_network', 'host_ipc'] as const).filter((f) => e[f]);
  const labels = Object.entries(e.pod_labels ?? {});
  return (
    <dl className="fields" data-testid="k8s-context">
      <Field name="Namespace">{e.namespace}</Field>
      <Field name="Pod"><span className="clip-text">{e.pod}</span></Field>
      <Field name="Container">{e.container || '—'}</Field>
      <Field name="Workload">{e.workload ? `${e.workload_kind || 'workload'} ${e.workload}` : '—'}</Field>
      <Field name="Image"><span className="clip-text">{e.image || '—'}</span></Field>
      <Field name="Service account">{e.service_account || '—'}</Field>
      <Field name="Node">{e.k8s_node || e.node}</Field>
      {flags.length > 0 && <Field name="Risky settings"><span className="bad">{flags.join(', ')}</span></Field>}
      {e.host_path_mounts?.length > 0 && <Field name="Host paths"><Clip text={e.host_path_mounts.join(', ')} label="host paths" /></Field>}
      {labels.length > 0 && <Field name="Labels"><span className="chips">{labels.map(([k, v]) => <span key={k} className="chip clip-text">{k}={v}</span>)}</span></Field>}
    </dl>
  );
}

export function EventBody({ e }: { e: EventRow }) {
  return (
    <dl className="fields">
      <Field name="Time">{formatTime(e.time)} <span className="muted">({e.ts} ns)</span></Field>
      <Field name="Kind">{e.kind}</Field>
      <Field name="Node">{e.node}</Field>
      {e.has_process && <>
        <Field name="Process">{e.comm} <span className="muted">pid {e.pid}, ppid {e.ppid}, uid {e.uid}{e.euid !== e.uid ? `, euid ${e.euid}` : ''}</span></Field>
        <Field name="Executable"><code className="clip-text"><Clip text={e.exe} label="path" /></code></Field>
        <Field name="Arguments"><code className="clip-text" data-testid="event-args"><Clip text={argv(e.args)} label="arguments" /></code>{e.args_truncated && <span className="badge">truncated by the kernel</span>}</Field>
        {e.cwd && <Field name="Working dir"><Clip text={e.cwd} label="path" /></Field>}
      </>}
      {e.file_path && <Field name="File"><code className="clip-text" data-testid="event-path"><Clip text={e.file_path} label="path" /></code>{e.file_new_path && <> → <Clip text={e.file_new_path} label="path" /></>}</Field>}
      {e.net_dst_addr && <Field name="Connection">{e.net_direction} {e.net_src_addr}:{e.net_src_port} → {e.net_dst_addr}:{e.net_dst_port}</Field>}
      {e.result !== 0 && <Field name="Result">{e.result}</Field>}
    </dl>
  );
}

/** The drawer's content for one event id: the event, its ancestry tree, related events, Kubernetes context, the raw record. */
export function EventDetailView({ id, onOpen }: { id: string; onOpen: (id: string) => void }) {
  const q = useQuery({ queryKey: ['event', id], queryFn: ({ signal }) => get<EventDetail>(`/events/${encodeURIComponent(id)}`, undefined, signal) });
  return (
    <QueryState q={q} what="the event">
      {({ event: e, ancestry, related }) => (
        <div className="detail">
          <section aria-labelledby="d-event"><h3 id="d-event">Event</h3><EventBody e={e} /></section>
          <section aria-labelledby="d-tree">
            <h3 id="d-tree">Process ancestry</h3>
            {e.has_process ? <AncestryTree ancestry={ancestry} self={{ pid: e.pid, comm: e.comm, exe: e.exe, args: e.args }} /> : <p className="muted">This event has no process.</p>}
          </section>
          <section aria-labelledby="d-k8s"><h3 id="d-k8s">Kubernetes</h3><Kubernetes e={e} /></section>
          <section aria-labelledby="d-related">
            <h3 id="d-related">Other events of this process ({related.length}{related.length >= 200 ? '+' : ''})</h3>
            {related.length === 0 ? <p className="muted">None stored.</p> : (
              <ul className="related" data-testid="related-events">
                {related.map((r) => (
                  <li key={r.id}>
                    <button type="button" className="link" onClick={() => onOpen(r.id)}>{formatTime(r.time)} · {r.kind}</button>{' '}
                    <span className="cell-text muted">{summary(r).slice(0, 200)}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="d-raw">
            <h3 id="d-raw">Raw record</h3>
            <pre className="raw" tabIndex={0} aria-label="Raw event JSON" data-testid="raw-record">{JSON.stringify(e, null, 2)}</pre>
          </section>
        </div>
      )}
    </QueryState>
  );
}
