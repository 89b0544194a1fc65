import type { SpecIssue } from './validation-error';

type Path = readonly (string | number)[];

/**
 * What the designer calls each field, keyed by the spec path with list indices left out.
 * The longest known prefix names an issue; the rest of the path is spelled out after it.
 */
const fieldLabels: Record<string, string> = {
  '': 'Spec',
  apiVersion: 'API version',
  kind: 'Kind',
  metadata: 'Metadata',
  'metadata.name': 'Image name',
  'metadata.description': 'Description',
  'metadata.labels': 'Labels',
  'spec.os': 'Base OS',
  'spec.os.distro': 'Distribution',
  'spec.os.release': 'Release',
  'spec.os.mirror': 'Package mirror',
  'spec.runtime': 'Container runtime',
  'spec.runtime.source': 'containerd source',
  'spec.runtime.version': 'containerd version',
  'spec.runtime.upstream': 'Upstream containerd',
  'spec.runtime.upstream.url': 'containerd tarball URL',
  'spec.runtime.upstream.sha256': 'containerd tarball SHA-256',
  'spec.runtime.upstream.runcUrl': 'runc URL',
  'spec.runtime.upstream.runcSha256': 'runc SHA-256',
  'spec.kubernetes': 'Kubernetes',
  'spec.kubernetes.version': 'Kubernetes version',
  'spec.kubernetes.source': 'Kubernetes source',
  'spec.kubernetes.source.repository': 'Kubernetes apt repository',
  'spec.kubernetes.source.signingKeyUrl': 'Repository signing key URL',
  'spec.kubernetes.source.baseUrl': 'Kubernetes binaries URL',
  'spec.kubernetes.cniVersion': 'CNI plugins version',
  'spec.kubernetes.crictlVersion': 'crictl version',
  'spec.packages': 'Packages',
  'spec.users': 'Users',
  'spec.users.name': 'user name',
  'spec.users.groups': 'groups',
  'spec.users.sshAuthorizedKeys': 'SSH authorized keys',
  'spec.users.passwordHash': 'password hash',
  'spec.users.shell': 'login shell',
  'spec.files': 'Files',
  'spec.files.path': 'path',
  'spec.files.content': 'content',
  'spec.files.mode': 'mode',
  'spec.files.owner': 'owner',
  'spec.sysctl': 'sysctl settings',
  'spec.kernelModules': 'Kernel modules',
  'spec.kernelArgs': 'Kernel arguments',
  'spec.services.enable': 'Services to enable',
  'spec.services.disable': 'Services to disable',
  'spec.disk.sizeGiB': 'Disk size',
  'spec.disk.firmware': 'Firmware',
  'spec.outputs': 'Outputs',
  'spec.outputs.targets': 'targets',
  'spec.outputs.hardwareVersion': 'hardware version',
  'spec.outputs.compression': 'compression',
  'spec.verify.enabled': 'Boot check',
  'spec.verify.timeoutSeconds': 'Verification timeout',
};

// Records whose issues already name the offending key in their message.
const keyedRecords = new Set(['spec.sysctl', 'metadata.labels']);

/**
 * A field path in the designer's words: labels and 1-based item numbers, e.g.
 * ['spec', 'users', 1, 'groups', 0] → "Users, item 2, groups, item 1". Within each run of
 * field names the longest labelled prefix names it; names without a label are kept as they are.
 */
export function describePath(path: Path): string {
  const parts: string[] = [];
  const named: string[] = [];
  let run: string[] = [];
  const closeRun = () => {
    if (run.length === 0) return;
    const base = named.slice(0, named.length - run.length);
    let used = 0;
    let label: string | undefined;
    for (let n = run.length; n > 0 && label === undefined; n -= 1) {
      label = fieldLabels[[...base, ...run.slice(0, n)].join('.')];
      used = n;
    }
    if (label !== undefined) parts.push(label);
    else used = 0;
    const labelledKey = [...base, ...run.slice(0, used)].join('.');
    const rest = run.slice(used);
    if (!(keyedRecords.has(labelledKey) && rest.length === 1)) parts.push(...rest);
    run = [];
  };
  for (const part of path) {
    if (typeof part === 'number') {
      closeRun();
      parts.push(`item ${part + 1}`);
    } else {
      named.push(part);
      run.push(part);
    }
  }
  closeRun();
  return parts.length > 0 ? parts.join(', ') : 'Spec';
}

/** One issue as a sentence the form can show: "Packages, item 2: must be a Debian package name…". */
export function describeIssue(issue: Pick<SpecIssue, 'path' | 'message'>): string {
  return `${describePath(issue.path)}: ${issue.message}`;
}
