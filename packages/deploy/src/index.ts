export { COMMAND_CONFIGS } from './commands.js';
export { CONFIG_DOC, configGroups, objectSchemas, renderConfigDoc } from './config-doc.js';
