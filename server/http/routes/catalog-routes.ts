import type { FastifyPluginAsync } from 'fastify';
import {
  containerdIncompatibility,
  defaultKubernetesMinor,
  defaultRelease,
  kubernetesMinors,
  outputFormats,
  providerTargets,
  releases,
  suggestedUpstreamContainerd,
} from '../../../src/spec/catalog.ts';
import { catalogSchema, type Catalog } from '../api-schemas.ts';
import { jsonResponse } from '../route-docs.ts';

export interface CatalogRouteOptions {
  /** Where containerd release files are served: the containerd project's downloads, or the operator's mirror of them. */
  containerdReleasesUrl: string;
}

/** The catalog is static per release of Stamper and server configuration, so it is computed once. */
function buildCatalog(options: CatalogRouteOptions): Catalog {
  return {
    releases: releases.map((release) => ({
      id: release.id,
      distro: release.distro,
      version: release.version,
      title: release.title,
      containerd: release.containerd,
      mirrorRequired: release.mirrorRequired,
      buildableHere: release.buildableHere,
      ...(release.note ? { note: release.note } : {}),
      compatibility: kubernetesMinors.map((minor) => {
        const reason = containerdIncompatibility(minor.defaultVersion, release.containerd);
        return { kubernetesMinor: minor.minor, distroRuntime: reason === null, reason };
      }),
    })),
    kubernetesMinors: kubernetesMinors.map((minor) => ({ ...minor })),
    outputFormats: outputFormats.map((format) => ({ ...format })),
    providerTargets: providerTargets.map((target) => ({
      id: target.id,
      title: target.title,
      formats: [...target.formats],
      agentPackages: target.agents.map((a) => a.package),
      datasources: [...target.datasources],
      drivers: [...target.drivers],
      metadata: target.metadata,
      adds: target.adds,
    })),
    defaults: { release: defaultRelease, kubernetesMinor: defaultKubernetesMinor },
    upstreamContainerd: { version: suggestedUpstreamContainerd, releasesUrl: options.containerdReleasesUrl },
  };
}

export const catalogRoutes: FastifyPluginAsync<CatalogRouteOptions> = async (app, options) => {
  const catalog = buildCatalog(options);
  app.get(
    '/api/catalog',
    { config: { role: 'viewer', doc: { summary: 'What can be chosen in a spec', responses: { 200: jsonResponse('The catalog', catalogSchema) } } } },
    async () => catalog,
  );
};
