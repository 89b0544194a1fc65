import { z } from 'zod';

/** Response shapes of the interop endpoints, shared by the server and the SPA. */

export const varFileExportReportSchema = z.object({
  fileName: z.string(),
  varFile: z.record(z.string(), z.string()),
  /** The deb822 sources files `extra_repos` names, to place beside the var file. */
  repositoryFiles: z.array(z.object({ name: z.string(), content: z.string() })).optional(),
  /** Spec fields left out because image-builder has no variable for them. */
  notCarried: z.array(z.string()),
});
export type VarFileExportReport = z.infer<typeof varFileExportReportSchema>;

export const varFileImportResponseSchema = z.object({
  /** The imported spec input; may still fail validation (see issues), e.g. an AMI without its bucket. */
  spec: z.record(z.string(), z.unknown()),
  specYaml: z.string(),
  unsupportedKeys: z.array(z.string()),
  warnings: z.array(z.string()),
  issues: z.array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() })),
});
export type VarFileImportResponse = z.infer<typeof varFileImportResponseSchema>;

export const signingKeyResponseSchema = z.object({
  publicKey: z.string(),
  /** One allowed_signers line for ssh-keygen -Y verify. */
  allowedSigners: z.string(),
  /** Shell commands that check a download with plain OpenSSH and coreutils. */
  verifyCommand: z.string(),
});
export type SigningKeyResponse = z.infer<typeof signingKeyResponseSchema>;

export const imageBuilderFileName = (name: string): string => `${name}.image-builder.json`;
export const packerFileName = (name: string): string => `${name}.pkr.hcl`;
