/**
 * The local stack: a real Kafka broker and schema registry as plain JVM processes under the data
 * dir, for development, tests and the embedded mode. `tracehound stack` and tests use this API.
 */
export { stackUp, stackDown, stackStatus, COMPONENTS, type UpResult, type ComponentUp, type ComponentDown, type ComponentStatus } from './stack.js';
export { loadStackSettings, withStorage } from './env.js';
export { formatUp, formatDown, formatStatus } from './report.js';
export { HOST, layout, type StackSettings, type RegistryStorage } from './settings.js';
export { CCOMPAT_PATH } from './registry.js';
// Process supervision shared with other local servers (packages/kube).
export { logOffsets, logTails } from './log-tail.js';
export { readPid, removePid, writePid } from './pid-file.js';
export { isOurs, spawnDetached, stopProcess, type StopOutcome } from './process.js';
// The all-in-one process (`tracehound up`) checks its own ports and pid file the same way.
export { commandLine } from './process.js';
export { assertPortFree, portAnswers } from './ports.js';
