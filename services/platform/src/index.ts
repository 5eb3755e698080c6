export { startPlatform, type Platform, type PlatformDeps, type ServiceState } from './app.js';
export { PlatformProcessConfig, type PlatformSettings } from './config.js';
export { HOSTED } from './hosted/index.js';
export { threadable } from './hosted/types.js';
export type { HostContext, HostedService, MainThreadService, Running, ServiceContext, Skipped, ThreadableService } from './hosted/types.js';
export { agentUnavailable } from './hosted/agent.js';
export { noCluster } from './no-cluster.js';
export { up, banner, type UpOptions } from './main.js';
export { assertWritableDir, claimDataDir } from './preflight.js';
