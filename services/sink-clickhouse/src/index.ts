export { SINK_PARTITIONS_AT_ONCE, SINK_BATCH_ROWS, buildSink, type Sink, type SinkOptions } from './app.js';
export { SINK_TABLES, type SinkTable } from './tables.js';
export { SinkWriter } from './writer.js';
export { sinkOptions } from './options.js';
