import { RECORD_NAMES } from './avro-types.js';
import { composeSchema, indexDefinitions } from './compose.js';

/**
 * Generates TypeScript declarations from the .avsc files, so no service re-declares a record by
 * hand. `npm run gen:types` writes them; a test fails when the checked-in output is stale.
 */
type Node = string | Node[] | { [k: string]: unknown };

const short = (full: string): string => full.slice(full.lastIndexOf('.') + 1);

function tsType(node: Node, out: Map<string, string>, ns: string): string {
  if (typeof node === 'string') {
    switch (node) {
      case 'null': return 'null';
      case 'boolean': return 'boolean';
      case 'int': case 'long': case 'float': case 'double': return 'number';
      case 'bytes': return 'Buffer';
      case 'string': return 'string';
      default: return short(node);
    }
  }
  if (Array.isArray(node)) return node.map((n) => tsType(n, out, ns)).join(' | ');
  const type = node.type as Node;
  if (node.logicalType === 'timestamp-nanos') return 'bigint';
  if (type === 'array') return `Array<${tsType(node.items as Node, out, ns)}>`;
  if (type === 'map') return `Record<string, ${tsType(node.values as Node, out, ns)}>`;
  if (type === 'enum') {
    const name = short(String(node.name));
    const symbols = node.symbols as string[];
    const constName = name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() + '_SYMBOLS';
    out.set(name, `${doc(node)}export const ${constName} = ${JSON.stringify(symbols)} as const;\nexport type ${name} = (typeof ${constName})[number];\n`);
    return name;
  }
  if (type === 'record') {
    const name = short(String(node.name));
    const fields = (node.fields as Array<{ name: string; type: Node; doc?: string; default?: unknown }>).map(
      (f) => `${f.doc ? `  /** ${f.doc} */\n` : ''}  ${f.name}: ${tsType(f.type, out, ns)};`,
    );
    out.set(name, `${doc(node)}export interface ${name} {\n${fields.join('\n')}\n}\n`);
    return name;
  }
  return tsType(type, out, ns);
}

function doc(node: { [k: string]: unknown }): string {
  return typeof node.doc === 'string' ? `/** ${node.doc} */\n` : '';
}

export function generateTypes(): string {
  const defs = indexDefinitions();
  const out = new Map<string, string>();
  for (const name of RECORD_NAMES) tsType(composeSchema(name, defs) as Node, out, 'tracehound');
  const header = '// Generated from schemas/avro/*.avsc by `npm run gen:types`. Do not edit.\n/* eslint-disable */\n\n';
  return header + [...out.values()].join('\n');
}
