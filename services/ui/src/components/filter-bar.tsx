import { useState, type FormEvent } from 'react';
import { splitList, type FilterSpec } from '../lib/url-filters';

/**
 * A form of filters; repeatable ones take a comma-separated list. Applied on submit (Enter),
 * so typing never fires a query per key.
 */
export function FilterBar({ specs, values, onApply, label }: { specs: readonly FilterSpec[]; values: Record<string, string | string[]>; onApply: (v: Record<string, string | string[]>) => void; label: string }) {
  const initial = () => Object.fromEntries(specs.map((s) => [s.name, Array.isArray(values[s.name]) ? (values[s.name] as string[]).join(', ') : ((values[s.name] as string | undefined) ?? '')]));
  const [draft, setDraft] = useState<Record<string, string>>(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const out: Record<string, string | string[]> = {};
    for (const s of specs) {
      const v = (draft[s.name] ?? '').trim();
      if (!v) continue;
      out[s.name] = s.multi ? splitList(v) : v;
    }
    onApply(out);
  };
  return (
    <form className="filters" onSubmit={submit} aria-label={label} role="search">
      {specs.map((s) => (
        <label key={s.name}>
          {s.label}
          {s.options ? (
            <select value={draft[s.name] ?? ''} onChange={(e) => setDraft({ ...draft, [s.name]: e.target.value })}>
              <option value="">any</option>
              {s.options.map((o) => <option key={o} value={o}>{o}</option>)}
            </select>
          ) : (
            <input name={s.name} value={draft[s.name] ?? ''} placeholder={s.placeholder ?? (s.multi ? 'a, b, …' : '')} inputMode={s.inputMode}
              onChange={(e) => setDraft({ ...draft, [s.name]: e.target.value })} />
          )}
        </label>
      ))}
      <div className="filter-actions">
        <button type="submit" className="primary">Apply filters</button>
        <button type="button" onClick={() => {
          setDraft(Object.fromEntries(specs.map((s) => [s.name, ''])));
          onApply({});
        }}>Clear</button>
      </div>
    </form>
  );
}
