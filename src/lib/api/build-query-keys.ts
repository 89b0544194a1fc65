import type { BuildState } from '@/spec/build-events';

export interface BuildListFilters {
  state?: BuildState | '';
  name?: string;
  kubernetesVersion?: string;
  page: number;
  pageSize: number;
  sort: 'newest' | 'oldest';
}

/** Query keys of the builds feature, general → specific, so one invalidation reaches all below it. */
export const buildKeys = {
  all: ['builds'] as const,
  lists: () => ['builds', 'list'] as const,
  list: (filters: BuildListFilters) => ['builds', 'list', filters] as const,
  stageHistory: () => ['builds', 'stage-history'] as const,
  detail: (id: string) => ['builds', id] as const,
  log: (id: string) => ['builds', id, 'log'] as const,
  sbom: (id: string) => ['builds', id, 'sbom'] as const,
};
