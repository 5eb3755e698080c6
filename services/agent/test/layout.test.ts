import t from 'tap';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EV, LAYOUTS, type FieldType, type StructLayout } from '../src/records/layout.js';

const BPF_DIR = fileURLToPath(new URL('../../../bpf/', import.meta.url));
const SIZE_OF: Record<Exclude<FieldType, 'bytes'>, number> = { u16: 2, u32: 4, s32: 4, u64: 8, s64: 8, str: 4, sockinfo: 48, u32x8: 32 };

t.test('every TS offset and size equals bpf/events.h, as compiled by the C compiler', async (t) => {
  const lines: string[] = [];
  for (const [struct, layout] of Object.entries(LAYOUTS)) {
    lines.push(`  printf("${struct} . %zu %zu\\n", (size_t)0, sizeof(struct ${struct}));`);
    for (const field of Object.keys(layout.fields)) {
      lines.push(`  printf("${struct} ${field} %zu %zu\\n", offsetof(struct ${struct}, ${field}), sizeof(((struct ${struct} *)0)->${field}));`);
    }
  }
  const enums = Object.entries(EV).map(([k, v]) => `  printf("enum TH_EV_${k} %d ${v}\\n", (int)TH_EV_${k});`);
  const src = `#include <stdio.h>\n#include <stddef.h>\n#include "events.h"\nint main(void) {\n${[...lines, ...enums].join('\n')}\n  return 0;\n}\n`;
  const dir = t.testdir();
  writeFileSync(join(dir, 'layout.c'), src);
  execFileSync('cc', ['-I', BPF_DIR, '-o', join(dir, 'layout'), join(dir, 'layout.c')]);
  const out = execFileSync(join(dir, 'layout'), { encoding: 'utf8' }).trim().split('\n');
  let checked = 0;
  for (const line of out) {
    const [a, b, c, d] = line.split(' ');
    if (a === 'enum') {
      t.equal(Number(c), Number(d), `${b} = ${d}`);
      continue;
    }
    const layout: StructLayout = LAYOUTS[a as keyof typeof LAYOUTS];
    if (b === '.') {
      t.equal(Number(d), layout.size, `sizeof ${a}`);
      continue;
    }
    const [offset, type, len] = layout.fields[b!]!;
    t.equal(Number(c), offset, `${a}.${b} offset`);
    t.equal(Number(d), type === 'bytes' ? len : SIZE_OF[type], `${a}.${b} size`);
    checked++;
  }
  t.ok(checked > 150, `${checked} fields checked`);
});
