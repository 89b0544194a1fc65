import { z } from 'zod';
import { nodeImageSchema } from './schema';

/**
 * The JSON Schema the editor validates and completes YAML with. `io: 'input'` keeps
 * defaulted fields optional, as a person writing YAML sees them.
 */
export function nodeImageJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(nodeImageSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
