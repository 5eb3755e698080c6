import { join } from 'node:path';

/**
 * Everything the stack needs, resolved once from configuration (env.ts) so the rest of the
 * package takes plain values and tests can build settings without touching the environment.
 */
export interface StackSettings {
  /** Absolute; holds logs, pid files, Kafka's log dirs and the registry's scratch space. */
  dataDir: string;
  /** Absolute; downloaded jars, shareable between data dirs (tests point every stack at one). */
  cacheDir: string;
  java: string;
  mvn: string;
  mavenRepo?: string;
  kafka: { version: string; port: number; controllerPort: number; heap: string };
  registry: { version: string; port: number; heap: string; storage: RegistryStorage; compatibility: string };
  startTimeoutMs: number;
  stopGraceMs: number;
}

export type RegistryStorage = 'mem' | 'kafkasql';

/** The stack listens on loopback only: nothing it starts is reachable from another machine. */
export const HOST = '127.0.0.1';

/** Where each thing lives under the data dir; one place so down/status find what up wrote. */
export function layout(s: StackSettings) {
  return {
    logs: join(s.dataDir, 'logs'),
    run: join(s.dataDir, 'run'),
    kafka: join(s.dataDir, 'kafka'),
    registry: join(s.dataDir, 'registry'),
    pidFile: (name: string) => join(s.dataDir, 'run', `${name}.pid`),
  };
}
