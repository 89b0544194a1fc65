import { describe, expect, it } from 'vitest';
import { resolveVersions } from '../defaults';
import { nodeImageSchema, type NodeImage, type NodeImageInput } from '../schema';
import { minimalInput } from '../test-specs';
import { exportImageBuilderVarFile } from './image-builder-var-file';
import { importImageBuilderVarFile } from './image-builder-var-file-import';
import { varFileImportResponse } from './var-file-import-response';

const parse = (input: NodeImageInput): NodeImage => nodeImageSchema.parse(input);
const sha = (c: string) => c.repeat(64);

/** A spec using only what a var file can hold, with values away from the defaults. */
const carriedInput = (): NodeImageInput =>
  minimalInput({
    os: { distro: 'debian', release: 'bookworm' },
    runtime: {
      source: 'upstream',
      version: '1.7.27',
      upstream: { url: 'https://example.test/containerd-1.7.27.tgz', sha256: sha('a'), runcUrl: 'https://example.test/runc', runcSha256: sha('b') },
    },
    kubernetes: {
      version: '1.33.9',
      source: { type: 'apt', repository: 'https://mirror.example.test/k8s/v1.33/deb/', signingKeyUrl: 'https://mirror.example.test/k8s.key' },
      cniVersion: '1.6.0',
      crictlVersion: '1.33.1',
    },
    packages: ['nfs-common', 'jq=1.6-2.1'],
    disk: { sizeGiB: 40, firmware: 'uefi' },
    outputs: [
      { format: 'ova', targets: ['vsphere'], cpus: 4, memoryMiB: 8192, hardwareVersion: 19 },
      { format: 'qcow2', targets: ['qemu'] },
      {
        format: 'ami',
        targets: ['aws'],
        region: 'eu-west-1',
        bucket: 'my-imports',
        copyToRegions: ['us-east-1', 'eu-central-1'],
        launchPermissions: ['123456789012'],
        nameTemplate: 'nodes-{os}-{kubernetesVersion}-{timestamp}',
      },
    ],
  });

describe('exportImageBuilderVarFile', () => {
  it('writes image-builder key names with its value conventions', () => {
    const { varFile } = exportImageBuilderVarFile(parse(carriedInput()));
    expect(varFile).toMatchObject({
      kubernetes_semver: 'v1.33.9',
      kubernetes_series: 'v1.33',
      kubernetes_deb_version: '1.33.9-1.1',
      kubernetes_rpm_version: '1.33.9',
      kubernetes_source_type: 'pkg',
      kubernetes_deb_repo: 'https://mirror.example.test/k8s/v1.33/deb/',
      kubernetes_deb_gpg_key: 'https://mirror.example.test/k8s.key',
      kubernetes_cni_semver: 'v1.6.0',
      crictl_version: '1.33.1',
      containerd_version: '1.7.27',
      containerd_url: 'https://example.test/containerd-1.7.27.tgz',
      containerd_sha256: sha('a'),
      extra_debs: 'nfs-common jq=1.6-2.1',
      disable_public_repos: 'false',
      disk_size: '40960',
      firmware: 'efi',
      cpu: '4',
      memory: '8192',
      vmx_version: '19',
      format: 'qcow2',
      aws_region: 'eu-west-1',
      ami_regions: 'us-east-1,eu-central-1',
      ami_users: '123456789012',
      ami_groups: '',
      image_name: 'nodes-{{user `build_name`}}-{{user `kubernetes_semver`}}-{{user `build_timestamp`}}',
      distro_name: 'debian',
      distro_version: '12',
    });
    for (const value of Object.values(varFile)) expect(typeof value).toBe('string');
  });

  it('pins the pkgs.k8s.io repository of the minor when the spec leaves it to the catalog', () => {
    const { varFile } = exportImageBuilderVarFile(parse(minimalInput({ kubernetes: { version: '1.35.3' } })));
    expect(varFile.kubernetes_deb_repo).toBe('https://pkgs.k8s.io/core:/stable:/v1.35/deb/');
    expect(varFile.kubernetes_deb_gpg_key).toBe('https://pkgs.k8s.io/core:/stable:/v1.35/deb/Release.key');
    expect(varFile.containerd_version).toBe('1.7.24');
  });

  it('names every customized field a var file cannot hold', () => {
    const { notCarried } = exportImageBuilderVarFile(
      parse(
        minimalInput({
          users: [{ name: 'ops', sudo: true }],
          sysctl: { 'vm.max_map_count': '262144' },
          kernelArgs: ['quiet'],
          kernelModules: ['br_netfilter'],
          outputs: [{ format: 'vmdk' }, { format: 'ami', region: 'us-east-1', bucket: 'node-images', tags: { team: 'x' } }],
        }),
      ),
    );
    expect(notCarried).toEqual(
      expect.arrayContaining([
        'spec.users',
        'spec.sysctl',
        'spec.kernelArgs',
        'spec.kernelModules',
        'spec.outputs[0].format',
        'spec.outputs[1].bucket',
        'spec.outputs[1].tags',
      ]),
    );
    expect(exportImageBuilderVarFile(parse(minimalInput())).notCarried).toEqual([]);
  });

  it('carries a target only where image-builder has that provider’s build for the format', () => {
    const { notCarried } = exportImageBuilderVarFile(
      parse(
        minimalInput({
          outputs: [
            { format: 'ova', targets: ['vsphere'] },
            { format: 'qcow2', targets: ['openstack', 'proxmox'] },
            { format: 'vhd', targets: ['azure'] },
          ],
        }),
      ),
    );
    expect(notCarried).toEqual(['spec.outputs[1].targets', 'spec.outputs[2].targets', 'spec.outputs[2].format']);
  });
});

describe('importImageBuilderVarFile', () => {
  it('reads a typical image-builder var file and lists what it cannot carry', () => {
    const result = importImageBuilderVarFile({
      kubernetes_semver: 'v1.34.5',
      kubernetes_series: 'v1.34',
      kubernetes_deb_version: '1.34.5-1.1',
      kubernetes_deb_repo: 'https://pkgs.k8s.io/core:/stable:/{{ user `kubernetes_series` }}/deb/',
      extra_debs: '"nfs-common open-iscsi"',
      http_proxy: 'http://proxy.corp:3128',
      node_custom_roles_post: 'hardening',
      containerd_additional_settings: null,
      no_proxy: '',
    });
    expect(result.spec.spec?.kubernetes).toEqual({ version: '1.34.5' });
    expect(result.spec.spec?.packages).toEqual(['nfs-common', 'open-iscsi']);
    expect(result.unsupported).toEqual([
      { key: 'http_proxy', reason: 'no Stamper equivalent' },
      { key: 'node_custom_roles_post', reason: 'no Stamper equivalent' },
    ]);
    // listed once, with its reason: not again among the notes
    expect(result.warnings.join('\n')).not.toContain('http_proxy');
    expect(nodeImageSchema.safeParse(result.spec).success).toBe(true);
  });

  it('rejects values it cannot honour instead of pretending', () => {
    const result = importImageBuilderVarFile({
      kubernetes_semver: 'v1.35.3',
      kubernetes_series: 'v1.34',
      containerd_version: '1.7.27',
      ami_groups: 'all',
      aws_region: 'us-east-1',
      kubernetes_source_type: 'http',
      distro_name: 'rockylinux',
      distro_version: '9',
    });
    expect(result.unsupportedKeys).toEqual(
      expect.arrayContaining(['kubernetes_series', 'containerd_version', 'ami_groups', 'kubernetes_source_type', 'distro_name']),
    );
    expect(result.unsupported.find((u) => u.key === 'containerd_version')?.reason).toContain('containerd 1.7.27');
    expect(result.unsupportedKeys).toEqual([...new Set(result.unsupportedKeys)]);
  });

  it('lists a key refused for two reasons once, with both', () => {
    const result = importImageBuilderVarFile({
      containerd_url: 'https://example.com/containerd.tar.gz',
      containerd_sha256: 'https://example.com/containerd.tar.gz.sha256sum',
    });
    expect(result.unsupported).toEqual([
      { key: 'containerd_sha256', reason: expect.stringContaining('64 hex digits') },
      { key: 'containerd_url', reason: 'not imported without its SHA-256 (see containerd_sha256)' },
    ]);
  });

  it('says when a pinned version is not the one the catalog pairs with the Kubernetes minor', () => {
    const result = importImageBuilderVarFile({ kubernetes_semver: 'v1.35.3', kubernetes_cni_semver: 'v1.6.0' });
    expect(result.spec.spec?.kubernetes?.cniVersion).toBe('1.6.0');
    expect(result.warnings).toContain(
      'kubernetes_cni_semver v1.6.0 is not the CNI plugins version the catalog pairs with Kubernetes 1.35 (1.7.1): check that the Kubernetes repository serves kubernetes-cni 1.6.0',
    );
  });

  it('names the key of each imported value the spec then rejects', () => {
    const imported = importImageBuilderVarFile({ kubernetes_semver: 'v1.31.2', extra_debs: 'jq ;rm', disk_size: '2048', aws_region: 'eu-west-1' });
    const response = varFileImportResponse(imported);
    // 2048 MiB is 2 GiB, below the spec's smallest disk
    expect(response.rejected.map((r) => r.key)).toEqual(['extra_debs', 'disk_size', 'kubernetes_semver']);
    // the bucket has no image-builder key: a field to fill in, not a rejected value
    expect(response.issues.map((i) => i.path.join('.'))).toContain('spec.outputs.0.bucket');
    expect(response.rejected.some((r) => r.issue.path.includes('bucket'))).toBe(false);
  });

  it("replaces the retired apt.kubernetes.io repository and its key, and reads image-builder's default AMI name", () => {
    const result = importImageBuilderVarFile({
      kubernetes_semver: 'v1.33.9',
      kubernetes_deb_repo: '"https://apt.kubernetes.io/ kubernetes-xenial"',
      kubernetes_deb_gpg_key: 'https://packages.cloud.google.com/apt/doc/apt-key.gpg',
      aws_region: 'us-west-2',
      image_name: 'capa-ami-{{user `build_name`}}-{{user `kubernetes_semver` }}-{{user `build_timestamp`}}',
    });
    expect(result.spec.spec?.kubernetes).toEqual({ version: '1.33.9' });
    expect(result.unsupportedKeys).toEqual(['kubernetes_deb_gpg_key', 'kubernetes_deb_repo']);
    expect(result.spec.spec?.outputs).toEqual([
      { format: 'ami', targets: ['aws'], region: 'us-west-2', bucket: '', nameTemplate: 'capa-ami-{os}-{kubernetesVersion}-{timestamp}' },
    ]);
  });

  it('turns disable_public_repos into an image that keeps only spec.repositories, and says why extra_repos cannot come along', () => {
    const result = importImageBuilderVarFile({ disable_public_repos: 'true', extra_repos: '/home/ci/internal.list' });
    expect(result.spec.spec?.os).toEqual({ keepDistroSources: false });
    expect(result.unsupportedKeys).toEqual(['extra_repos']);
    // the reason sits with the unsupported key; the warning says what the image keeps
    expect(result.unsupported.find((u) => u.key === 'extra_repos')?.reason).toContain('/home/ci/internal.list');
    expect(result.warnings.join('\n')).toContain('spec.repositories');
  });

  it('refuses input that is not a var file', () => {
    expect(() => importImageBuilderVarFile(['kubernetes_semver'])).toThrow(/JSON object/);
  });
});

describe('repositories in the export', () => {
  const key = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZabc\n=abcd\n-----END PGP PUBLIC KEY BLOCK-----\n';
  it('names one deb822 file per repository in extra_repos, with an inline key embedded', () => {
    const image = parse(
      minimalInput({
        os: { release: 'trixie', keepDistroSources: false },
        repositories: [
          { name: 'internal', url: 'https://apt.corp.example/debian', suite: 'trixie', components: ['main', 'contrib'], signingKey: key },
          { name: 'vendor', url: 'https://vendor.example/apt', suite: '/', signingKeyUrl: 'https://vendor.example/key.asc', pin: 500 },
        ],
      }),
    );
    const { varFile, repositoryFiles, notCarried } = exportImageBuilderVarFile(image);
    expect(varFile.extra_repos).toBe('stamper-internal.sources stamper-vendor.sources');
    expect(varFile.disable_public_repos).toBe('true');
    expect(repositoryFiles[0]?.content).toBe(
      'Types: deb\nURIs: https://apt.corp.example/debian\nSuites: trixie\nComponents: main contrib\nSigned-By:\n -----BEGIN PGP PUBLIC KEY BLOCK-----\n .\n mDMEZabc\n =abcd\n -----END PGP PUBLIC KEY BLOCK-----\n',
    );
    expect(repositoryFiles[1]?.content).toBe('Types: deb\nURIs: https://vendor.example/apt\nSuites: /\n');
    expect(notCarried).toEqual(['spec.repositories[1].signingKeyUrl', 'spec.repositories[1].pin']);
  });
});

describe('round trip', () => {
  it('import(export(spec)) keeps every field the var file carries', () => {
    const original = parse(carriedInput());
    const { varFile, notCarried } = exportImageBuilderVarFile(original);
    expect(notCarried).toEqual(['spec.outputs[2].bucket']);
    const imported = importImageBuilderVarFile(JSON.parse(JSON.stringify(varFile)), original.metadata.name);
    expect(imported.unsupportedKeys).toEqual([]);
    // The bucket has no image-builder variable (image-builder builds on EC2, not from S3).
    const amiOutput = imported.spec.spec?.outputs?.find((o) => o.format === 'ami');
    expect(amiOutput).toBeDefined();
    if (amiOutput?.format === 'ami') amiOutput.bucket = 'my-imports';
    expect(parse(imported.spec)).toEqual(original);
  });

  it('keeps a spec that leaves versions to the catalog resolving to the same versions', () => {
    const original = parse(minimalInput({ os: { distro: 'debian', release: 'trixie' }, packages: ['htop'], disk: { sizeGiB: 30, firmware: 'bios' } }));
    const imported = importImageBuilderVarFile(exportImageBuilderVarFile(original).varFile, 'workers');
    expect(imported.unsupportedKeys).toEqual([]);
    const back = parse(imported.spec);
    expect(back).toEqual(original);
    expect(resolveVersions(back.spec)).toEqual(resolveVersions(original.spec));
  });
});
