import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { varFileImportResponseSchema, type VarFileImportResponse } from '@/spec/interop/interop-api';

export interface ImportVarFileInput {
  /** The var file's text, sent as is so the server reports JSON errors in its own words. */
  text: string;
  /** metadata.name for the imported spec. */
  name?: string;
}

export async function importImageBuilderVarFile({ text, name }: ImportVarFileInput): Promise<VarFileImportResponse> {
  const query = name ? `?name=${encodeURIComponent(name)}` : '';
  const data = await apiRequest<unknown>(`/api/specs/import/image-builder${query}`, { method: 'POST', text, contentType: 'application/json' });
  return varFileImportResponseSchema.parse(data);
}

export function useImportImageBuilderVarFile() {
  return useMutation({ mutationFn: importImageBuilderVarFile });
}
