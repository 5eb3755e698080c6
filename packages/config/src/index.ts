export { loadConfig, CONFIG_FILE_VARIABLE, type Environment } from './load.js';
export * from './schemas.js';
