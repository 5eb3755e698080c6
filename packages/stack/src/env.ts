import { resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import { DataDirConfig, StackConfig, loadConfig, type Environment } from '@tracehound/config';
import type { RegistryStorage, StackSettings } from './settings.js';

const Schema = Type.Composite([DataDirConfig, StackConfig]);

/**
 * Reads the stack's variables (validated by @tracehound/config) and resolves paths against the
 * working directory, so pid files written by `up` are found by `down` run from the same place.
 */
export function loadStackSettings(env: Environment = process.env): StackSettings {
  const c = loadConfig(Schema, env);
  const dataDir = resolve(c.TRACEHOUND_DATA_DIR);
  return {
    dataDir,
    cacheDir: resolve(c.TRACEHOUND_CACHE_DIR ?? `${dataDir}/cache`),
    java: c.TRACEHOUND_JAVA,
    mvn: c.TRACEHOUND_MVN,
    ...(c.TRACEHOUND_MAVEN_REPO ? { mavenRepo: resolve(c.TRACEHOUND_MAVEN_REPO) } : {}),
    kafka: {
      version: c.TRACEHOUND_KAFKA_VERSION,
      port: c.TRACEHOUND_KAFKA_PORT,
      controllerPort: c.TRACEHOUND_KAFKA_CONTROLLER_PORT,
      heap: c.TRACEHOUND_KAFKA_HEAP,
    },
    registry: {
      version: c.TRACEHOUND_REGISTRY_VERSION,
      port: c.TRACEHOUND_REGISTRY_PORT,
      heap: c.TRACEHOUND_REGISTRY_HEAP,
      storage: c.TRACEHOUND_REGISTRY_STORAGE as RegistryStorage,
      compatibility: c.TRACEHOUND_REGISTRY_COMPATIBILITY,
    },
    startTimeoutMs: c.TRACEHOUND_STACK_START_TIMEOUT_MS,
    stopGraceMs: c.TRACEHOUND_STACK_STOP_GRACE_MS,
  };
}

/** Command-line flags win over configuration. */
export function withStorage(s: StackSettings, storage: RegistryStorage | undefined): StackSettings {
  return storage ? { ...s, registry: { ...s.registry, storage } } : s;
}
