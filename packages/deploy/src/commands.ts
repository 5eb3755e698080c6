import { Type, type TObject } from '@sinclair/typebox';
import { AgentAppConfig } from '@tracehound/agent';
import { ApiProcessConfig } from '@tracehound/api/main';
import {
  CommonConfig, DataDirConfig, DetectorConfig, EnricherConfig, LocalKubeConfig, NotifierConfig, SimulateConfig, StackConfig,
} from '@tracehound/config';
import { EnricherServiceConfig } from '@tracehound/enricher';
import { PlatformProcessConfig } from '@tracehound/platform';
import { SinkProcessConfig } from '@tracehound/sink-clickhouse/main';

/**
 * The configuration each `tracehound` command validates at start. Where a service exports its
 * schema it is used as is; the others are composed here exactly as their main.ts composes them.
 * The configuration reference and the deployment checks are built from this list.
 */
export const COMMAND_CONFIGS: Record<string, TObject> = {
  agent: AgentAppConfig,
  enricher: EnricherServiceConfig,
  detector: Type.Composite([CommonConfig, DetectorConfig]),
  sink: SinkProcessConfig,
  api: ApiProcessConfig,
  notifier: Type.Composite([CommonConfig, NotifierConfig]),
  up: PlatformProcessConfig,
  simulate: Type.Composite([CommonConfig, Type.Pick(EnricherConfig, ['TRACEHOUND_KUBECONFIG']), SimulateConfig]),
  stack: Type.Composite([DataDirConfig, StackConfig]),
  kube: Type.Composite([DataDirConfig, Type.Pick(StackConfig, ['TRACEHOUND_CACHE_DIR', 'TRACEHOUND_STACK_START_TIMEOUT_MS', 'TRACEHOUND_STACK_STOP_GRACE_MS']), LocalKubeConfig]),
};
