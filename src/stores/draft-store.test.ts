// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import { newNodeImage } from '@/spec/defaults';
import { specToYaml } from '@/spec/yaml-spec';
import { DRAFT_STORAGE_KEY, useDraftStore } from './draft-store';

beforeEach(() => {
  localStorage.clear();
  useDraftStore.getState().reset();
});

describe('draft store', () => {
  it('writes form changes into the YAML at once', () => {
    const next = structuredClone(useDraftStore.getState().draft);
    next.metadata.name = 'gpu-workers';
    next.spec.packages = ['htop'];
    useDraftStore.getState().setFromForm(next);
    const state = useDraftStore.getState();
    expect(state.yamlText).toContain('name: gpu-workers');
    expect(state.yamlText).toMatch(/packages:\n\s+- htop/);
    expect(state.lastValid.metadata.name).toBe('gpu-workers');
    expect(state.status).toBe('valid');
  });

  it("keeps the user's YAML comments when the form changes a field", () => {
    const text = useDraftStore.getState().yamlText.replace('metadata:', '# who owns this image\nmetadata: # team spec');
    useDraftStore.getState().setFromYaml(text);
    const next = structuredClone(useDraftStore.getState().draft);
    next.metadata.name = 'edge';
    useDraftStore.getState().setFromForm(next);
    const { yamlText } = useDraftStore.getState();
    expect(yamlText).toContain('# who owns this image');
    expect(yamlText).toContain('# team spec');
    expect(yamlText).toContain('name: edge');
  });

  it('fills the form from valid YAML', () => {
    const text = useDraftStore.getState().yamlText.replace(/version: 1\.35\.\d+/, 'version: 1.34.5');
    useDraftStore.getState().setFromYaml(text);
    const state = useDraftStore.getState();
    expect(state.draft.spec.kubernetes.version).toBe('1.34.5');
    expect(state.lastValid.spec.kubernetes.version).toBe('1.34.5');
  });

  it('never wipes the last valid draft on broken YAML', () => {
    const before = useDraftStore.getState().lastValid;
    useDraftStore.getState().setFromYaml('metadata: [unclosed\n  name: x');
    const state = useDraftStore.getState();
    expect(state.status).toBe('invalid-yaml');
    expect(state.issues[0]?.kind).toBe('syntax');
    expect(state.issues[0]?.line).toBeGreaterThan(0);
    expect(state.lastValid).toBe(before);
    expect(state.draft.metadata.name).toBe('my-node-image');
  });

  it('shows an invalid value in the form with its issue, keeping lastValid', () => {
    const text = useDraftStore.getState().yamlText.replace('name: my-node-image', 'name: Bad_Name');
    useDraftStore.getState().setFromYaml(text);
    const state = useDraftStore.getState();
    expect(state.status).toBe('invalid-spec');
    expect(state.draft.metadata.name).toBe('Bad_Name');
    expect(state.lastValid.metadata.name).toBe('my-node-image');
    expect(state.issues).toContainEqual(expect.objectContaining({ path: ['metadata', 'name'], kind: 'schema', line: expect.any(Number) }));
  });

  it('marks cross-field rule issues and still shows the chosen values', () => {
    const text = useDraftStore.getState().yamlText.replace(/version: 1\.35\.\d+/, 'version: 1.36.2');
    useDraftStore.getState().setFromYaml(text);
    const state = useDraftStore.getState();
    expect(state.draft.spec.kubernetes.version).toBe('1.36.2');
    expect(state.issues).toContainEqual(expect.objectContaining({ path: ['spec', 'runtime', 'source'], kind: 'rule' }));
  });

  it('replaces the draft with a whole spec', () => {
    const spec = newNodeImage('from-build');
    useDraftStore.getState().replace(spec);
    expect(useDraftStore.getState().yamlText).toContain('name: from-build');
    expect(useDraftStore.getState().lastValid.metadata.name).toBe('from-build');
  });

  it('saves the text and the last valid spec to localStorage', () => {
    useDraftStore.getState().setFromYaml('not: [valid');
    const saved = JSON.parse(localStorage.getItem(DRAFT_STORAGE_KEY) ?? '{}') as { yamlText?: string; lastValid?: { metadata?: { name?: string } } };
    expect(saved.yamlText).toBe('not: [valid');
    expect(saved.lastValid?.metadata?.name).toBe('my-node-image');
  });
});

describe('replacing the whole draft', () => {
  const named = (name: string) => {
    const next = structuredClone(useDraftStore.getState().draft);
    next.metadata.name = name;
    useDraftStore.getState().setFromForm(next);
  };

  it('can be undone after "New design", bringing back the text as it was', () => {
    useDraftStore.getState().setFromYaml(useDraftStore.getState().yamlText.replace('metadata:', '# mine\nmetadata:'));
    named('my-workers');
    const before = useDraftStore.getState().yamlText;
    useDraftStore.getState().startNew();
    expect(useDraftStore.getState().draft.metadata.name).toBe(newNodeImage().metadata.name);
    expect(useDraftStore.getState().replaced).toMatchObject({ why: 'Started a new design', name: 'my-workers' });
    useDraftStore.getState().undoReplace();
    expect(useDraftStore.getState().yamlText).toBe(before);
    expect(useDraftStore.getState().draft.metadata.name).toBe('my-workers');
    expect(useDraftStore.getState().replaced).toBeNull();
  });

  it('can be undone after an import or "use as starting point", even back to a draft with problems', () => {
    useDraftStore.getState().setFromYaml(useDraftStore.getState().yamlText.replace(/name: .*/, 'name: Not_Valid'));
    const broken = useDraftStore.getState().yamlText;
    useDraftStore.getState().loadText(specToYaml(newNodeImage('imported')), 'Loaded imported.yaml');
    expect(useDraftStore.getState().status).toBe('valid');
    useDraftStore.getState().undoReplace();
    expect(useDraftStore.getState().yamlText).toBe(broken);
    expect(useDraftStore.getState().status).toBe('invalid-spec');

    useDraftStore.getState().replace(newNodeImage('from-build'));
    expect(useDraftStore.getState().replaced?.why).toBe('Replaced the draft');
    useDraftStore.getState().dismissReplaced();
    expect(useDraftStore.getState().replaced).toBeNull();
  });
});
