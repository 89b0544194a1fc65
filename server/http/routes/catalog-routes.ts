import type { FastifyPluginAsync } from 'fastify';
import {
  containerdIncompatibility,
  defaultKubernetesMinor,
  defaultRelease,
  kubernetesMinors,
  outputFormats,
  providerTargets,
  releases,
} from '../../../src/spec/catalog.ts';
import type { Catalog } from '../api-schemas.ts';

/** The catalog is static per release of Stamper, so it is computed once. */
function buildCatalog(): Catalog {
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
  };
}

export const catalogRoutes: FastifyPluginAsync = async (app) => {
  const catalog = buildCatalog();
  app.get('/api/catalog', async () => catalog);
};
