import type { FastifyPluginAsync } from 'fastify';
import { nodeImageJsonSchema } from '../../../src/spec/json-schema.ts';
import type { SpecValidation } from '../api-schemas.ts';
import { checkSpecText } from '../../specs/check-spec-text.ts';
import { acceptSpecText } from '../spec-body.ts';

/** Validation without building, for the editor and CI; and the JSON Schema the editor uses. */
export const specRoutes: FastifyPluginAsync = async (app) => {
  acceptSpecText(app);
  const jsonSchema = nodeImageJsonSchema();

  // An invalid spec is a successful validation, so it answers 200 with ok: false.
  app.post('/api/specs/validate', async (request): Promise<SpecValidation> => {
    const checked = await checkSpecText(request.body);
    if (!checked.ok) return { ok: false, issues: checked.issues };
    return { ok: true, spec: checked.spec, buildKey: checked.buildKey, issues: [] };
  });

  app.get('/api/schema', async () => jsonSchema);
};
