import kafkajs from 'kafkajs';
import { compressFrame, decompressFrame } from 'lz4-napi';
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
    decompress: async (buffer: Buffer) => {
      const pool = currentDecompressionPool();
      const out = await decompressFrame(buffer);
      return pool ? pool.take(out) : out;
    },
  });
}

export const COMPRESSION = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  lz4: CompressionTypes.LZ4,
} as const;

export type CompressionName = keyof typeof COMPRESSION;
