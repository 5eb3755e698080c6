import t from 'tap';
import { bytesToString, cString, splitArgs } from '../src/records/text.js';

t.test('odd bytes are carried faithfully', async (t) => {
  t.equal(bytesToString(Buffer.from('héllo\nwörld')), 'héllo\nwörld', 'UTF-8 and newlines kept');
  t.equal(bytesToString(Buffer.from([0x61, 0xff, 0x62])), 'a\\xffb', 'invalid byte escaped');
  t.equal(bytesToString(Buffer.from([0xc3, 0xa9, 0xc3])), 'é\\xc3', 'truncated sequence at the end');
  t.equal(bytesToString(Buffer.from([0xe2, 0x82])), '\\xe2\\x82');
  t.equal(cString(Buffer.from('bash\0\0\0garbage')), 'bash');
  t.same(splitArgs(Buffer.from('ls\0-la\0/tmp\0')), ['ls', '-la', '/tmp']);
  t.same(splitArgs(Buffer.from('sh\0-c\0echo "a\nb"')), ['sh', '-c', 'echo "a\nb"']);
  t.same(splitArgs(Buffer.from('a\0\0b\0')), ['a', '', 'b'], 'empty arguments kept');
  t.same(splitArgs(Buffer.alloc(0)), []);
});
