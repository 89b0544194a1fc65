import { isMap, isScalar, isSeq, parseDocument, Scalar, type Document, type Node } from 'yaml';
import { specToYaml } from '@/spec/yaml-spec';
import type { NodeImage } from '@/spec/schema';

type PlainValue = string | number | boolean | null | undefined | PlainValue[] | { [key: string]: PlainValue };

const isPlainObject = (value: unknown): value is Record<string, PlainValue> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * YAML for `next`, written into the user's existing text so that their comments,
 * key order and quoting survive a form edit. Falls back to fresh YAML when the
 * current text does not parse (there is no structure left to keep).
 */
export function mergeSpecIntoYaml(currentText: string, next: NodeImage): string {
  const doc = parseDocument(currentText, { keepSourceTokens: false });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return specToYaml(next);
  // The root is a map and the spec an object, so syncNode updates it in place.
  syncNode(doc, doc.contents, next as unknown as PlainValue);
  return doc.toString({ lineWidth: 0 });
}

/** Returns the node to keep in place: the same node updated, or a new one when the kind changed. */
function syncNode(doc: Document, node: unknown, value: PlainValue): Node {
  if (isPlainObject(value) && isMap(node)) {
    const wanted = Object.entries(value).filter(([, v]) => v !== undefined);
    const wantedKeys = new Set(wanted.map(([k]) => k));
    // An empty `{}` the user never styled should grow into block style like the rest.
    if (node.items.length === 0 && wanted.length > 0) node.flow = false;
    node.items = node.items.filter((pair) => wantedKeys.has(String(isScalar(pair.key) ? pair.key.value : pair.key)));
    for (const [key, child] of wanted) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === key);
      if (pair) pair.value = syncNode(doc, pair.value, child);
      else node.set(key, doc.createNode(child));
    }
    return node;
  }
  if (Array.isArray(value) && isSeq(node)) {
    if (node.items.length === 0 && value.length > 0) node.flow = false;
    node.items = node.items.slice(0, value.length);
    value.forEach((child, i) => {
      if (i < node.items.length) node.items[i] = syncNode(doc, node.items[i], child);
      else node.items.push(doc.createNode(child));
    });
    return node;
  }
  if (isScalar(node) && !isPlainObject(value) && !Array.isArray(value)) {
    if (node.value !== value) {
      // An empty string is written as "" only because plain style cannot show it; that is
      // not the user's choice of quoting, so let the new value pick its own style.
      if (node.value === '' && (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE)) node.type = undefined;
      node.value = value;
    }
    return node;
  }
  return doc.createNode(value);
}
