import type { KafkaMessage } from 'kafkajs';
import { TracehoundError } from '@tracehound/errors';
import type { RecordCodec, RecordName, RecordTypes } from '@tracehound/schemas';
import type { Decoder } from './consumer.js';

/** A decoder for Avro topics: synchronous for known schema ids, one registry fetch otherwise. */
export function avroDecoder<N extends RecordName>(codec: RecordCodec<N>): Decoder<RecordTypes[N]> {
  return (msg: KafkaMessage) => {
    if (!msg.value || msg.value.length === 0) throw new TracehoundError('TH_ERR_DECODE', 'empty value on an Avro topic');
    return codec.decodeKnown(msg.value) ?? codec.decode(msg.value);
  };
}
