import { createHash } from 'node:crypto';
import { resolveVersions } from '../../../src/spec/defaults';
import type { NodeImage } from '../../../src/spec/schema';
import { REQUIRED_KERNEL_MODULES, REQUIRED_SYSCTLS } from '../../../src/spec/node-definition';
import { HELD_PACKAGES } from '../../../src/spec/node-kubernetes';
import { type CapiBootstrapExpectation, capiBootstrapExpectation } from './capi-bootstrap';

/** What guest-check.py compares the booted node against; derived from the spec only. */
export interface GuestExpectations {
  buildKey: string;
  kubernetesVersion: string;
  held: string[];
  modules: string[];
  sysctls: Record<string, string>;
  users: { name: string; groups: string[]; shell: string; sudo: boolean; sshAuthorizedKeys: string[] }[];
  files: { path: string; sha256: string; mode: string; owner: string }[];
  packages: { name: string; version?: string }[];
  servicesEnabled: string[];
  servicesDisabled: string[];
  kernelArgs: string[];
  /** The Cluster API bootstrap contract check; null boots without a seed (only the node checks run). */
  capiBootstrap: CapiBootstrapExpectation | null;
  /** Also print where the boot's time went (systemd-analyze) to the console; for bench/boot-check.ts. */
  profile?: boolean;
}

export function guestExpectations(image: NodeImage, buildKey: string): GuestExpectations {
  const spec = image.spec;
  const kubernetesVersion = resolveVersions(spec).kubernetes;
  return {
    buildKey,
    kubernetesVersion,
    held: spec.kubernetes.source.type === 'apt' ? HELD_PACKAGES : [],
    modules: [...new Set([...REQUIRED_KERNEL_MODULES, ...spec.kernelModules])],
    sysctls: { ...REQUIRED_SYSCTLS, ...spec.sysctl },
    users: spec.users.map((u) => ({ name: u.name, groups: u.groups, shell: u.shell, sudo: u.sudo, sshAuthorizedKeys: u.sshAuthorizedKeys })),
    files: spec.files.map((f) => ({
      path: f.path,
      sha256: createHash('sha256').update(f.content).digest('hex'),
      mode: f.mode.padStart(4, '0'),
      owner: f.owner,
    })),
    packages: spec.packages.map((p) => {
      const [name, version] = p.split('=');
      return version ? { name: name ?? p, version } : { name: name ?? p };
    }),
    servicesEnabled: spec.services.enable,
    servicesDisabled: spec.services.disable,
    kernelArgs: spec.kernelArgs,
    capiBootstrap: capiBootstrapExpectation(kubernetesVersion, buildKey),
  };
}
