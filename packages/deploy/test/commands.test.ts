import t from 'tap';
import type { TObject } from '@sinclair/typebox';
import { AgentAppConfig } from '@tracehound/agent';
import { EnricherServiceConfig } from '@tracehound/enricher';
import { PlatformProcessConfig } from '@tracehound/platform';
import { ApiProcessConfig } from '@tracehound/api/main';
import { SinkProcessConfig } from '@tracehound/sink-clickhouse/main';
import { COMMAND_CONFIGS } from '../src/commands.js';

/**
 * The reference and the manifest checks use COMMAND_CONFIGS; the processes use their own
 * compositions. Where a service exports its schema, the two must name the same variables.
 */
const exported: Record<string, TObject> = { agent: AgentAppConfig, enricher: EnricherServiceConfig, sink: SinkProcessConfig, api: ApiProcessConfig, up: PlatformProcessConfig };

for (const [command, schema] of Object.entries(exported)) {
  t.test(`tracehound ${command}: the documented variables are the ones it reads`, async (t) => {
    t.same(Object.keys(COMMAND_CONFIGS[command]!.properties).sort(), Object.keys(schema.properties).sort());
  });
}
