import { useMemo } from 'react';
import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { get } from '../api/client';
import type { EventRow, Page } from '../api/types';
import { Cell } from '../components/clip';
import { Drawer } from '../components/drawer';
import { EventDetailView, summary } from '../components/event-detail';
import { FilterBar } from '../components/filter-bar';
import { Empty, ErrorBox, Loading } from '../components/states';
import { TimeRangePicker } from '../components/time-range-picker';
import { VirtualTable, type Column } from '../components/virtual-table';
import { formatCount, formatShortTime, useTimeRange } from '../lib/time-range';
import { useLoadMore } from '../lib/load-more';
import { useUrlFilters, useUrlParam, type FilterSpec } from '../lib/url-filters';

/** Every filter of GET /api/v1/events (services/api/src/schemas/events.ts), with the same names. */
const FILTERS: readonly FilterSpec[] = [
  { name: 'namespace', label: 'Namespace', multi: true },
  { name: 'pod', label: 'Pod', multi: true },
  { name: 'container', label: 'Container', multi: true },
  { name: 'workload', label: 'Workload', multi: true },
  { name: 'node', label: 'Node', multi: true },
  { name: 'kind', label: 'Kind', multi: true, placeholder: 'process_exec, file_open' },
  { name: 'comm', label: 'Command', multi: true },
  { name: 'exe', label: 'Executable', multi: true },
  { name: 'uid', label: 'User id', multi: true, inputMode: 'numeric' },
  { name: 'port', label: 'Dest. port', multi: true, inputMode: 'numeric' },
  { name: 'enrichment', label: 'Enrichment', multi: true, placeholder: 'resolved, host' },
  { name: 'path', label: 'Path prefix', placeholder: '/etc/' },
  { name: 'dst', label: 'Destination IP/CIDR', placeholder: '10.0.0.0/8' },
  { name: 'q', label: 'Text in arguments' },
  { name: 'order', label: 'Order', options: ['desc', 'asc'] },
];

/** What a row of the table keeps: a few short fields, so 100k rows stay light in memory. */
interface Row { id: string; time: string; kind: string; namespace: string; pod: string; node: string; comm: string; summary: string }
const toRow = (e: EventRow): Row => ({
  id: e.id, time: e.time, kind: e.kind, namespace: e.namespace, pod: e.pod, node: e.node, comm: e.comm,
  summary: summary(e).slice(0, 500),
});

const COLUMNS: Column<Row>[] = [
  { id: 'time', header: 'Time', width: '11rem', cell: (r) => <time dateTime={r.time} title={r.time}>{formatShortTime(r.time)}</time> },
  { id: 'kind', header: 'Kind', width: '9rem', cell: (r) => <span className="badge">{r.kind}</span> },
  { id: 'ns', header: 'Namespace', width: 'minmax(6rem, 1fr)', cell: (r) => <Cell text={r.namespace || '(host)'} /> },
  { id: 'pod', header: 'Pod / node', width: 'minmax(8rem, 1.4fr)', cell: (r) => <Cell text={r.pod || r.node} /> },
  { id: 'comm', header: 'Process', width: '8rem', cell: (r) => <Cell text={r.comm} /> },
  { id: 'what', header: 'Path / destination / arguments', width: 'minmax(10rem, 3fr)', cell: (r) => <Cell text={r.summary} /> },
];

export default function Events() {
  const [range, setRange] = useTimeRange('24h');
  const [filters, setFilters] = useUrlFilters(FILTERS);
  const [open, setOpen] = useUrlParam('event');

  const qc = useQueryClient();
  const key = ['events', range.id, range.label, filters];
  const q = useInfiniteQuery({
    queryKey: key,
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam, signal }) => {
      const page = await get<Page<EventRow>>('/events', { ...range.resolve(), ...filters, limit: 1000, cursor: pageParam }, signal);
      return { rows: page.items.map(toRow), nextCursor: page.nextCursor };
    },
    getNextPageParam: (last) => last.nextCursor,
    // The table keeps a frozen "to" per search: pages after the first continue the same window.
    staleTime: Infinity,
  });
  const rows = useMemo(() => q.data?.pages.flatMap((p) => p.rows) ?? [], [q.data]);
  const more = useLoadMore(q);

  return (
    <div className="page page-fill">
      <div className="page-head">
        <h1>Events</h1>
        <div className="toolbar">
          <TimeRangePicker key={range.id + range.label} range={range} onChange={setRange} />
          {/* Back to the newest rows: one request, not a re-fetch of every page scrolled through. */}
          <button type="button" onClick={() => void qc.resetQueries({ queryKey: key, exact: true })}>Refresh</button>
        </div>
      </div>
      <FilterBar key={JSON.stringify(filters)} specs={FILTERS} values={filters} onApply={setFilters} label="Event filters" />
      <p className="muted" role="status" data-testid="events-count">
        {q.isPending ? '' : `${formatCount(rows.length)} events loaded${q.hasNextPage ? ' — more load as you scroll' : ''}`}
        {q.isFetchingNextPage ? ' · loading more…' : ''}
      </p>
      {q.isPending ? <Loading what="events" />
        : q.error && rows.length === 0 ? <ErrorBox error={q.error} retry={() => void q.refetch()} title="Could not load events" />
          : rows.length === 0 ? <Empty>No events match these filters in {range.label.toLowerCase()}. Widen the time range or clear filters.</Empty>
            : <VirtualTable rows={rows} columns={COLUMNS} rowKey={(r) => r.id} onOpen={(r) => setOpen(r.id)} onNearEnd={more} label="Events" activeKey={open} />}
      {q.error && rows.length > 0 && <ErrorBox error={q.error} retry={more} title="Could not load more events" />}
      {open && (
        <Drawer title="Event detail" onClose={() => setOpen(null)}>
          <EventDetailView id={open} onOpen={setOpen} />
        </Drawer>
      )}
    </div>
  );
}
