import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

/** A filter of a list view: its URL/API parameter, label, whether it repeats, and input hints. */
export interface FilterSpec {
  name: string;
  label: string;
  multi?: boolean;
  placeholder?: string;
  options?: readonly string[];
  inputMode?: 'numeric';
}

/** The values of these filters from the URL: repeatable ones as arrays (?kind=a&kind=b), others as strings. */
export function useUrlFilters(specs: readonly FilterSpec[]): [Record<string, string | string[]>, (next: Record<string, string | string[]>) => void] {
  const [params, setParams] = useSearchParams();
  const values = useMemo(() => {
    const v: Record<string, string | string[]> = {};
    for (const s of specs) {
      const all = params.getAll(s.name).filter((x) => x !== '' || s.name === 'enrichment');
      if (all.length) v[s.name] = s.multi ? all : all[0]!;
    }
    return v;
  }, [params, specs]);
  const set = useCallback((next: Record<string, string | string[]>) => {
    setParams((prev) => {
      const p = new URLSearchParams(prev);
      for (const s of specs) p.delete(s.name);
      for (const [k, v] of Object.entries(next)) for (const x of Array.isArray(v) ? v : [v]) if (x !== '' || k === 'enrichment') p.append(k, x);
      return p;
    });
  }, [setParams, specs]);
  return [values, set];
}

/** "a, b" → ["a", "b"] for a repeatable filter typed in one box. */
export const splitList = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/** One URL parameter (e.g. the open drawer's id, so a link shows the same record): its value and a setter (null removes it). */
export function useUrlParam(name: string): [string | null, (value: string | null) => void] {
  const [params, setParams] = useSearchParams();
  const set = useCallback((value: string | null) => setParams((prev) => {
    const p = new URLSearchParams(prev);
    if (value) p.set(name, value);
    else p.delete(name);
    return p;
  }), [name, setParams]);
  return [params.get(name), set];
}
