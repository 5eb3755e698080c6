/**
 * A signed integer as Avro writes a long and Kafka a varint or varlong: zig-zag, then 7 bits a
 * byte, low bits first. Written from the specifications with BigInt, as the reference that
 * faster encoders are held to.
 */
export function zigzagVarint(n: number | bigint): Buffer {
  const v = BigInt(n);
  let z = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
  const out: number[] = [];
  do {
    let b = Number(z & 0x7fn);
    z >>= 7n;
    if (z) b |= 0x80;
    out.push(b);
  } while (z);
  return Buffer.from(out);
}
