import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { StackSettings } from './settings.js';

export interface PortUse {
  port: number;
  /** What listens there, for the "port taken" message. */
  what: string;
  /** The variable that moves it. */
  variable: string;
}

export interface SpawnSpec {
  command: string;
  args: string[];
  cwd: string;
}

/**
 * One process of the stack. The stack starts components in list order and stops them in
 * reverse; adding a component is one module plus one line in stack.ts.
 */
export interface Component {
  name: string;
  ports: PortUse[];
  /** Where clients reach it, for humans. */
  endpoint: string;
  /** The process's stdout and stderr go here. */
  outFile: string;
  /** Every log worth reading when it fails, outFile included. */
  logFiles: string[];
  /**
   * A JVM argument naming the data dir and component. A pid is only ever signalled when its
   * command line carries this, so a pid reused by an unrelated process is never touched.
   */
  marker: string;
  /** A JVM argument hashing the settings it was started with, to notice a changed config. */
  fingerprint: string;
  /** Downloads (once, cached), writes config files; returns how to start the process. */
  prepare(): Promise<SpawnSpec>;
  /** Resolves when the component answers clients; throws a retriable error until then. */
  probe(): Promise<void>;
}

export function markerArg(s: StackSettings, name: string): string {
  return `-Dtracehound.stack=${join(s.dataDir, name)}`;
}

export function fingerprintArg(settings: unknown): string {
  const hash = createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16);
  return `-Dtracehound.stack.settings=${hash}`;
}
