import { useEffect, useRef } from 'react';
import { EditorView, basicSetup } from 'codemirror';
import { EditorState } from '@codemirror/state';
import { json } from '@codemirror/lang-json';
import { forceLinting, lintGutter, linter, type Diagnostic } from '@codemirror/lint';
import { findNodeAtLocation, parse, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { RuleIssue } from '../api/types';

/** "/condition/all/0/operator" → ["condition", "all", 0, "operator"] (RFC 6901 unescaping). */
export function pointerPath(pointer: string): Array<string | number> {
  if (!pointer || pointer === '/') return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Where in the text an issue belongs: the deepest node its pointer reaches (a missing field marks its parent). */
export function locate(text: string, pointer: string): { from: number; to: number } {
  const root = parseTree(text);
  if (!root) return { from: 0, to: Math.min(text.length, 1) };
  const path = pointerPath(pointer);
  for (let n = path.length; n >= 0; n--) {
    const node: Node | undefined = findNodeAtLocation(root, path.slice(0, n));
    if (!node) continue;
    // A property's value: mark "key": value, so the field itself is underlined.
    const target = node.parent?.type === 'property' ? node.parent : node;
    // Containers are marked on their first line only; a whole object underlined is noise.
    const end = target.type === 'object' || target.type === 'array' ? Math.min(target.offset + target.length, text.indexOf('\n', target.offset) === -1 ? target.offset + target.length : text.indexOf('\n', target.offset)) : target.offset + target.length;
    return { from: target.offset, to: Math.max(end, target.offset + 1) };
  }
  return { from: 0, to: 1 };
}

/** JSON syntax errors of the text, as editor diagnostics. */
export function syntaxDiagnostics(text: string): Diagnostic[] {
  const errors: ParseError[] = [];
  parse(text, errors, { allowTrailingComma: false, disallowComments: true });
  return errors.map((e) => ({ from: e.offset, to: Math.min(text.length, e.offset + Math.max(1, e.length)), severity: 'error', message: `JSON: ${printParseErrorCode(e.error)}`, source: 'syntax' }));
}

/**
 * A JSON editor (CodeMirror) that marks syntax errors as you type and the API's validation
 * issues at the field they name, following the field as the text changes.
 */
export function JsonEditor({ value, onChange, readOnly, issues, label }: { value: string; onChange: (v: string) => void; readOnly: boolean; issues: RuleIssue[]; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const issuesRef = useRef(issues);
  const change = useRef(onChange);
  change.current = onChange;

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          json(),
          lintGutter(),
          linter((ev) => {
            const text = ev.state.doc.toString();
            const syntax = syntaxDiagnostics(text);
            if (syntax.length) return syntax;
            return issuesRef.current.map((i) => ({ ...locate(text, i.pointer), severity: 'error' as const, message: `${i.pointer || '/'}: ${i.message}`, source: 'validation' }));
          }, { delay: 250 }),
          EditorState.readOnly.of(readOnly),
          EditorView.editable.of(!readOnly),
          EditorView.contentAttributes.of({ 'aria-label': label }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) change.current(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // The editor is created once per document identity (the parent keys it); later text comes from the user.
  }, [readOnly]);

  useEffect(() => {
    issuesRef.current = issues;
    if (view.current) forceLinting(view.current);
  }, [issues]);

  return <div className="json-editor" ref={host} data-testid="rule-editor" />;
}
