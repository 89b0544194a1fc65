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

const specIssueSchema = z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() });

export const varFileImportResponseSchema = z.object({
  /** The imported spec input; may still fail validation (see issues), e.g. an AMI without its bucket. */
  spec: z.record(z.string(), z.unknown()),
  specYaml: z.string(),
  /** Keys not imported, each once, with the reason. */
  unsupported: z.array(z.object({ key: z.string(), reason: z.string() })),
  /** Keys that were imported but whose value the spec rejects: they do not carry over as they are. */
  rejected: z.array(z.object({ key: z.string(), issue: specIssueSchema })),
  /** Notes: defaults used, values to check (e.g. a version the catalog or the configured source does not have). */
  warnings: z.array(z.string()),
  /** Every problem of the imported spec, key or not (e.g. the AMI's bucket, which image-builder has no variable for). */
  issues: z.array(specIssueSchema),
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
