import t from 'tap';
import { RE2 } from 're2-wasm';
import { MAX_INPUT, MEMO_ENTRIES, MEMO_INPUT, memoSize, regex } from '../src/operators/regex.js';

const ctx = { lists: new Map() };

t.test('remembered verdicts equal RE2\'s, for short, long and over-long inputs, past the memo\'s bound', async (t) => {
  const pattern = '(?i)stratum[0-9]?\\+(tcp|ssl|tls)://';
  const m = regex.prepare(pattern, ctx);
  const re = new RE2(pattern, 'u');
  const inputs: string[] = [];
  for (let i = 0; i < MEMO_ENTRIES * 2 + 100; i++) inputs.push(i % 7 === 0 ? `--url=STRATUM${i % 10}+tcp://pool:${i}` : `--arg=${i}`);
  inputs.push(`${'x'.repeat(MEMO_INPUT)}stratum+ssl://a`, `${'x'.repeat(MAX_INPUT)}stratum+ssl://a`, `stratum+ssl://a${'x'.repeat(MAX_INPUT)}`);
  const wrong: string[] = [];
  for (const pass of [1, 2]) {
    for (const s of inputs) {
      const want = re.test(s.length > MAX_INPUT ? s.slice(0, MAX_INPUT) : s);
      if (m(s) !== want) wrong.push(`pass ${pass}: ${s.slice(0, 40)} (${s.length})`);
    }
  }
  t.same(wrong, [], 'every verdict as RE2 gives it, first time and remembered');
  t.equal(m(`${'x'.repeat(MAX_INPUT)}stratum+ssl://a`), false, 'only the first MAX_INPUT characters are searched');
  const size = memoSize(pattern);
  t.ok(size > 0 && size <= MEMO_ENTRIES, `memo holds ${size} verdicts, at most ${MEMO_ENTRIES}`);
  t.equal(m(42), false, 'not a string');
});

t.test('one of several patterns', async (t) => {
  const m = regex.prepare(['^a$', '^b+$'], ctx);
  t.same(['a', 'bbb', 'c', 'ab', 'a'].map(m), [true, true, false, false, true]);
});
