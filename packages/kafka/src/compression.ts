import kafkajs from 'kafkajs';
import { compressFrame, decompressFrame, decompressFrameSync } from 'lz4-napi';
import { currentDecompressionPool } from './decompression-pool.js';

/**
 * kafkajs ships only GZIP. LZ4 (the frame format Kafka uses, via a native, prebuilt library) is
 * several times cheaper on CPU for the same ratio on event data; see bench/kafka-produce.ts.
 */
// kafkajs is CommonJS whose named exports Node cannot detect statically.
const { CompressionCodecs, CompressionTypes } = kafkajs;
let registered = false;

export function registerCompression(): void {
  if (registered) return;
  registered = true;
  CompressionCodecs[CompressionTypes.LZ4] = () => ({
    compress: async (encoder: { buffer: Buffer }) => compressFrame(encoder.buffer),
    // Into the slabs of the consuming BatchConsumer's pool when it has one (decompression-pool.ts).
    // There, synchronously, giving the event loop a turn after every YIELD_BYTES: a fetch response
    // is then decoded in a few turns rather than one thread-pool round trip per batch, so the
    // response itself no longer lives long enough to be promoted, while other work on the thread
    // (the API beside the sink) still gets its turns.
    decompress: async (buffer: Buffer) => {
      const pool = currentDecompressionPool();
      if (!pool) return decompressFrame(buffer);
      const out = pool.take(decompressFrameSync(buffer));
      if (pool.turnDue(out.length)) await new Promise(setImmediate);
      return out;
    },
  });
}

export const COMPRESSION = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  lz4: CompressionTypes.LZ4,
} as const;

export type CompressionName = keyof typeof COMPRESSION;
