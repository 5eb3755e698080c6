import type { Event, StatefulMatch } from '@tracehound/schemas';
import type { CompiledSequence } from '../engine/rule-set.js';

interface Chain {
  startTs: bigint;
  startOffset: bigint;
  ids: string[];
}

/** For each step, the chain with the latest start that has reached it (latest start fits the window best). */
export interface SequenceState {
  levels: Array<Chain | undefined>;
}

export const newSequence = (steps: number): SequenceState => ({ levels: Array(steps).fill(undefined) });

export interface SequenceFire {
  match: StatefulMatch;
  idPart: string;
}

/**
 * Advances the chains of one key with an event that matched the steps in `matched` (indexes).
 * Steps are visited last first, so one event advances a chain by one step only. A completed
 * chain fires once; chains that started no later than it are dropped, later ones go on.
 */
export function advance(spec: CompiledSequence, s: SequenceState, key: string, event: Event, offset: bigint, matched: number[]): SequenceFire | undefined {
  const last = spec.steps.length - 1;
  let fired: Chain | undefined;
  for (let k = matched.length - 1; k >= 0; k--) {
    const i = matched[k]!;
    if (i === 0) {
      s.levels[0] = { startTs: event.ts, startOffset: offset, ids: [event.id] };
      continue;
    }
    const prev = s.levels[i - 1];
    if (!prev || event.ts - prev.startTs > spec.withinNs || event.ts < prev.startTs) continue;
    const chain = { ...prev, ids: [...prev.ids, event.id] };
    if (i === last) {
      if (!fired || chain.startTs > fired.startTs) fired = chain;
    } else if (!s.levels[i] || s.levels[i]!.startTs <= chain.startTs) {
      s.levels[i] = chain;
    }
  }
  if (!fired) return undefined;
  for (let i = 0; i < s.levels.length; i++) if (s.levels[i] && s.levels[i]!.startTs <= fired.startTs) s.levels[i] = undefined;
  return {
    idPart: `sequence\0${key}\0${fired.ids[0]}`,
    match: { type: 'sequence', key, window_start: fired.startTs, window_end: event.ts, count: fired.ids.length, event_ids: fired.ids },
  };
}

/** Drops chains that can no longer complete; returns the oldest offset still needed, or undefined. */
export function expireSequence(spec: CompiledSequence, s: SequenceState, watermark: bigint): bigint | undefined {
  let min: bigint | undefined;
  for (let i = 0; i < s.levels.length; i++) {
    const c = s.levels[i];
    if (!c) continue;
    if (watermark - c.startTs > spec.withinNs) s.levels[i] = undefined;
    else if (min === undefined || c.startOffset < min) min = c.startOffset;
  }
  return min;
}
