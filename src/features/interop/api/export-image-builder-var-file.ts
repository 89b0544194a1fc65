import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { varFileExportReportSchema, type VarFileExportReport } from '@/spec/interop/interop-api';
import type { NodeImage } from '@/spec/schema';

/** Asks for the report form so the UI can say what the file leaves out before saving it. */
export async function exportImageBuilderVarFile(spec: NodeImage): Promise<VarFileExportReport> {
  const data = await apiRequest<unknown>('/api/specs/export/image-builder?report=1', { method: 'POST', json: spec as unknown as Record<string, unknown> });
  return varFileExportReportSchema.parse(data);
}

export function useExportImageBuilderVarFile() {
  return useMutation({ mutationFn: exportImageBuilderVarFile });
}
