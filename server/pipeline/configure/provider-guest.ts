import { readFile } from 'node:fs/promises';
import { azureAgentConfig, specTargets } from '../../../src/spec/providers/guest-side';
import type { NodeFile } from '../../../src/spec/node-files';
import type { NodeImageSpec } from '../../../src/spec/schema';
import { symlinkFreeTreePath } from '../tree-paths';

export const WAAGENT_CONF_PATH = '/etc/waagent.conf';

/**
 * Azure's agent settings, rewritten from the waagent.conf its package installed, so only
 * the native build writes them: the other provider files are in the shared node definition
 * (providerNodeFiles in src/spec/providers/guest-side.ts).
 */
export async function azureAgentFiles(tree: string, spec: NodeImageSpec): Promise<NodeFile[]> {
  if (!specTargets(spec).includes('azure')) return [];
  const packaged = await readFile(await symlinkFreeTreePath(tree, WAAGENT_CONF_PATH), 'utf8').catch(() => '');
  return [{ path: WAAGENT_CONF_PATH, content: azureAgentConfig(packaged) }];
}
