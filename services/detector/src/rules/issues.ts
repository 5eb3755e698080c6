import { TracehoundError } from '@tracehound/errors';

/** Where in a document something is wrong: a JSON-pointer-like list of keys and indexes. */
export type Pointer = Array<string | number>;

export interface Issue {
  /** From the root of the document it was found in (a rule file, or one rules-topic record). */
  pointer: Pointer;
  message: string;
  /** The rule, list or shared condition the issue belongs to, e.g. `rule:terminal-shell`. */
  item?: string;
  /** The file or topic record the document came from. */
  source?: string;
  /** 1-based line and column in the source file, when known. */
  line?: number;
  column?: number;
}

export function formatPointer(p: Pointer): string {
  let out = '';
  for (const s of p) out += typeof s === 'number' ? `[${s}]` : out ? `.${s}` : s;
  return out || '(root)';
}

export function formatIssue(i: Issue): string {
  const where = i.source ? `${i.source}${i.line ? `:${i.line}:${i.column ?? 1}` : ''}: ` : '';
  return `${where}${i.item ? `${i.item}: ` : ''}${formatPointer(i.pointer)}: ${i.message}`;
}

export function invalid(issues: Issue[]): TracehoundError {
  return new TracehoundError('TH_ERR_RULE_INVALID', issues.map(formatIssue).join('\n'), { details: { issues } });
}
