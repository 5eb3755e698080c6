import { useMemo, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { diffLines } from 'diff';
import { ApiError, get, post, api } from '../api/client';
import type { BacktestResult, Rule, RuleHistoryEntry, RuleIssue } from '../api/types';
import { useCan } from '../auth/session';
import { JsonEditor, syntaxDiagnostics } from '../components/json-editor';
import { ErrorBox, Empty, QueryState } from '../components/states';
import { formatCount, formatTime, fromLocalInput, toLocalInput } from '../lib/time-range';
import { Severity } from './alerts';

const NEW_RULE: Rule = {
  id: 'my-new-rule',
  name: 'A descriptive name',
  description: 'What this rule detects and why it matters.',
  severity: 'medium',
  tags: ['incubating'],
  condition: { all: [{ fact: 'kind', operator: 'equal', value: 'process_exec' }, { fact: 'process.comm', operator: 'equal', value: 'nc' }] },
  output: '{process.comm} ran in {k8s.namespace}/{k8s.pod}',
};

export default function Rules() {
  const [params, setParams] = useSearchParams();
  const selected = params.get('rule');
  const select = (id: string | null) => setParams((p) => {
    const n = new URLSearchParams(p);
    if (id) n.set('rule', id);
    else n.delete('rule');
    return n;
  });
  const canWrite = useCan('rules:write');
  const canBacktest = useCan('rules:backtest');
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['rules'], queryFn: ({ signal }) => get<{ items: Rule[] }>('/rules', undefined, signal) });
  const [filter, setFilter] = useState('');
  const toggle = useMutation({
    mutationFn: (r: Rule) => post<Rule>(`/rules/${encodeURIComponent(r.id)}/${r.enabled === false ? 'enable' : 'disable'}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['rules'] }),
  });
  const shown = useMemo(() => (list.data?.items ?? []).filter((r) => !filter || `${r.id} ${r.name ?? ''} ${(r.tags ?? []).join(' ')}`.toLowerCase().includes(filter.toLowerCase())), [list.data, filter]);

  return (
    <div className="page">
      <div className="page-head">
        <h1>Rules</h1>
        <div className="toolbar">
          <label>Find <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="id, name, tag" /></label>
          {canWrite && <button type="button" className="primary" onClick={() => select('new')}>New rule</button>}
        </div>
      </div>
      <div className="split">
        <section className="card rule-list" aria-label="Rules in force">
          <QueryState q={list} what="rules" empty={(d) => d.items.length === 0 && 'No rules are in force. Detectors seed the default set when they start.'}>
            {() => (
              <>
                {toggle.error && <ErrorBox error={toggle.error} title="Could not change the rule" />}
                <table className="data">
                  <caption className="sr-only">Rules</caption>
                  <thead><tr><th scope="col">Rule</th><th scope="col">Severity</th><th scope="col">Enabled</th></tr></thead>
                  <tbody>
                    {shown.map((r) => (
                      <tr key={r.id} className={r.id === selected ? 'selected' : ''}>
                        <td><button type="button" className="link" onClick={() => select(r.id)} aria-current={r.id === selected}>{r.name ?? r.id}</button><div className="muted small cell-text">{r.id} · v{r.version ?? 1}</div></td>
                        <td><Severity s={String(r.severity ?? '')} /></td>
                        <td>{canWrite
                          ? <label className="switch"><input type="checkbox" checked={r.enabled !== false} disabled={toggle.isPending} onChange={() => toggle.mutate(r)} aria-label={`${r.enabled === false ? 'Enable' : 'Disable'} ${r.id}`} /></label>
                          : <span>{r.enabled === false ? 'off' : 'on'}</span>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {shown.length === 0 && <Empty>No rule matches “{filter}”.</Empty>}
              </>
            )}
          </QueryState>
        </section>
        <section className="card rule-edit" aria-label="Rule">
          {!selected ? <Empty>Choose a rule to see it{canWrite ? ', edit it' : ''} and its history{canBacktest ? ', or backtest it' : ''}.</Empty>
            : selected === 'new' ? <RuleEditor key="new" initial={NEW_RULE} isNew onSaved={(r) => select(r.id)} />
              : <ExistingRule key={selected} id={selected} />}
        </section>
      </div>
    </div>
  );
}

function ExistingRule({ id }: { id: string }) {
  const q = useQuery({ queryKey: ['rule', id], queryFn: ({ signal }) => get<Rule>(`/rules/${encodeURIComponent(id)}`, undefined, signal) });
  return (
    <QueryState q={q} what="the rule">
      {(r) => (
        <>
          <RuleEditor key={r.id} initial={r} isNew={false} onSaved={() => undefined} />
          <RuleHistory id={id} />
        </>
      )}
    </QueryState>
  );
}

/** The editable document: what the API returns minus `version`, which the API assigns. */
const editable = (r: Rule) => {
  const { version: _v, ...rest } = r;
  return `${JSON.stringify(rest, null, 2)}\n`;
};

function RuleEditor({ initial, isNew, onSaved }: { initial: Rule; isNew: boolean; onSaved: (r: Rule) => void }) {
  const canWrite = useCan('rules:write');
  const canBacktest = useCan('rules:backtest');
  const qc = useQueryClient();
  const [text, setText] = useState(() => editable(initial));
  const [issues, setIssues] = useState<RuleIssue[]>([]);
  const [saved, setSaved] = useState('');
  const syntax = useMemo(() => syntaxDiagnostics(text), [text]);
  const parsed = (): Rule | null => (syntax.length ? null : (JSON.parse(text) as Rule));
  const save = useMutation({
    mutationFn: async () => {
      const doc = parsed();
      if (!doc) throw new ApiError(400, 'JSON', 'The text is not valid JSON; fix the marked places first.');
      return isNew ? post<Rule>('/rules', doc) : api<Rule>('PUT', `/rules/${encodeURIComponent(initial.id)}`, { body: doc });
    },
    onMutate: () => setSaved(''),
    onSuccess: (r) => {
      setIssues([]);
      setSaved(`Saved as version ${r.version}.`);
      void qc.invalidateQueries({ queryKey: ['rules'] });
      void qc.invalidateQueries({ queryKey: ['rule', r.id] });
      void qc.invalidateQueries({ queryKey: ['rule-history', r.id] });
      onSaved(r);
    },
    onError: (e) => setIssues(e instanceof ApiError && e.issues ? e.issues : e instanceof ApiError && e.field ? [{ pointer: `/${e.field.replace(/\./g, '/')}`, message: e.message }] : []),
  });
  return (
    <div className="rule-editor">
      <h2>{isNew ? 'New rule' : <>{initial.name ?? initial.id} <span className="muted">v{initial.version ?? 1}</span></>}</h2>
      {!canWrite && <p className="muted">Read only: changing rules needs the analyst or admin role with all namespaces.</p>}
      <JsonEditor value={text} onChange={setText} readOnly={!canWrite} issues={issues} label={`Rule ${initial.id} as JSON`} />
      {syntax.length > 0 && <p className="field-error" role="alert">{syntax.length} JSON syntax error{syntax.length > 1 ? 's' : ''}: {syntax[0]!.message} (marked in the editor)</p>}
      {issues.length > 0 && (
        <div className="state state-error" role="alert" data-testid="rule-issues">
          <strong>The rule was refused:</strong>
          <ul>{issues.map((i, n) => <li key={n}><code>{i.pointer || '/'}</code> {i.message}</li>)}</ul>
        </div>
      )}
      {save.error && issues.length === 0 && <ErrorBox error={save.error} title="Could not save" />}
      {saved && <p className="notice good" role="status">{saved}</p>}
      {canWrite && <div className="button-row"><button type="button" className="primary" disabled={save.isPending} onClick={() => save.mutate()}>{save.isPending ? 'Saving…' : isNew ? 'Create rule' : 'Save new version'}</button></div>}
      {canBacktest && <Backtest doc={parsed} />}
    </div>
  );
}

function Backtest({ doc }: { doc: () => Rule | null }) {
  const [from, setFrom] = useState(() => toLocalInput(new Date(Date.now() - 86_400_000).toISOString()));
  const [to, setTo] = useState(() => toLocalInput(new Date(Date.now() + 60_000).toISOString()));
  const run = useMutation({
    mutationFn: () => {
      const rule = doc();
      if (!rule) throw new ApiError(400, 'JSON', 'The text is not valid JSON; fix it before a backtest.');
      return post<BacktestResult>('/rules/backtest', { rule, from: fromLocalInput(from), to: fromLocalInput(to), limit: 200 });
    },
  });
  const r = run.data;
  return (
    <section className="backtest" aria-labelledby="bt-title">
      <h3 id="bt-title">Backtest</h3>
      <form className="inline-form" onSubmit={(e) => {
        e.preventDefault();
        run.mutate();
      }}>
        <label>From <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
        <label>To <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} /></label>
        <button type="submit" disabled={run.isPending}>{run.isPending ? 'Running…' : 'Run backtest'}</button>
      </form>
      {run.isPending && <p role="status" className="muted">Replaying stored events through the rule…</p>}
      {run.error && <ErrorBox error={run.error} title="The backtest failed" />}
      {r && (
        <div data-testid="backtest-result">
          <p role="status"><strong data-testid="backtest-matched">{formatCount(r.matched)}</strong> matches in <strong>{formatCount(r.evaluated)}</strong> events evaluated ({(r.tookMs / 1000).toFixed(1)} s)
            {r.truncated && <span className="bad"> — stopped early: {r.reason}</span>}</p>
          {Object.keys(r.byNamespace).length > 0 && <p>By namespace: {Object.entries(r.byNamespace).sort((a, b) => b[1] - a[1]).map(([ns, n]) => `${ns || '(host)'} ${formatCount(n)}`).join(', ')}</p>}
          {r.matches.length === 0 ? <Empty>No stored event in this range matches the rule.</Empty> : (
            <div className="table-wrap">
              <table className="data">
                <caption className="sr-only">Matching events</caption>
                <thead><tr><th scope="col">Time</th><th scope="col">Kind</th><th scope="col">Namespace / pod</th><th scope="col">Process</th></tr></thead>
                <tbody>
                  {r.matches.map((m) => (
                    <tr key={m.id}>
                      <td><Link to={`/events?range=30d&event=${encodeURIComponent(m.id)}`}>{formatTime(m.time)}</Link></td>
                      <td>{m.kind}</td><td className="cell-text">{m.namespace ? `${m.namespace}/${m.pod}` : '(host)'}</td><td className="cell-text">{m.comm}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

function RuleHistory({ id }: { id: string }) {
  const q = useQuery({ queryKey: ['rule-history', id], queryFn: ({ signal }) => get<{ items: RuleHistoryEntry[] }>(`/rules/${encodeURIComponent(id)}/history`, undefined, signal) });
  const [pair, setPair] = useState<[number, number] | null>(null);
  return (
    <section className="history-panel" aria-labelledby="rh-title">
      <h3 id="rh-title">Version history</h3>
      <QueryState q={q} what="the history" empty={(d) => d.items.length === 0 && 'No changes were made through the API; this version came from the rules topic as it is.'}>
        {(d) => {
          const items = d.items;
          const [a, b] = pair ?? [Math.max(0, items.length - 2), items.length - 1];
          const left = items[a]?.rule ?? null;
          const right = items[b]?.rule ?? null;
          return (
            <>
              <ol className="history" data-testid="rule-history">
                {items.map((h, i) => (
                  <li key={`${h.version}-${i}`}>v{h.version} · {formatTime(h.time)} · <strong>{h.actor}</strong> {h.action}{h.deleted ? ' (deleted)' : h.enabled ? '' : ' (disabled)'}</li>
                ))}
              </ol>
              {items.length > 1 && (
                <>
                  <div className="inline-form">
                    <label>Compare <select value={a} onChange={(e) => setPair([Number(e.target.value), b])}>{items.map((h, i) => <option key={i} value={i}>v{h.version}</option>)}</select></label>
                    <label>with <select value={b} onChange={(e) => setPair([a, Number(e.target.value)])}>{items.map((h, i) => <option key={i} value={i}>v{h.version}</option>)}</select></label>
                  </div>
                  <Diff before={left ? editable(left) : ''} after={right ? editable(right) : ''} />
                </>
              )}
            </>
          );
        }}
      </QueryState>
    </section>
  );
}

function Diff({ before, after }: { before: string; after: string }) {
  const parts = useMemo(() => diffLines(before, after), [before, after]);
  if (before === after) return <p className="muted">The two versions are the same.</p>;
  return (
    <pre className="diff" tabIndex={0} aria-label="Differences between the versions" data-testid="rule-diff">
      {parts.map((p, i) => (
        <span key={i} className={p.added ? 'add' : p.removed ? 'del' : 'same'}>
          {p.value.split('\n').filter((l, j, all) => j < all.length - 1 || l !== '').map((l) => `${p.added ? '+ ' : p.removed ? '- ' : '  '}${l}\n`).join('')}
        </span>
      ))}
    </pre>
  );
}
