import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { exportImageBuilderVarFile } from '../../../src/spec/interop/image-builder-var-file.ts';
import { importImageBuilderVarFile } from '../../../src/spec/interop/image-builder-var-file-import.ts';
import { varFileImportResponse } from '../../../src/spec/interop/var-file-import-response.ts';
import {
  imageBuilderFileName,
  packerFileName,
  signingKeyResponseSchema,
  varFileExportReportSchema,
  varFileImportResponseSchema,
  type SigningKeyResponse,
  type VarFileExportReport,
  type VarFileImportResponse,
} from '../../../src/spec/interop/interop-api.ts';
import { exportPackerTemplate } from '../../../src/spec/interop/packer-hcl.ts';
import { nodeImageSchema, type NodeImage } from '../../../src/spec/schema.ts';
import type { SpecIssue } from '../../../src/spec/validation-error.ts';
import { MAX_SPEC_BYTES, parseSpecYaml } from '../../../src/spec/yaml-spec.ts';
import { allowedSignersLine, publicKey, verifyCommandText } from '../../signing/signing-key.ts';
import { anyJsonObject, errorResponse, jsonResponse, specRequestBody, textResponse, type RouteDoc } from '../route-docs.ts';
import { specContentTypes } from '../spec-body.ts';
import type { RouteOptions } from './route-options.ts';
import { signingKeyDir } from '../../signing/signing-key-dir.ts';
import { kubernetesRepositoryNotes } from '../../sources/kubernetes-repository-check.ts';
import type { SourcePolicy } from '../../sources/source-policy.ts';

type ParsedSpec = { ok: true; spec: NodeImage } | { ok: false; status: number; code: string; message: string; issues?: SpecIssue[] };

function parseSpecBody(body: unknown): ParsedSpec {
  if (typeof body !== 'string' || body.trim() === '')
    return { ok: false, status: 400, code: 'empty_body', message: 'send the spec as YAML or JSON in the request body' };
  const parsed = parseSpecYaml(body);
  if (!parsed.ok) return { ok: false, status: 400, code: 'invalid_spec', message: 'the spec is not valid; fix the listed issues', issues: parsed.issues };
  return { ok: true, spec: parsed.value };
}

function sendError(reply: FastifyReply, status: number, code: string, message: string, issues?: SpecIssue[]) {
  return reply.code(status).send({ code, message, ...(issues ? { issues } : {}) });
}

const docs = {
  exportVarFile: {
    summary: 'Export the spec as an image-builder Packer var file',
    query: z.object({ report: z.string().describe('Present: answer the file with what it leaves out, as JSON').optional() }),
    body: specRequestBody,
    responses: {
      200: { description: 'The var file, or with ?report the report', content: { 'application/json': z.union([anyJsonObject, varFileExportReportSchema]) } },
      400: errorResponse('Invalid spec'),
    },
  },
  exportPacker: {
    summary: 'Export the spec as a Packer HCL2 template',
    body: specRequestBody,
    responses: { 200: textResponse('HCL2 text'), 400: errorResponse('Invalid spec') },
  },
  importVarFile: {
    summary: 'Import an image-builder var file as a spec',
    query: z.object({ name: z.string().describe('metadata.name for the spec (a DNS label)').optional() }),
    body: { 'application/json': anyJsonObject },
    responses: { 200: jsonResponse('The spec, what was not carried, and its issues', varFileImportResponseSchema), 400: errorResponse('Not a var file') },
  },
  signingKey: {
    summary: 'The public key that signs build artifacts',
    responses: { 200: jsonResponse('Key and verify command', signingKeyResponseSchema) },
  },
} satisfies Record<string, RouteDoc>;

/** Quotes a file name for Content-Disposition; spec names are DNS labels, so this is belt and braces. */
const attachment = (fileName: string): string => `attachment; filename="${fileName.replace(/["\\\r\n]/g, '_')}"`;

/**
 * image-builder / Packer import and export, and the signing public key. Answers its own
 * `{code, message, issues?}` errors so it behaves the same on the app and on a bare Fastify.
 */
const kubernetesSchema = nodeImageSchema.shape.spec.shape.kubernetes;

export interface InteropRouteOptions extends RouteOptions {
  /**
   * When set, an import asks the Kubernetes repository it names whether it serves the pinned
   * versions, under this policy. Left out by apps whose pipeline fetches nothing.
   */
  sourceCheck?: { policy: SourcePolicy };
  /** STAMPER_SIGNING_KEY_DIR: the shared key whose public half is served; the data dir's own when unset. */
  signingKeyDir?: string | undefined;
}

export const interopRoutes: FastifyPluginAsync<InteropRouteOptions> = async (app, options) => {
  const keys = signingKeyDir(options);
  // Bodies arrive as text: specs because YAML parsing gives line and column, var files
  // because a JSON syntax error should come back in our error shape, not Fastify's.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(specContentTypes, { parseAs: 'string', bodyLimit: MAX_SPEC_BYTES }, (_request, body, done) => done(null, body));

  app.post<{ Querystring: { report?: string } }>(
    '/api/specs/export/image-builder',
    { config: { role: 'viewer', doc: docs.exportVarFile } },
    async (request, reply) => {
      const parsed = parseSpecBody(request.body);
      if (!parsed.ok) return sendError(reply, parsed.status, parsed.code, parsed.message, parsed.issues);
      const { varFile, repositoryFiles, notCarried } = exportImageBuilderVarFile(parsed.spec);
      const fileName = imageBuilderFileName(parsed.spec.metadata.name);
      // ?report=1 is for the SPA: the file plus what it leaves out, to show before downloading.
      if (request.query.report !== undefined) return { fileName, varFile, repositoryFiles, notCarried } satisfies VarFileExportReport;
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', attachment(fileName))
        .header('x-stamper-not-carried', notCarried.join(','))
        .send(`${JSON.stringify(varFile, null, 2)}\n`);
    },
  );

  app.post('/api/specs/export/packer', { config: { role: 'viewer', doc: docs.exportPacker } }, async (request, reply) => {
    const parsed = parseSpecBody(request.body);
    if (!parsed.ok) return sendError(reply, parsed.status, parsed.code, parsed.message, parsed.issues);
    return reply
      .header('content-type', 'text/plain; charset=utf-8')
      .header('content-disposition', attachment(packerFileName(parsed.spec.metadata.name)))
      .send(exportPackerTemplate(parsed.spec));
  });

  app.post<{ Querystring: { name?: string } }>(
    '/api/specs/import/image-builder',
    { config: { role: 'viewer', doc: docs.importVarFile } },
    async (request, reply): Promise<VarFileImportResponse | FastifyReply> => {
      if (typeof request.body !== 'string' || request.body.trim() === '')
        return sendError(reply, 400, 'empty_body', 'send the image-builder var file (JSON) in the request body');
      let raw: unknown;
      try {
        raw = JSON.parse(request.body);
      } catch (error) {
        return sendError(reply, 400, 'invalid_var_file', `not JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
      const name = request.query.name && /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(request.query.name) ? request.query.name : undefined;
      let imported;
      try {
        imported = importImageBuilderVarFile(raw, name);
      } catch (error) {
        return sendError(reply, 400, 'invalid_var_file', error instanceof Error ? error.message : String(error));
      }
      // The Kubernetes part alone decides which repository and versions to ask about, so a problem
      // elsewhere in the import does not hide a version the source lacks. Only servers that may
      // fetch (not the scripted test ones) ask.
      const kubernetes = kubernetesSchema.safeParse(imported.spec.spec?.kubernetes ?? {});
      const notes =
        kubernetes.success && options.sourceCheck
          ? await kubernetesRepositoryNotes({ kubernetes: kubernetes.data }, { policy: options.sourceCheck.policy })
          : [];
      return varFileImportResponse(imported, notes);
    },
  );

  app.get('/api/signing/public-key', { config: { role: 'viewer', doc: docs.signingKey } }, async () => {
    const key = await publicKey(keys.path, keys);
    return { publicKey: key, allowedSigners: allowedSignersLine(key), verifyCommand: verifyCommandText(key) } satisfies SigningKeyResponse;
  });
};
