export { COMMAND_CONFIGS } from './commands.js';
export { CONFIG_DOC, configGroups, renderConfigDoc } from './config-doc.js';
