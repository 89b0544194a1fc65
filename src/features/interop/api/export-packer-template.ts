import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { packerFileName } from '@/spec/interop/interop-api';
import type { NodeImage } from '@/spec/schema';

export interface PackerTemplate {
  fileName: string;
  text: string;
}

export async function exportPackerTemplate(spec: NodeImage): Promise<PackerTemplate> {
  const data = await apiRequest<unknown>('/api/specs/export/packer', { method: 'POST', json: spec as unknown as Record<string, unknown> });
  if (typeof data !== 'string') throw new Error('the server did not answer with a Packer template');
  return { fileName: packerFileName(spec.metadata.name), text: data };
}

export function useExportPackerTemplate() {
  return useMutation({ mutationFn: exportPackerTemplate });
}
