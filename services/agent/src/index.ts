export { buildAgent, DEFAULT_LOADER, type Agent, type AgentDeps } from './app.js';
export { AgentAppConfig } from './config.js';
export { main } from './main.js';
export { parseCgroupPath, type ContainerRef } from './container-id.js';
