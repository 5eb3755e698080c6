import { Type, type Static } from '@sinclair/typebox';
import { AgentConfig, ApiConfig, ApiTlsConfig, K8sAuditConfig, ClickHouseConfig, CommonConfig, DetectorConfig, EnricherConfig, NotifierConfig, PlatformConfig, RetentionConfig, SinkConfig } from '@tracehound/config';

/** Everything the all-in-one process reads: the variables of every hosted service, defined once each in packages/config. */
export const PlatformProcessConfig = Type.Composite([
  CommonConfig, ClickHouseConfig, RetentionConfig, EnricherConfig, DetectorConfig, SinkConfig, ApiConfig, K8sAuditConfig, ApiTlsConfig, AgentConfig, PlatformConfig, NotifierConfig,
]);
export type PlatformSettings = Static<typeof PlatformProcessConfig>;
