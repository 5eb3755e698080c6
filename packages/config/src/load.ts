import envSchema from 'env-schema';
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import type { Static, TObject } from '@sinclair/typebox';
import { TracehoundError } from '@tracehound/errors';

/** Variable that names an optional dotenv-style file; real environment values win over it. */
export const CONFIG_FILE_VARIABLE = 'TRACEHOUND_CONFIG_FILE';

export type Environment = Record<string, string | undefined>;

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Names the variable an Ajv error is about and the form it expects. */
function describe(schema: TObject, err: AjvError, data: Environment): string {
  const variable = err.keyword === 'required' ? String(err.params.missingProperty) : err.instancePath.replace(/^\//, '').split('/')[0] ?? '';
  const prop = schema.properties[variable] as { description?: string; examples?: unknown[] } | undefined;
  const expected = prop?.description ?? err.message ?? 'a valid value';
  const example = prop?.examples?.[0] !== undefined ? ` (e.g. ${String(prop.examples[0])})` : '';
  const got = err.keyword === 'required' ? 'it is not set' : `got ${JSON.stringify(data[variable])}`;
  return `${variable}: expected ${expected}${example}, ${got} (${err.message ?? err.keyword})`;
}

function readConfigFile(path: string): Environment {
  try {
    return parseEnv(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new TracehoundError('TH_ERR_CONFIG', `${CONFIG_FILE_VARIABLE}: cannot read ${path}: ${(cause as Error).message}`, { cause, details: { variable: CONFIG_FILE_VARIABLE } });
  }
}

/**
 * Validates configuration once, at start-up, against a TypeBox schema with defaults.
 * Sources, later wins: the file named by TRACEHOUND_CONFIG_FILE, then the environment.
 * A wrong value throws TH_ERR_CONFIG whose message names every offending variable.
 */
export function loadConfig<S extends TObject>(schema: S, env: Environment = process.env, overrides: Environment = {}): Static<S> {
  const file = env[CONFIG_FILE_VARIABLE];
  // Command-line flags (overrides) win over the environment, which wins over the file.
  const merged: Environment = { ...(file ? readConfigFile(file) : {}), ...env, ...overrides };
  const data: Record<string, string> = {};
  for (const key of Object.keys(schema.properties)) {
    const v = merged[key];
    if (v !== undefined && v !== '') data[key] = v;
  }
  try {
    // env-schema mutates the schema it gets (additionalProperties); give it a copy.
    return envSchema({ schema: structuredClone(schema), data, env: false, dotenv: false }) as Static<S>;
  } catch (cause) {
    const errors = ((cause as { errors?: AjvError[] }).errors ?? []);
    const lines = errors.length ? errors.map((e) => describe(schema, e, data)) : [(cause as Error).message];
    throw new TracehoundError('TH_ERR_CONFIG', `invalid configuration:\n  ${[...new Set(lines)].join('\n  ')}`, {
      cause,
      details: { variables: errors.map((e) => e.instancePath.replace(/^\//, '') || String(e.params.missingProperty)) },
    });
  }
}
