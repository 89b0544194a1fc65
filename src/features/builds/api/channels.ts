import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { channelListSchema, channelSchema, type Channel, type ChannelList } from '@/spec/channels-api';

const channelKeys = { all: ['channels'] as const };

export async function getChannels(signal?: AbortSignal): Promise<ChannelList> {
  return channelListSchema.parse(await apiRequest<unknown>('/api/channels', { signal }));
}

export const useChannels = () => useQuery({ queryKey: channelKeys.all, queryFn: ({ signal }) => getChannels(signal) });

const channelUrl = (image: string, channel: string) => `/api/channels/${encodeURIComponent(image)}/${encodeURIComponent(channel)}`;

/** Promote a build to a channel, or roll a channel back one move; either answers the channel as it is now. */
export function useMoveChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (move: { image: string; channel: string } & ({ buildId: string } | { rollback: true })): Promise<Channel> => {
      const url = 'rollback' in move ? `${channelUrl(move.image, move.channel)}/rollback` : channelUrl(move.image, move.channel);
      const body = 'rollback' in move ? {} : { json: { buildId: move.buildId } };
      return channelSchema.parse(await apiRequest<unknown>(url, { method: 'POST', ...body }));
    },
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: channelKeys.all }),
  });
}

export { channelUrl };
