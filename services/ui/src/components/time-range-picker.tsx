import { useState } from 'react';
import { PRESETS, fromLocalInput, toLocalInput, type TimeRange } from '../lib/time-range';

/** Preset ranges and a custom from/to; the choice lives in the URL. */
export function TimeRangePicker({ range, onChange }: { range: TimeRange; onChange: (n: { range: string } | { from: string; to: string }) => void }) {
  const [custom, setCustom] = useState(range.id === 'custom');
  const r = range.resolve();
  const [from, setFrom] = useState(toLocalInput(r.from));
  const [to, setTo] = useState(toLocalInput(r.to));
  const [error, setError] = useState('');
  return (
    <div className="range-picker" role="group" aria-label="Time range">
      <label>
        <span className="sr-only">Time range</span>
        <select value={custom ? 'custom' : range.id} onChange={(e) => {
          if (e.target.value === 'custom') setCustom(true);
          else {
            setCustom(false);
            onChange({ range: e.target.value });
          }
        }}>
          {PRESETS.map((p) => <option key={p.id} value={p.id}>{p.label}</option>)}
          <option value="custom">Custom…</option>
        </select>
      </label>
      {custom && (
        <form className="inline-form" onSubmit={(e) => {
          e.preventDefault();
          if (!from || !to || Date.parse(from) >= Date.parse(to)) return setError('From must be before to');
          setError('');
          onChange({ from: fromLocalInput(from), to: fromLocalInput(to) });
        }}>
          <label>From <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
          <label>To <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} /></label>
          <button type="submit">Apply</button>
          {error && <span className="field-error" role="alert">{error}</span>}
        </form>
      )}
    </div>
  );
}

export const REFRESH_CHOICES = [
  { ms: 0, label: 'Off' },
  { ms: 10_000, label: '10 s' },
  { ms: 30_000, label: '30 s' },
  { ms: 60_000, label: '1 min' },
];

export function RefreshPicker({ value, onChange }: { value: number; onChange: (ms: number) => void }) {
  return (
    <label className="refresh-picker">
      Auto-refresh{' '}
      <select value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {REFRESH_CHOICES.map((c) => <option key={c.ms} value={c.ms}>{c.label}</option>)}
      </select>
    </label>
  );
}
