import type { SpecIssue } from './validation-error';

/**
 * Keys that name JavaScript object machinery. zod drops `__proto__` from records
 * without a word and a plain object cannot hold it safely, so a spec that uses any
 * of them as a key is refused with the key's path instead of losing the entry.
 */
export const objectPropertyKeys: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const objectPropertyKeyMessage = (key: string): string => `key "${key}" is not allowed: it names a JavaScript object property`;

/** Walks parsed YAML/JSON (own keys only, as JSON.parse and yaml create them) for such keys. */
export function objectPropertyKeyIssues(data: unknown, path: (string | number)[] = []): SpecIssue[] {
  if (Array.isArray(data)) return data.flatMap((item, index) => objectPropertyKeyIssues(item, [...path, index]));
  if (data === null || typeof data !== 'object') return [];
  return Object.keys(data).flatMap((key) =>
    objectPropertyKeys.has(key)
      ? [{ path: [...path, key], message: objectPropertyKeyMessage(key) }]
      : objectPropertyKeyIssues((data as Record<string, unknown>)[key], [...path, key]),
  );
}
