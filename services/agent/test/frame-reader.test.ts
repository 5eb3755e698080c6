import t from 'tap';
import { FrameReader } from '../src/frame-reader.js';

const frame = (body: Buffer) => {
  const h = Buffer.alloc(4);
  h.writeUInt32LE(body.length);
  return Buffer.concat([h, body]);
};

t.test('frames split at any byte boundary come out whole and in order', async (t) => {
  const bodies = Array.from({ length: 50 }, (_, i) => Buffer.alloc(1 + i * 7, i));
  const stream = Buffer.concat(bodies.map(frame));
  for (const step of [1, 3, 64, stream.length]) {
    const r = new FrameReader();
    const got: Buffer[] = [];
    for (let o = 0; o < stream.length; o += step) r.push(stream.subarray(o, o + step), (f) => got.push(Buffer.from(f)));
    t.same(got, bodies, `chunks of ${step}`);
  }
});

t.test('a corrupt length is counted and the reader recovers on the next chunk', async (t) => {
  const r = new FrameReader(1024);
  const got: Buffer[] = [];
  r.push(Buffer.from([0xff, 0xff, 0xff, 0x7f, 1, 2, 3]), (f) => got.push(f));
  t.equal(r.corrupt, 1);
  r.push(frame(Buffer.from('ok')), (f) => got.push(Buffer.from(f)));
  t.same(got.map(String), ['ok']);
});
