import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { packerFileName } from '@/spec/interop/interop-api';

export interface PackerTemplate {
  fileName: string;
  text: string;
}

export interface PackerExportInput {
  /** The spec's YAML text as shown: the template is made from exactly that spec. */
  specYaml: string;
  name: string;
}

export async function exportPackerTemplate({ specYaml, name }: PackerExportInput): Promise<PackerTemplate> {
  const data = await apiRequest<unknown>('/api/specs/export/packer', { method: 'POST', text: specYaml, contentType: 'application/yaml' });
  if (typeof data !== 'string') throw new Error('the server did not answer with a Packer template');
  return { fileName: packerFileName(name), text: data };
}

export function useExportPackerTemplate() {
  return useMutation({ mutationFn: exportPackerTemplate });
}
