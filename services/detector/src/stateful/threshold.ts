import type { Event, StatefulMatch } from '@tracehound/schemas';
import type { CompiledThreshold } from '../engine/rule-set.js';

interface Hit {
  ts: bigint;
  offset: bigint;
  id: string;
}

/** The last `count` matching events of one key, oldest first, and the last window bucket alerted. */
export interface ThresholdState {
  hits: Hit[];
  firedBucket: bigint;
}

export const newThreshold = (): ThresholdState => ({ hits: [], firedBucket: -1n });

export interface ThresholdFire {
  match: StatefulMatch;
  /** The alert id part: one alert per key and window bucket (floor(ts / window)). */
  idPart: string;
}

/**
 * Counts one matching event. Fires when the last `count` matches of the key lie within the
 * window, at most once per window bucket. Only the last `count` matches are kept, so memory
 * is bounded by the count, however hard a key is hit.
 */
export function countHit(spec: CompiledThreshold, s: ThresholdState, key: string, event: Event, offset: bigint): ThresholdFire | undefined {
  s.hits.push({ ts: event.ts, offset, id: event.id });
  if (s.hits.length > spec.count) s.hits.shift();
  if (s.hits.length < spec.count) return undefined;
  const first = s.hits[0]!;
  if (event.ts - first.ts >= spec.windowNs) return undefined;
  const bucket = event.ts / spec.windowNs;
  if (bucket === s.firedBucket) return undefined;
  s.firedBucket = bucket;
  return {
    idPart: `threshold\0${key}\0${bucket}`,
    match: { type: 'threshold', key, window_start: first.ts, window_end: event.ts, count: s.hits.length, event_ids: s.hits.map((h) => h.id) },
  };
}

/** Drops hits that left the window; returns the oldest offset still needed, or undefined. */
export function expireThreshold(spec: CompiledThreshold, s: ThresholdState, watermark: bigint): bigint | undefined {
  while (s.hits.length && watermark - s.hits[0]!.ts >= spec.windowNs) s.hits.shift();
  return s.hits[0]?.offset;
}
