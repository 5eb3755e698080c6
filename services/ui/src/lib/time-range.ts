import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

/** Relative ranges a user picks; the series interval keeps a chart at a few hundred points at most. */
export const PRESETS = [
  { id: '15m', label: 'Last 15 minutes', ms: 15 * 60_000, interval: '1m' },
  { id: '1h', label: 'Last hour', ms: 3_600_000, interval: '1m' },
  { id: '6h', label: 'Last 6 hours', ms: 6 * 3_600_000, interval: '5m' },
  { id: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000, interval: '15m' },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000, interval: '1h' },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000, interval: '6h' },
] as const;

export interface TimeRange {
  /** The preset id, or 'custom'. */
  id: string;
  label: string;
  interval: string;
  /** ISO times, resolved now (relative ranges move with the clock). */
  resolve(): { from: string; to: string };
}

const INTERVAL_FOR = (ms: number) => (ms <= 2 * 3_600_000 ? '1m' : ms <= 12 * 3_600_000 ? '5m' : ms <= 2 * 86_400_000 ? '15m' : ms <= 14 * 86_400_000 ? '1h' : ms <= 60 * 86_400_000 ? '6h' : '1d');

export function rangeFrom(params: URLSearchParams, fallback = '24h'): TimeRange {
  const from = params.get('from');
  const to = params.get('to');
  if (from && to && !Number.isNaN(Date.parse(from)) && !Number.isNaN(Date.parse(to)) && Date.parse(from) < Date.parse(to)) {
    const ms = Date.parse(to) - Date.parse(from);
    return { id: 'custom', label: `${from} – ${to}`, interval: INTERVAL_FOR(ms), resolve: () => ({ from: new Date(from).toISOString(), to: new Date(to).toISOString() }) };
  }
  const p = PRESETS.find((x) => x.id === (params.get('range') ?? fallback)) ?? PRESETS.find((x) => x.id === fallback)!;
  return {
    id: p.id, label: p.label, interval: p.interval,
    resolve: () => {
      const now = Date.now();
      return { from: new Date(now - p.ms).toISOString(), to: new Date(now + 60_000).toISOString() };
    },
  };
}

/** The time range in the URL (?range=24h, or ?from=…&to=…), so a link shows the same window. */
export function useTimeRange(fallback = '24h'): [TimeRange, (next: { range: string } | { from: string; to: string }) => void] {
  const [params, setParams] = useSearchParams();
  const range = useMemo(() => rangeFrom(params, fallback), [params, fallback]);
  const set = useCallback((next: { range: string } | { from: string; to: string }) => {
    setParams((prev) => {
      const p = new URLSearchParams(prev);
      p.delete('range');
      p.delete('from');
      p.delete('to');
      p.delete('cursor');
      if ('range' in next) p.set('range', next.range);
      else {
        p.set('from', next.from);
        p.set('to', next.to);
      }
      return p;
    }, { replace: false });
  }, [setParams]);
  return [range, set];
}

/** `datetime-local` input value (local time) ↔ ISO. */
export const toLocalInput = (iso: string) => {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
export const fromLocalInput = (v: string) => new Date(v).toISOString();

export const formatTime = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
};
export const formatCount = (n: number) => n.toLocaleString('en-US');

/** Table cells: month, day and time to the second, in the user's time zone. */
export const formatShortTime = (iso: string) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
};
