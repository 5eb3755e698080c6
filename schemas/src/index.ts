export * from './generated/records.js';
export { AVRO_DIR, composeSchema, indexDefinitions } from './compose.js';
export { AVRO_OPTIONS, NanosType, RECORD_NAMES, avroType, type RecordName } from './avro-types.js';
export { RecordCodec, createRegistry, readSchemaId, registryError, type RecordTypes } from './codec.js';
export { generateTypes } from './codegen.js';
export { sampleAlert, sampleEnrichedEvent, sampleEvent, sampleProcess } from './samples.js';
export { registerWithRetry } from './register.js';
export { fromJson, toJson, toPlain } from './json.js';
