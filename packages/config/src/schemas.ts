import { Type } from '@sinclair/typebox';

/**
 * Configuration pieces shared by every Tracehound process. Services compose these with
 * Type.Composite and their own fields; this is the one place each variable is defined.
 */
export const LogConfig = Type.Object({
  TRACEHOUND_LOG_LEVEL: Type.Union(
    [Type.Literal('trace'), Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error'), Type.Literal('fatal'), Type.Literal('silent')],
    { default: 'info', description: 'one of trace, debug, info, warn, error, fatal, silent' },
  ),
});

export const DataDirConfig = Type.Object({
  TRACEHOUND_DATA_DIR: Type.String({ default: '.data', minLength: 1, description: 'a writable directory for data, logs and caches' }),
});

export const KafkaConfig = Type.Object({
  TRACEHOUND_KAFKA_BROKERS: Type.String({
    default: '127.0.0.1:9092',
    pattern: '^[^,:\\s]+:[0-9]{1,5}(,[^,:\\s]+:[0-9]{1,5})*$',
    description: 'comma-separated host:port list',
    examples: ['127.0.0.1:9092,kafka-1:9092'],
  }),
  TRACEHOUND_KAFKA_CLIENT_ID: Type.String({ default: 'tracehound', minLength: 1, description: 'a Kafka client id' }),
  TRACEHOUND_TOPIC_PREFIX: Type.String({ default: 'tracehound', pattern: '^[A-Za-z0-9._-]+$', description: 'a topic name prefix of letters, digits, dot, dash or underscore' }),
  TRACEHOUND_TOPIC_PARTITIONS: Type.Integer({ default: 6, minimum: 1, maximum: 1000, description: 'partitions per topic when Tracehound creates topics (1-1000)' }),
  TRACEHOUND_TOPIC_REPLICATION: Type.Integer({ default: 1, minimum: 1, maximum: 10, description: 'replication factor when Tracehound creates topics (1-10)' }),
});

export const RegistryConfig = Type.Object({
  TRACEHOUND_REGISTRY_URL: Type.String({
    default: 'http://127.0.0.1:8081/apis/ccompat/v7',
    pattern: '^https?://',
    description: 'the http(s) URL of a Confluent-compatible schema registry API',
    examples: ['http://127.0.0.1:8081/apis/ccompat/v7'],
  }),
});

export const ClickHouseConfig = Type.Object({
  TRACEHOUND_CLICKHOUSE_URL: Type.Optional(Type.String({
    pattern: '^https?://',
    description: 'the http(s) URL of a ClickHouse server; unset means embedded chDB under the data dir',
    examples: ['http://default:secret@clickhouse:8123/tracehound'],
  })),
  TRACEHOUND_CLICKHOUSE_DATABASE: Type.String({ default: 'tracehound', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'a ClickHouse database name' }),
});

export const CommonConfig = Type.Composite([LogConfig, DataDirConfig, KafkaConfig, RegistryConfig]);
