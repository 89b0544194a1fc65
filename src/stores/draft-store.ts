import { create } from 'zustand';
import { newNodeImage } from '@/spec/defaults';
import { nodeImageSchema, type NodeImage } from '@/spec/schema';
import type { SpecIssue } from '@/spec/validation-error';
import { parseSpecYaml, specToYaml } from '@/spec/yaml-spec';
import { isRuleIssue, lenientDraft } from '@/lib/lenient-draft';
import { mergeSpecIntoYaml } from '@/lib/merge-yaml-document';

/**
 * syntax: the text is not YAML; schema: a field breaks its own rule (the editor's
 * JSON Schema reports these too); rule: a cross-field rule only our validator knows.
 */
export type DraftIssueKind = 'syntax' | 'schema' | 'rule';
export type DraftIssue = SpecIssue & { kind: DraftIssueKind };
export type DraftStatus = 'valid' | 'invalid-spec' | 'invalid-yaml';

/** The draft as it was before something replaced it whole, so that replacement can be undone. */
export interface ReplacedDraft {
  /** What replaced it, for the undo notice: "Started a new design", "Loaded vars.json". */
  why: string;
  yamlText: string;
  lastValid: NodeImage;
  /** The replaced draft's image name, so the user recognises what Undo brings back. */
  name: string;
}

export interface DraftState {
  /** The editor's text, exactly as the user left it (comments included). */
  yamlText: string;
  /** What the form shows: the current values, valid or not, in the spec's shape. */
  draft: NodeImage;
  /** The newest spec that passed validation; invalid edits never replace it. */
  lastValid: NodeImage;
  issues: DraftIssue[];
  status: DraftStatus;
  setFromForm: (next: NodeImage) => void;
  setFromYaml: (text: string) => void;
  /** Set after a whole-draft replacement until it is undone or dismissed; in memory only. */
  replaced: ReplacedDraft | null;
  /** Starts over from a whole spec (e.g. "use as starting point" on a finished build); undoable. */
  replace: (spec: NodeImage, why?: string) => void;
  /** Replaces the draft with imported YAML text, valid or not; undoable. */
  loadText: (text: string, why: string) => void;
  /** "New design": the defaults again; undoable. */
  startNew: () => void;
  /** Brings back the draft the last replacement overwrote. */
  undoReplace: () => void;
  dismissReplaced: () => void;
  /** Back to the defaults with no undo (tests, first start). */
  reset: () => void;
}

type Derived = Pick<DraftState, 'yamlText' | 'draft' | 'lastValid' | 'issues' | 'status'>;

export const DRAFT_STORAGE_KEY = 'stamper.draft.v1';

export function deriveFromYaml(text: string, previous: Pick<DraftState, 'draft' | 'lastValid'>): Derived {
  const result = parseSpecYaml(text);
  if (result.ok) return { yamlText: text, draft: result.value, lastValid: result.value, issues: [], status: 'valid' };
  if (result.data === undefined) {
    return {
      yamlText: text,
      draft: previous.draft,
      lastValid: previous.lastValid,
      issues: result.issues.map((issue) => ({ ...issue, kind: 'syntax' })),
      status: 'invalid-yaml',
    };
  }
  const lenient = lenientDraft(result.data, previous.lastValid);
  return {
    yamlText: text,
    draft: lenient.draft ?? previous.draft,
    lastValid: previous.lastValid,
    issues: result.issues.map((issue) => ({ ...issue, kind: isRuleIssue(issue, lenient.structuralIssues) ? 'rule' : 'schema' })),
    status: 'invalid-spec',
  };
}

function freshDraft(spec: NodeImage = newNodeImage()): Derived {
  return deriveFromYaml(specToYaml(spec), { draft: spec, lastValid: spec });
}

interface SavedDraft {
  yamlText: string;
  lastValid: unknown;
}

function loadSavedDraft(): Derived {
  try {
    const raw = globalThis.localStorage?.getItem(DRAFT_STORAGE_KEY);
    if (!raw) return freshDraft();
    const saved = JSON.parse(raw) as Partial<SavedDraft>;
    if (typeof saved.yamlText !== 'string') return freshDraft();
    const lastValid = nodeImageSchema.safeParse(saved.lastValid);
    const fallback = lastValid.success ? lastValid.data : newNodeImage();
    return deriveFromYaml(saved.yamlText, { draft: fallback, lastValid: fallback });
  } catch {
    // A corrupt or unreadable saved draft must not keep the app from starting.
    return freshDraft();
  }
}

const snapshot = (state: DraftState, why: string): ReplacedDraft => ({
  why,
  yamlText: state.yamlText,
  lastValid: state.lastValid,
  name: state.draft.metadata.name,
});

export const useDraftStore = create<DraftState>()((set, get) => ({
  ...loadSavedDraft(),
  replaced: null,
  setFromForm: (next) => {
    const state = get();
    const derived = deriveFromYaml(mergeSpecIntoYaml(state.yamlText, next), state);
    // The form keeps exactly what was typed, even where validation disagrees.
    set({ ...derived, draft: next });
  },
  setFromYaml: (text) => {
    const state = get();
    if (text === state.yamlText) return;
    set(deriveFromYaml(text, state));
  },
  replace: (spec, why = 'Replaced the draft') => set({ ...freshDraft(spec), replaced: snapshot(get(), why) }),
  loadText: (text, why) => {
    const state = get();
    set({ ...deriveFromYaml(text, state), replaced: snapshot(state, why) });
  },
  startNew: () => set({ ...freshDraft(), replaced: snapshot(get(), 'Started a new design') }),
  undoReplace: () => {
    const { replaced } = get();
    if (!replaced) return;
    set({ ...deriveFromYaml(replaced.yamlText, { draft: replaced.lastValid, lastValid: replaced.lastValid }), replaced: null });
  },
  dismissReplaced: () => set({ replaced: null }),
  reset: () => set({ ...freshDraft(), replaced: null }),
}));

useDraftStore.subscribe((state, previous) => {
  if (state.yamlText === previous.yamlText && state.lastValid === previous.lastValid) return;
  try {
    const saved: SavedDraft = { yamlText: state.yamlText, lastValid: state.lastValid };
    globalThis.localStorage?.setItem(DRAFT_STORAGE_KEY, JSON.stringify(saved));
  } catch {
    // Storage can be full or disabled (private windows); the draft still works in memory.
  }
});
