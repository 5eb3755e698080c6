export { SCENARIOS, selectScenarios, type Scenario } from './scenarios.js';
export { simulate, formatResults, type SimulateOptions, type ScenarioResult, type Simulation } from './run.js';
export { ImitatedPod, containerCgroupPath, podCgroupPath, newContainerId, type ImitatedContainer } from './container.js';
export { PodObject } from './pod.js';
export { AlertWatcher, type SeenAlert } from './alerts.js';
export { Cleanup } from './cleanup.js';
export { main, SimulateProcessConfig } from './main.js';
