export { createClickHouse, describeTarget, ensureDatabase, serverClientConfig, type ClickHouseClient, type ClickHouseOptions, type ClickHouseTarget } from './client.js';
