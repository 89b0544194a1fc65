import { API_VERSION, KIND, type NodeImageInput } from './schema';

/** A small, valid spec input that tests change one field at a time. */
export function minimalInput(overrides: Partial<NodeImageInput['spec']> = {}): NodeImageInput {
  return { apiVersion: API_VERSION, kind: KIND, metadata: { name: 'workers' }, spec: { ...overrides } };
}
