import { providerTarget, providerTargetIds, type CloudInitDatasource, type GuestAgent, type ProviderTargetId, type VirtualizationId } from './provider-targets';

/**
 * What the chosen targets add inside the image: agent packages, the cloud-init
 * datasource list, and drop-ins that keep each agent inert on other hypervisors, so one
 * image with several targets stays sound everywhere. Pure renderers, shared by the
 * configure stage and any export.
 */

interface WithTargets {
  outputs: readonly { targets?: readonly ProviderTargetId[] | undefined }[];
}

/** The spec's targets in catalog order, each once. */
export function specTargets(spec: WithTargets): ProviderTargetId[] {
  const chosen = new Set(spec.outputs.flatMap((o) => o.targets ?? []));
  return providerTargetIds.filter((id) => chosen.has(id));
}

export function agentPackages(targets: readonly ProviderTargetId[], distro: 'debian' | 'ubuntu' = 'debian'): string[] {
  const name = (agent: GuestAgent) => (distro === 'ubuntu' ? (agent.ubuntuPackage ?? agent.package) : agent.package);
  return [...new Set(targets.flatMap((id) => providerTarget(id).agents.map(name)))];
}

/**
 * What a spec without any target has always had. Kept as it was so images (and build keys)
 * of specs that list bare formats do not change.
 */
export const LEGACY_DATASOURCES: readonly CloudInitDatasource[] = ['NoCloud', 'ConfigDrive', 'VMware', 'Ec2'];

// cloud-init's own default order: the first datasource that finds its metadata wins
const datasourceOrder: readonly CloudInitDatasource[] = ['NoCloud', 'ConfigDrive', 'Azure', 'VMware', 'GCE', 'OpenStack', 'Ec2'];

/**
 * NoCloud is always listed: Stamper's own boot check seeds the guest with a NoCloud ISO, and
 * ds-identify enables a datasource only where its platform is detected, so the extra entry
 * costs nothing on a cloud. No `None` fallback: without a datasource cloud-init disables itself.
 */
export function targetDatasources(targets: readonly ProviderTargetId[]): CloudInitDatasource[] {
  if (targets.length === 0) return [...LEGACY_DATASOURCES];
  const wanted = new Set<CloudInitDatasource>(['NoCloud', ...targets.flatMap((id) => providerTarget(id).datasources)]);
  return datasourceOrder.filter((d) => wanted.has(d));
}

export function renderDatasourceList(datasources: readonly CloudInitDatasource[]): string {
  return `datasource_list: [ ${datasources.join(', ')} ]\n`;
}

export interface UnitDropIn {
  /** Path inside the image. */
  path: string;
  content: string;
}

export const AGENT_DROP_IN_NAME = 'stamper-provider.conf';
export const DATASOURCES_PATH = '/etc/cloud/cloud.cfg.d/90-stamper-datasources.cfg';

/**
 * The provider targets' part of the shared node definition: cloud-init's datasource list
 * and a drop-in per agent unit. The agent packages come with the package set; Azure's
 * waagent.conf is rewritten from the packaged one where the package is installed.
 */
export function providerNodeFiles(spec: WithTargets): UnitDropIn[] {
  const targets = specTargets(spec);
  return [{ path: DATASOURCES_PATH, content: renderDatasourceList(targetDatasources(targets)) }, ...agentUnitDropIns(targets)];
}

/**
 * One drop-in per agent unit: triggering (`|`) conditions, so the unit starts only on
 * one of the hypervisors its targets run on. Conditions add to the unit's own, so a unit
 * that already has one stays as strict as it was.
 */
export function agentUnitDropIns(targets: readonly ProviderTargetId[]): UnitDropIn[] {
  const runsOn = new Map<string, Set<VirtualizationId>>();
  for (const id of targets) {
    for (const agent of providerTarget(id).agents) {
      for (const unit of agent.units) {
        const set = runsOn.get(unit) ?? new Set<VirtualizationId>();
        agent.runsOn.forEach((v) => set.add(v));
        runsOn.set(unit, set);
      }
    }
  }
  return [...runsOn.entries()].map(([unit, virts]) => ({
    path: `/etc/systemd/system/${unit}.d/${AGENT_DROP_IN_NAME}`,
    content: [
      '# Added by Stamper: this agent belongs to one provider and stays off elsewhere.',
      '[Unit]',
      ...[...virts].map((v) => `ConditionVirtualization=|${v}`),
      '',
    ].join('\n'),
  }));
}

/**
 * Debian's waagent.conf with cloud-init doing the provisioning (it reads the Azure datasource
 * and reports ready), and the resource disk left to cloud-init without swap: kubelet refuses
 * to run with swap on.
 */
export function azureAgentConfig(packaged: string): string {
  const wanted: Record<string, string> = { 'Provisioning.Agent': 'cloud-init', 'ResourceDisk.Format': 'n', 'ResourceDisk.EnableSwap': 'n' };
  const seen = new Set<string>();
  const lines = packaged.split('\n').map((line) => {
    const key = /^\s*([A-Za-z.]+)\s*=/.exec(line)?.[1];
    const value = key === undefined ? undefined : wanted[key];
    if (key === undefined || value === undefined) return line;
    seen.add(key);
    return `${key}=${value}`;
  });
  const missing = Object.entries(wanted).filter(([key]) => !seen.has(key));
  if (lines.at(-1) === '') lines.pop();
  return [...lines, ...missing.map(([key, value]) => `${key}=${value}`), ''].join('\n');
}
