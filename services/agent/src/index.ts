export { buildAgent, DEFAULT_LOADER, type Agent, type AgentDeps } from './app.js';
export { AgentAppConfig } from './config.js';
export { main } from './main.js';
export { parseCgroupPath, type ContainerRef } from './container-id.js';
// Tools that imitate containers (tracehound simulate) find the cgroup v2 mount the way the agent does.
export { findCgroup2Mount } from './cgroup-resolver.js';
