import t from 'tap';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cached } from '../src/cache.js';

t.test('fills once; a second call is a hit and does not run the filler', async (t) => {
  const root = t.testdir();
  let fills = 0;
  const fill = async (tmp: string) => {
    fills++;
    writeFileSync(join(tmp, 'lib.jar'), 'x');
  };
  t.same(await cached(join(root, 'kafka-1.0.0'), fill), { dir: join(root, 'kafka-1.0.0'), hit: false });
  t.same(await cached(join(root, 'kafka-1.0.0'), fill), { dir: join(root, 'kafka-1.0.0'), hit: true });
  t.equal(fills, 1);
  t.ok(existsSync(join(root, 'kafka-1.0.0', 'lib.jar')));
});

t.test('a failed fill leaves nothing that looks like a cache', async (t) => {
  const root = t.testdir();
  await t.rejects(cached(join(root, 'kafka-1.0.0'), async (tmp) => {
    writeFileSync(join(tmp, 'half.jar'), 'x');
    throw new Error('network gone');
  }), /network gone/);
  t.same(readdirSync(root), []);
});
