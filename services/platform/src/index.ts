export { startPlatform, type Platform, type PlatformDeps, type ServiceState } from './app.js';
export { PlatformProcessConfig, type PlatformSettings } from './config.js';
export { HOSTED } from './hosted/index.js';
export type { HostContext, HostedService, Running, Skipped } from './hosted/types.js';
export { agentUnavailable } from './hosted/agent.js';
export { noCluster } from './no-cluster.js';
export { up, banner, type UpOptions } from './main.js';
export { assertWritableDir, claimDataDir } from './preflight.js';
