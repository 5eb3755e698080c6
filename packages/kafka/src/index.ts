export { createKafka, type KafkaClientOptions } from './client.js';
export { COMPRESSION, registerCompression, type CompressionName } from './compression.js';
export { BatchingProducer, DEFAULT_PRODUCER, type BatchingProducerOptions, type OutgoingMessage } from './producer.js';
export { BatchConsumer, runBatches, type BatchConsumerOptions, type BatchContext, type BatchHandler, type ConsumedRecord, type Decoder } from './consumer.js';
export { DLQ_HEADERS, deadLetterMessage, type DeadLetterSource } from './dead-letter.js';
export { TOPICS, provisionTopics, specOf, topicName, valueSubject, type ProvisionOptions, type TopicId, type TopicSpec } from './topics.js';
export { avroDecoder } from './avro-decoder.js';
export { waitForKafka } from './startup.js';
