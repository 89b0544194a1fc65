import { Document, isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { objectPropertyKeyIssues } from './object-property-keys';
import { nodeImageSchema, type NodeImage } from './schema';
import { issuesFromZod, type SpecIssue } from './validation-error';

export type ParseResult =
  { ok: true; value: NodeImage; issues: [] } | { ok: false; issues: SpecIssue[]; /** The raw data when the YAML itself parsed. */ data?: unknown };

export const MAX_SPEC_BYTES = 1024 * 1024;

/** Parses YAML (JSON is YAML too) into a validated spec, with line and column on every issue. */
export function parseSpecYaml(text: string): ParseResult {
  if (text.length > MAX_SPEC_BYTES) {
    return { ok: false, issues: [{ path: [], message: `spec is larger than ${MAX_SPEC_BYTES} bytes` }] };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => {
        const start = lineCounter.linePos(e.pos[0]);
        const end = lineCounter.linePos(e.pos[1]);
        return { path: [], message: e.message.split('\n')[0] ?? e.message, line: start.line, column: start.col, endLine: end.line, endColumn: end.col };
      }),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // The yaml library throws here for alias expansion beyond maxAliasCount (a "billion laughs" document).
    return { ok: false, issues: [{ path: [], message: error instanceof Error ? error.message : 'YAML could not be read', line: 1, column: 1 }] };
  }
  // Before zod, which would silently drop a __proto__ key from a record.
  const keyIssues = objectPropertyKeyIssues(data);
  if (keyIssues.length > 0) return { ok: false, data, issues: keyIssues.map((issue) => withPosition(issue, doc, lineCounter)) };
  const parsed = nodeImageSchema.safeParse(data);
  if (parsed.success) return { ok: true, value: parsed.data, issues: [] };
  return { ok: false, data, issues: issuesFromZod(parsed.error).map((issue) => withPosition(issue, doc, lineCounter)) };
}

/** Points an issue at the deepest YAML node that exists on its path. */
function withPosition(issue: SpecIssue, doc: Document, lineCounter: LineCounter): SpecIssue {
  let node: Node | null = doc.contents as Node | null;
  let keyNode: Node | null = null;
  for (const part of issue.path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === part);
      if (!pair) break;
      keyNode = pair.key as Node;
      node = (pair.value as Node | null) ?? keyNode;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part] as Node | undefined;
      if (!item) break;
      node = item;
      keyNode = null;
    } else break;
  }
  const target = node?.range ? node : keyNode;
  if (!target?.range) return { ...issue, line: 1, column: 1 };
  const start = lineCounter.linePos(target.range[0]);
  const end = lineCounter.linePos(target.range[1]);
  return { ...issue, line: start.line, column: start.col, endLine: end.line, endColumn: end.col };
}

/** YAML for a spec, in the order people read it (apiVersion, kind, metadata, spec). */
export function specToYaml(spec: NodeImage | Record<string, unknown>): string {
  return new Document(spec).toString({ lineWidth: 0 });
}
