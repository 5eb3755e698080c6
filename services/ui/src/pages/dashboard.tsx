import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { get } from '../api/client';
import type { PipelineHealth, Series, TopItem } from '../api/types';
import { Chart, SEVERITY_COLORS, barOption, timeSeriesOption } from '../components/chart';
import { QueryState } from '../components/states';
import { RefreshPicker, TimeRangePicker } from '../components/time-range-picker';
import { formatCount, formatTime, useTimeRange, type TimeRange } from '../lib/time-range';

const EVENT_SPLITS = ['kind', 'namespace', 'node'] as const;
const ALERT_SPLITS = ['severity', 'namespace', 'rule'] as const;

function useDashboardQuery<T>(key: unknown[], range: TimeRange, refresh: number, path: string, extra: Record<string, string | number> = {}, enabled = true) {
  return useQuery({
    queryKey: [path, range.id, range.label, refresh, ...key],
    queryFn: ({ signal }) => get<T>(path, { ...range.resolve(), ...extra }, signal),
    refetchInterval: refresh || false,
    placeholderData: (prev) => prev,
    enabled,
  });
}

const sum = (s: Series) => s.points.reduce((n, p) => n + p.count, 0);

export default function Dashboard() {
  const [range, setRange] = useTimeRange('24h');
  const [params, setParams] = useSearchParams();
  const refresh = Number(params.get('refresh') ?? 0);
  const eventsBy = (EVENT_SPLITS as readonly string[]).includes(params.get('eventsBy') ?? '') ? params.get('eventsBy')! : 'kind';
  const alertsBy = (ALERT_SPLITS as readonly string[]).includes(params.get('alertsBy') ?? '') ? params.get('alertsBy')! : 'severity';
  const setParam = (k: string, v: string) => setParams((p) => {
    const n = new URLSearchParams(p);
    n.set(k, v);
    return n;
  });

  const events = useDashboardQuery<Series>([eventsBy], range, refresh, '/stats/events/timeseries', { interval: range.interval, by: eventsBy });
  const alerts = useDashboardQuery<Series>([alertsBy], range, refresh, '/stats/alerts/timeseries', { interval: range.interval, by: alertsBy });
  // The charts first: the top lists and pipeline figures scan raw rows, and on a busy store they
  // would otherwise queue ahead of the roll-up queries the first chart needs.
  const chartsDone = !events.isPending && !alerts.isPending;
  const eventOption = useMemo(() => events.data && timeSeriesOption(events.data.points, { kind: 'line' }), [events.data]);
  const alertOption = useMemo(() => alerts.data && timeSeriesOption(alerts.data.points, { kind: 'bar', ...(alertsBy === 'severity' ? { colors: SEVERITY_COLORS } : {}) }), [alerts.data, alertsBy]);

  return (
    <div className="page">
      <div className="page-head">
        <h1>Overview</h1>
        <div className="toolbar">
          <TimeRangePicker key={range.id + range.label} range={range} onChange={setRange} />
          <RefreshPicker value={refresh} onChange={(ms) => setParam('refresh', String(ms))} />
          {(events.isFetching || alerts.isFetching) && <span className="muted" role="status">Refreshing…</span>}
        </div>
      </div>

      <section className="grid-2">
        <div className="card" aria-labelledby="events-title">
          <div className="card-head">
            <h2 id="events-title">Events over time</h2>
            <label>Split by{' '}
              <select value={eventsBy} onChange={(e) => setParam('eventsBy', e.target.value)}>{EVENT_SPLITS.map((d) => <option key={d}>{d}</option>)}</select>
            </label>
          </div>
          <QueryState q={events} what="event counts" empty={(d) => d.points.length === 0 && `No events stored in ${range.label.toLowerCase()}.`}>
            {(d) => (
              <>
                <p className="total">Total <strong data-testid="events-total">{formatCount(sum(d))}</strong> events</p>
                <Chart option={eventOption!} testId="events-chart" summary={`Events over time by ${eventsBy}: ${formatCount(sum(d))} in total`} />
              </>
            )}
          </QueryState>
        </div>
        <div className="card" aria-labelledby="alerts-title">
          <div className="card-head">
            <h2 id="alerts-title">Alerts over time</h2>
            <label>Split by{' '}
              <select value={alertsBy} onChange={(e) => setParam('alertsBy', e.target.value)}>{ALERT_SPLITS.map((d) => <option key={d}>{d}</option>)}</select>
            </label>
          </div>
          <QueryState q={alerts} what="alert counts" empty={(d) => d.points.length === 0 && `No alerts in ${range.label.toLowerCase()}.`}>
            {(d) => (
              <>
                <p className="total">Total <strong data-testid="alerts-total">{formatCount(sum(d))}</strong> alerts</p>
                <Chart option={alertOption!} testId="alerts-chart" summary={`Alerts over time by ${alertsBy}: ${formatCount(sum(d))} in total`} />
              </>
            )}
          </QueryState>
        </div>
      </section>

      <section className="grid-4" aria-label="Top lists">
        <TopCard enabled={chartsDone} title="Top pods" range={range} refresh={refresh} path="/stats/events/top-detail" by="pod" link={(k) => { const [ns, pod] = k.split('/'); return `/events?namespace=${encodeURIComponent(ns ?? '')}&pod=${encodeURIComponent(pod ?? '')}`; }} />
        <TopCard enabled={chartsDone} title="Top processes" range={range} refresh={refresh} path="/stats/events/top-detail" by="process" link={(k) => `/events?comm=${encodeURIComponent(k)}`} />
        <TopCard enabled={chartsDone} title="Top destinations" range={range} refresh={refresh} path="/stats/events/top-detail" by="destination" />
        <TopCard enabled={chartsDone} title="Top rules" range={range} refresh={refresh} path="/stats/alerts/top" by="rule" link={(k) => `/alerts?rule=${encodeURIComponent(k)}`} />
      </section>

      <PipelinePanel enabled={chartsDone} range={range} refresh={refresh} />
    </div>
  );
}

function TopCard({ title, range, refresh, path, by, link, enabled }: { title: string; range: TimeRange; refresh: number; path: string; by: string; link?: (key: string) => string; enabled: boolean }) {
  const q = useDashboardQuery<{ items: TopItem[] }>([by], range, refresh, path, { by, limit: 10 }, enabled);
  const id = `top-${by}`;
  return (
    <div className="card" aria-labelledby={id} data-testid={id}>
      <h2 id={id}>{title}</h2>
      <QueryState q={q} what={title.toLowerCase()} empty={(d) => d.items.length === 0 && 'Nothing in this range.'}>
        {(d) => (
          <>
            <Chart option={barOption(d.items)} height={Math.max(120, d.items.length * 24)} summary={`${title}: ${d.items.map((i) => `${i.key} ${i.count}`).join(', ')}`} />
            <ol className="top-list">
              {d.items.map((i) => (
                <li key={i.key}>
                  {link ? <Link to={link(i.key)} className="cell-text" title={i.key}>{i.key || '(none)'}</Link> : <span className="cell-text" title={i.key}>{i.key || '(none)'}</span>}
                  <span className="num">{formatCount(i.count)}</span>
                </li>
              ))}
            </ol>
          </>
        )}
      </QueryState>
    </div>
  );
}

function Num({ n, bad, testId }: { n: number; bad?: boolean; testId?: string }) {
  return <td className={`num${bad && n > 0 ? ' bad' : ''}`} data-testid={testId}>{formatCount(n)}</td>;
}

/** Per-stage counters, drops and lag: loss is shown, never hidden. */
function PipelinePanel({ range, refresh, enabled }: { range: TimeRange; refresh: number; enabled: boolean }) {
  const q = useDashboardQuery<PipelineHealth>([], range, refresh, '/pipeline/health', {}, enabled);
  return (
    <section className="card" aria-labelledby="pipeline-title" data-testid="pipeline">
      <h2 id="pipeline-title">Pipeline health</h2>
      <QueryState q={q} what="pipeline health">
        {(h) => {
          const drops = h.agents ? h.agents.total.kernelDrops + h.agents.total.spoolDrops + h.agents.total.decodeErrors : 0;
          const lagging = h.kafka.stages.some((s) => s.lag > 0);
          return (
            <>
              <p role="status" className={drops || h.kafka.deadLetters ? 'notice bad' : lagging ? 'notice warn' : 'notice good'}>
                {drops ? `${formatCount(drops)} events lost or unreadable at the agents in this range. ` : ''}
                {h.kafka.deadLetters ? `${formatCount(h.kafka.deadLetters)} records in the dead-letter topic. ` : ''}
                {!drops && !h.kafka.deadLetters ? (lagging ? 'No loss recorded; some stages are behind.' : 'No loss recorded and no stage is behind.') : ''}
              </p>
              <div className="grid-2">
                <div>
                  <h3>Agents</h3>
                  {h.agents === null ? <p className="muted">Agent counters are host events, visible with a scope of all namespaces.</p>
                    : h.agents.nodes.length === 0 ? <p className="muted">No agent reported in this range.</p> : (
                      <div className="table-wrap">
                        <table className="data">
                          <caption className="sr-only">Agent counters per node</caption>
                          <thead><tr><th scope="col">Node</th><th scope="col">Events read</th><th scope="col">Kernel drops</th><th scope="col">Decode errors</th><th scope="col">Spool drops</th><th scope="col">In spool</th><th scope="col">Loader restarts</th><th scope="col">Last report</th></tr></thead>
                          <tbody>
                            {h.agents.nodes.map((n) => (
                              <tr key={n.node}><th scope="row" className="cell-text">{n.node}</th><Num n={n.events} /><Num n={n.kernelDrops} bad /><Num n={n.decodeErrors} bad /><Num n={n.spoolDrops} bad /><Num n={n.spoolRecords} /><Num n={n.loaderRestarts} bad /><td>{n.lastReport ? formatTime(n.lastReport) : '—'}</td></tr>
                            ))}
                            <tr className="total-row"><th scope="row">All nodes</th><Num n={h.agents.total.events} testId="agent-events" /><Num n={h.agents.total.kernelDrops} bad testId="agent-kernel-drops" /><Num n={h.agents.total.decodeErrors} bad /><Num n={h.agents.total.spoolDrops} bad /><Num n={h.agents.total.spoolRecords} /><Num n={h.agents.total.loaderRestarts} bad /><td /></tr>
                          </tbody>
                        </table>
                      </div>
                    )}
                </div>
                <div>
                  <h3>Kafka stages</h3>
                  {!h.kafka.available ? <p className="muted">{h.kafka.reason ?? 'Kafka figures are unavailable.'}</p> : (
                    <div className="table-wrap">
                      <table className="data">
                        <caption className="sr-only">Consumer lag per stage</caption>
                        <thead><tr><th scope="col">Stage</th><th scope="col">Topic</th><th scope="col">Produced</th><th scope="col">Consumed</th><th scope="col">Lag</th></tr></thead>
                        <tbody>
                          {h.kafka.stages.map((s) => (
                            <tr key={`${s.stage}-${s.topic}`}><th scope="row">{s.stage}</th><td className="cell-text" title={s.topic}>{s.topic}</td><Num n={s.end} /><Num n={s.committed} /><Num n={s.lag} bad /></tr>
                          ))}
                          <tr><th scope="row">dead letters</th><td /><td /><td /><Num n={h.kafka.deadLetters} bad testId="dead-letters" /></tr>
                        </tbody>
                      </table>
                    </div>
                  )}
                  <p>Stored in this range ({h.stored.description}): <strong data-testid="stored-events">{formatCount(h.stored.events)}</strong> events, <strong>{formatCount(h.stored.alerts)}</strong> alerts.</p>
                </div>
              </div>
            </>
          );
        }}
      </QueryState>
    </section>
  );
}
