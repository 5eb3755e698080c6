import { Type, type TObject } from '@sinclair/typebox';
import {
  AgentConfig, ApiConfig, ClickHouseConfig, CommonConfig, DataDirConfig, DetectorConfig, EnricherConfig, LocalKubeConfig,
  PlatformConfig, RetentionConfig, SimulateConfig, SinkConfig, StackConfig,
} from '@tracehound/config';

/**
 * The configuration each long-running `tracehound` command validates at start, composed as its
 * main.ts composes it (test/commands.test.ts holds the two equal where a service exports its
 * schema). The configuration reference and the manifest checks are built from this list.
 */
export const COMMAND_CONFIGS: Record<string, TObject> = {
  agent: Type.Composite([CommonConfig, AgentConfig]),
  enricher: Type.Composite([CommonConfig, EnricherConfig]),
  detector: Type.Composite([CommonConfig, DetectorConfig]),
  sink: Type.Composite([CommonConfig, ClickHouseConfig, RetentionConfig, SinkConfig]),
  api: Type.Composite([CommonConfig, ClickHouseConfig, RetentionConfig, ApiConfig]),
  up: Type.Composite([CommonConfig, ClickHouseConfig, RetentionConfig, EnricherConfig, DetectorConfig, SinkConfig, ApiConfig, AgentConfig, PlatformConfig]),
  simulate: Type.Composite([CommonConfig, Type.Pick(EnricherConfig, ['TRACEHOUND_KUBECONFIG']), SimulateConfig]),
  stack: Type.Composite([DataDirConfig, StackConfig]),
  kube: Type.Composite([DataDirConfig, Type.Pick(StackConfig, ['TRACEHOUND_CACHE_DIR', 'TRACEHOUND_STACK_START_TIMEOUT_MS', 'TRACEHOUND_STACK_STOP_GRACE_MS']), LocalKubeConfig]),
};
