import { queryOptions, useQuery } from '@tanstack/react-query';
import { historyFromStages, type StageDurationHistory } from '../lib/eta';
import { buildKeys } from '@/lib/api/build-query-keys';
import { getBuild } from '@/lib/api/get-build';
import { getBuilds } from './get-builds';

const SAMPLE = 5;

/** Stage durations of the last few successful builds, for the ETA. */
export async function getStageHistory(signal?: AbortSignal): Promise<StageDurationHistory> {
  const recent = await getBuilds({ state: 'succeeded', page: 1, pageSize: SAMPLE, sort: 'newest' }, signal);
  const details = await Promise.all(recent.items.map((b) => getBuild(b.id, signal).catch(() => null)));
  return historyFromStages(details.filter((d) => d !== null));
}

export const stageHistoryQueryOptions = () =>
  queryOptions({
    queryKey: buildKeys.stageHistory(),
    queryFn: ({ signal }) => getStageHistory(signal),
    staleTime: 5 * 60_000,
  });

export const useStageHistory = () => useQuery(stageHistoryQueryOptions());
