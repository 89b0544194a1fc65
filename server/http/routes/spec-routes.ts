import type { FastifyPluginAsync } from 'fastify';
import { nodeImageJsonSchema } from '../../../src/spec/json-schema.ts';
import { specValidationSchema, type SpecValidation } from '../api-schemas.ts';
import { anyJsonObject, errorResponse, jsonResponse, specRequestBody, type RouteDoc } from '../route-docs.ts';
import { checkSpecText } from '../../specs/check-spec-text.ts';
import { acceptSpecText } from '../spec-body.ts';

const validateDoc: RouteDoc = {
  summary: 'Validate a spec',
  body: specRequestBody,
  responses: { 200: jsonResponse('Result; ok=false lists issues with line/column', specValidationSchema), 413: errorResponse('Too large') },
};
const schemaDoc: RouteDoc = { summary: 'JSON Schema of the NodeImage spec', responses: { 200: jsonResponse('JSON Schema', anyJsonObject) } };

/** Validation without building, for the editor and CI; and the JSON Schema the editor uses. */
export const specRoutes: FastifyPluginAsync = async (app) => {
  acceptSpecText(app);
  const jsonSchema = nodeImageJsonSchema();

  // An invalid spec is a successful validation, so it answers 200 with ok: false.
  app.post('/api/specs/validate', { config: { role: 'viewer', doc: validateDoc } }, async (request): Promise<SpecValidation> => {
    const checked = await checkSpecText(request.body);
    if (!checked.ok) return { ok: false, issues: checked.issues };
    return { ok: true, spec: checked.spec, buildKey: checked.buildKey, issues: [] };
  });

  app.get('/api/schema', { config: { role: 'viewer', doc: schemaDoc } }, async () => jsonSchema);
};
