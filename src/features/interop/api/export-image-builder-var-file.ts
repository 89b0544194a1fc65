import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { varFileExportReportSchema, type VarFileExportReport } from '@/spec/interop/interop-api';

/**
 * Sends the spec's YAML text as shown, so the file is made from exactly that spec. Asks for
 * the report form so the UI can say what the file leaves out before saving it.
 */
export async function exportImageBuilderVarFile(specYaml: string): Promise<VarFileExportReport> {
  const data = await apiRequest<unknown>('/api/specs/export/image-builder?report=1', { method: 'POST', text: specYaml, contentType: 'application/yaml' });
  return varFileExportReportSchema.parse(data);
}

export function useExportImageBuilderVarFile() {
  return useMutation({ mutationFn: exportImageBuilderVarFile });
}
