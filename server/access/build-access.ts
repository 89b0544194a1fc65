import type { FastifyRequest } from 'fastify';
import type { BuildDetail } from '../../src/spec/build-api.ts';
import { hasSecrets, redactSpec, redactSpecYaml } from '../../src/spec/redact-secrets.ts';
import { REDACTED } from '../../src/spec/secret-fields.ts';
import { HttpError } from '../http/http-error.ts';
import type { AccessStore } from '../store/access-store.ts';
import type { Principal } from './principal.ts';

/** Admins see and act on every build; anyone else only on the builds they submitted. */
function ownsOrAdmin(principal: Principal | null, submitter: string | null): boolean {
  if (!principal) return false;
  return principal.role === 'admin' || (submitter !== null && submitter === principal.subject);
}

/**
 * A build as this caller may see it: the secrets in its spec (see src/spec/secret-fields.ts)
 * are replaced by a placeholder for everyone but the submitter and admins. The stored spec
 * keeps the real values, so retry and rebuild still build what was submitted.
 */
export async function shownTo(request: FastifyRequest, access: AccessStore | undefined, detail: BuildDetail): Promise<BuildDetail> {
  const submitter = (await access?.submitterOf(detail.id)) ?? null;
  const withSubmitter = { ...detail, submittedBy: submitter };
  if (ownsOrAdmin(request.principal, submitter) || !hasSecrets(detail.spec)) return withSubmitter;
  return { ...withSubmitter, spec: redactSpec(detail.spec), specYaml: redactSpecYaml(detail.specYaml, detail.spec) ?? REDACTED };
}

/** A builder cancels, retries, rebuilds and deletes only their own builds (the route already asked for builder). */
export async function requireOwnerOrAdmin(request: FastifyRequest, access: AccessStore | undefined, buildId: string): Promise<void> {
  if (!access) return;
  if (ownsOrAdmin(request.principal, await access.submitterOf(buildId))) return;
  throw new HttpError(403, 'forbidden', 'only the submitter of this build or an admin may do this');
}
