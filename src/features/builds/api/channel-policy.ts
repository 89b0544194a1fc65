import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { buildKeys } from '@/lib/api/build-query-keys';
import { channelPolicyStateSchema, type ChannelPolicy, type ChannelPolicyState } from '@/spec/channels-api';
import { channelUrl } from './channels';

/** Under ['channels'], so a promotion (which invalidates every channel query) refreshes the policy's runs too. */
const policyKey = (image: string, channel: string) => ['channels', image, channel, 'policy'] as const;

export async function getChannelPolicy(image: string, channel: string, signal?: AbortSignal): Promise<ChannelPolicyState> {
  return channelPolicyStateSchema.parse(await apiRequest<unknown>(`${channelUrl(image, channel)}/policy`, { signal }));
}

export const useChannelPolicy = (image: string, channel: string) =>
  useQuery({
    queryKey: policyKey(image, channel),
    queryFn: ({ signal }) => getChannelPolicy(image, channel, signal),
    // a run in progress ends by itself: look again until none is building
    refetchInterval: (query) => (query.state.data?.runs.some((r) => r.outcome === 'building') ? 3000 : false),
  });

type PolicyChange = { image: string; channel: string } & ({ policy: ChannelPolicy | null } | { run: true });

/** Set or clear a channel's policy, or apply it now; each answers the policy and its runs. */
export function useChangeChannelPolicy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (change: PolicyChange): Promise<ChannelPolicyState> => {
      const url = `${channelUrl(change.image, change.channel)}/policy`;
      if ('run' in change) return channelPolicyStateSchema.parse(await apiRequest<unknown>(`${url}/run`, { method: 'POST' }));
      const request = change.policy ? { method: 'PUT' as const, json: change.policy } : { method: 'DELETE' as const };
      return channelPolicyStateSchema.parse(await apiRequest<unknown>(url, request));
    },
    onSuccess: (state, change) => {
      queryClient.setQueryData(policyKey(change.image, change.channel), state);
      // a run may have submitted a build and moved a channel
      void queryClient.invalidateQueries({ queryKey: ['channels'] });
      void queryClient.invalidateQueries({ queryKey: buildKeys.lists() });
    },
  });
}
