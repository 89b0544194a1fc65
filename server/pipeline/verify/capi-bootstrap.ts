import { createHash } from 'node:crypto';
import { compareVersions } from '../../../src/spec/catalog';
import { STAND_IN_MARKER } from '../kubernetes/stand-in';

/**
 * The Cluster API bootstrap contract, as the kubeadm bootstrap provider (CABPK) writes it
 * for a joining worker: cloud-init user-data whose write_files puts a JoinConfiguration at
 * /run/kubeadm/kubeadm-join-config.yaml and whose runcmd runs `kubeadm join --config` on it
 * and, only when that succeeds, writes the sentinel file Cluster API reads to mark the
 * machine bootstrapped. The verify boot feeds this through a NoCloud seed, so a passing
 * check means the image's cloud-init found the seed, rendered CABPK's jinja header, wrote
 * the file and ran the command, exactly as on a provider.
 *
 * Shape checked against cluster-api's bootstrap/kubeadm/internal/cloudinit templates and
 * their tests (node.go, cloudinit_test.go): header "## template: jinja", write_files entries
 * with owner root:root and permissions '0640', the /run/cluster-api placeholder file, and
 * the single runcmd line with CABPK's double space (its empty verbosity placeholder).
 */
export const JOIN_CONFIG_PATH = '/run/kubeadm/kubeadm-join-config.yaml';
export const SENTINEL_PATH = '/run/cluster-api/bootstrap-success.complete';
export const JOIN_COMMAND_ARGS = ['join', '--config', JOIN_CONFIG_PATH];
export const JOIN_RUNCMD = `kubeadm ${JOIN_COMMAND_ARGS.join(' ')}  && echo success > ${SENTINEL_PATH}`;
/** The hostname the seed's meta-data gives the verify VM; the join config names the node after it through jinja. */
export const VERIFY_HOSTNAME = 'stamper-verify';
/** CABPK's way (as CAPA uses it) of naming the node after the instance: rendered by cloud-init's jinja support. */
const NODE_NAME_TEMPLATE = '{{ ds.meta_data.local_hostname }}';
/** Where the stand-in kubeadm records each call (see server/stand-in/kubernetes-apt-repo.ts). */
export const STAND_IN_KUBEADM_CALLS = '/var/lib/stamper-stand-in/kubeadm-calls';

/**
 * Where the guest looks for kubeadm (apt installs it in /usr/bin, some binary layouts in
 * /usr/local/bin). Whether it is the stand-in is decided in the guest, from the marker the
 * stand-in's scripts carry: the stand-in records its calls and succeeds, a real kubeadm cannot
 * join without a control plane, and the build host cannot tell the two apart for binaries
 * fetched by URL (no package description to read).
 */
export const KUBEADM_PATHS = ['/usr/bin/kubeadm', '/usr/local/bin/kubeadm'];

export interface CapiBootstrapExpectation {
  kubeadmPaths: string[];
  standInMarker: string;
  kubernetesVersion: string;
  instanceId: string;
  joinConfigPath: string;
  /** SHA-256 of the join config as cloud-init must write it: jinja rendered, node named after the VM. */
  joinConfigSha256: string;
  joinConfigMode: string;
  sentinelPath: string;
  kubeadmArgs: string[];
  standInCallsPath: string;
}

/** CABPK picks the kubeadm config API by Kubernetes version: v1beta3 below 1.31, v1beta4 from 1.31 on. */
export function kubeadmApiVersion(kubernetesVersion: string): 'kubeadm.k8s.io/v1beta3' | 'kubeadm.k8s.io/v1beta4' {
  return compareVersions(kubernetesVersion, '1.31.0') < 0 ? 'kubeadm.k8s.io/v1beta3' : 'kubeadm.k8s.io/v1beta4';
}

/**
 * A worker JoinConfiguration as CABPK serialises one. The endpoint is the VM's own loopback,
 * where nothing listens: a real kubeadm fails its discovery there within the short timeout
 * instead of reaching anything outside the VM. Token and CA hash are well-formed dummies.
 */
export function joinConfiguration(kubernetesVersion: string, nodeName: string): string {
  const v1beta4 = kubeadmApiVersion(kubernetesVersion) === 'kubeadm.k8s.io/v1beta4';
  const lines = [
    '---',
    `apiVersion: ${kubeadmApiVersion(kubernetesVersion)}`,
    'discovery:',
    '  bootstrapToken:',
    '    apiServerEndpoint: 127.0.0.1:6443',
    '    caCertHashes:',
    `    - sha256:${'0'.repeat(64)}`,
    '    token: stampr.verify0000000000',
    ...(v1beta4 ? [] : ['  timeout: 30s']),
    'kind: JoinConfiguration',
    'nodeRegistration:',
    '  criSocket: unix:///var/run/containerd/containerd.sock',
    '  kubeletExtraArgs:',
    ...(v1beta4
      ? ['  - name: eviction-hard', '    value: nodefs.available<0%,nodefs.inodesFree<0%,imagefs.available<0%']
      : ['    eviction-hard: nodefs.available<0%,nodefs.inodesFree<0%,imagefs.available<0%']),
    `  name: '${nodeName}'`,
    '  taints: null',
    ...(v1beta4 ? ['timeouts:', '  discovery: 30s'] : []),
  ];
  return `${lines.join('\n')}\n`;
}

const indent = (text: string, spaces: number): string =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => `${' '.repeat(spaces)}${line}`)
    .join('\n');

/** The user-data CABPK would hand a joining worker, as cloud-init reads it from the seed. */
export function capiBootstrapUserData(kubernetesVersion: string): string {
  return [
    '## template: jinja',
    '#cloud-config',
    '',
    'write_files:',
    `-   path: ${JOIN_CONFIG_PATH}`,
    '    owner: root:root',
    "    permissions: '0640'",
    '    content: |',
    indent(joinConfiguration(kubernetesVersion, NODE_NAME_TEMPLATE), 6),
    '-   path: /run/cluster-api/placeholder',
    '    owner: root:root',
    "    permissions: '0640'",
    '    content: "This placeholder file is used to create the /run/cluster-api sub directory"',
    'runcmd:',
    `  - ${JOIN_RUNCMD}`,
    '',
  ].join('\n');
}

export function noCloudMetaData(instanceId: string): string {
  return `instance-id: ${instanceId}\nlocal-hostname: ${VERIFY_HOSTNAME}\n`;
}

export function capiBootstrapExpectation(kubernetesVersion: string, buildKey: string): CapiBootstrapExpectation {
  const written = joinConfiguration(kubernetesVersion, VERIFY_HOSTNAME);
  return {
    kubeadmPaths: KUBEADM_PATHS,
    standInMarker: STAND_IN_MARKER,
    kubernetesVersion,
    // a fresh instance id per build, so cloud-init treats the boot as a first boot
    instanceId: `stamper-verify-${buildKey.slice(0, 12) || 'build'}`,
    joinConfigPath: JOIN_CONFIG_PATH,
    joinConfigSha256: createHash('sha256').update(written).digest('hex'),
    joinConfigMode: '0640',
    sentinelPath: SENTINEL_PATH,
    kubeadmArgs: JOIN_COMMAND_ARGS,
    standInCallsPath: STAND_IN_KUBEADM_CALLS,
  };
}

/** The NoCloud seed's two files for an expectation, so seed and check cannot disagree. */
export function capiBootstrapSeed(expectation: CapiBootstrapExpectation): { userData: string; metaData: string } {
  return { userData: capiBootstrapUserData(expectation.kubernetesVersion), metaData: noCloudMetaData(expectation.instanceId) };
}
