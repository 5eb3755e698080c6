export { startOpsServer, type OpsServerOptions } from './ops-server.js';
export { runMain, type Closable } from './run-main.js';
