import t from 'tap';
import { decodeFrame } from '../src/records/decode.js';
import { EV, LAYOUTS, ANC_MAGIC } from '../src/records/layout.js';

function record(type: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(size, 4);
  b.writeBigUInt64LE(123n, 8);
  b.writeUInt32LE(42, 16);
  b.write('bash', 88);
  return b;
}

t.test('a well-formed exit record decodes', async (t) => {
  const b = record(EV.EXIT, LAYOUTS.th_exit.size);
  b.writeUInt32LE(9, 112);
  const r = decodeFrame(b);
  t.equal(r.type, EV.EXIT);
  t.equal(r.hdr.pid, 42);
  t.equal(r.body.signo, 9);
  t.same(r.ancestry, []);
});

t.test('malformed or short records are refused with a reason, never a crash', async (t) => {
  t.throws(() => decodeFrame(Buffer.alloc(10)), { code: 'TH_ERR_DECODE', message: /shorter than the 104-byte header/ });
  t.throws(() => decodeFrame(record(77, 104)), { message: /unknown record type 77/ });
  t.throws(() => decodeFrame(record(EV.EXIT, 104)), { message: /says 104 bytes, th_exit is 120/ });
  const cut = record(EV.EXIT, 120).subarray(0, 110);
  t.throws(() => decodeFrame(cut), { message: /cut short/ });
  const badTrailer = Buffer.concat([record(EV.EXIT, 120), Buffer.from([1, 2, 3, 4, 0, 0, 8, 0])]);
  t.throws(() => decodeFrame(badTrailer), { message: /magic/ });
  const overrun = Buffer.alloc(8);
  overrun.writeUInt32LE(ANC_MAGIC, 0);
  overrun.writeUInt16LE(1, 4);
  overrun.writeUInt16LE(200, 6);
  t.throws(() => decodeFrame(Buffer.concat([record(EV.EXIT, 120), overrun])), { message: /claims 200 bytes/ });
});

t.test('string descriptors longer than their buffer are clamped and flagged', async (t) => {
  const b = record(EV.MEMFD, LAYOUTS.th_memfd.size);
  b.writeUInt16LE(60_000, 116); // len far past the 256-byte buffer
  b.fill(0x41, 120, 376);
  const r = decodeFrame(b);
  const name = r.body.name as { bytes: Buffer; truncated: boolean };
  t.equal(name.bytes.length, 256);
  t.equal(name.truncated, true);
});
