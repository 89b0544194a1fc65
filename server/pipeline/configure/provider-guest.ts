import { readFile } from 'node:fs/promises';
import { agentUnitDropIns, azureAgentConfig, renderDatasourceList, specTargets, targetDatasources } from '../../../src/spec/providers/guest-side';
import type { NodeImageSpec } from '../../../src/spec/schema';
import { symlinkFreeTreePath } from '../tree-paths';

export const DATASOURCES_PATH = '/etc/cloud/cloud.cfg.d/90-stamper-datasources.cfg';
export const WAAGENT_CONF_PATH = '/etc/waagent.conf';

/**
 * The files the chosen provider targets add to the tree: cloud-init's datasource list,
 * a drop-in per agent unit that keeps it off other hypervisors, and Azure's agent
 * settings. The agent packages themselves came with the rootfs (package-set.ts).
 */
export async function providerGuestFiles(tree: string, spec: NodeImageSpec): Promise<{ path: string; content: string }[]> {
  const targets = specTargets(spec);
  const files = [{ path: DATASOURCES_PATH, content: renderDatasourceList(targetDatasources(targets)) }, ...agentUnitDropIns(targets)];
  if (targets.includes('azure')) {
    const packaged = await readFile(await symlinkFreeTreePath(tree, WAAGENT_CONF_PATH), 'utf8').catch(() => '');
    files.push({ path: WAAGENT_CONF_PATH, content: azureAgentConfig(packaged) });
  }
  return files;
}
