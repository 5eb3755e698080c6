import t from 'tap';
import { cidr } from '../src/operators/cidr.js';
import type { OperatorContext } from '../src/operators/operator.js';

const ctx: OperatorContext = { lists: new Map() };

t.test('cidr: v4, v6 and v4-mapped addresses against blocks; the same answers when asked again', async (t) => {
  const m = cidr.prepare(['10.0.0.0/8', '169.254.169.254', 'fd00:ec2::254/128', '2001:db8::/32'], ctx);
  const cases: Array<[unknown, boolean]> = [
    ['10.1.2.3', true], ['11.1.2.3', false], ['169.254.169.254', true], ['169.254.169.253', false],
    ['::ffff:10.9.9.9', true], ['::FFFF:11.9.9.9', false], ['fd00:ec2::254', true], ['fd00:ec2::255', false],
    ['2001:db8:1::1', true], ['2001:db9::1', false], ['not an address', false], ['', false], [42, false], [null, false],
  ];
  for (let round = 0; round < 3; round++) for (const [f, want] of cases) t.equal(m(f), want, `${String(f)} (round ${round + 1})`);
});

t.test('cidr: past the remembered addresses, answers stay right', async (t) => {
  const m = cidr.prepare('10.0.0.0/16', ctx);
  let wrong = 0;
  for (let i = 0; i < 10_000; i++) {
    const addr = `10.${i % 3}.${(i >> 8) & 255}.${i & 255}`;
    if (m(addr) !== (i % 3 === 0)) wrong++;
  }
  t.equal(wrong, 0, '10,000 distinct addresses, none answered wrongly');
});
