import type { DropInManifest, ManifestInput } from './manifest-input';
import { documents, header, templateName, withComments } from './manifest-names';

/** Cluster API Provider AWS, AWSMachineTemplate (CAPA v2.x serves v1beta2). */
export const AWS_API_VERSION = 'infrastructure.cluster.x-k8s.io/v1beta2';

/** The base OS part of CAPA's default lookup format `capa-ami-{{.BaseOS}}-?{{.K8sVersion}}-*`, when an AMI name follows it. */
export function capaLookupBaseOS(amiName: string, kubernetesVersion: string): string | null {
  const escaped = kubernetesVersion.replace(/\./g, '\\.');
  const match = new RegExp(`^capa-ami-(.+)-v?${escaped}-[^-]+$`).exec(amiName);
  return match?.[1] ?? null;
}

const machineSpec = (image: Record<string, unknown>) => ({
  ...image,
  instanceType: '${AWS_NODE_MACHINE_TYPE}',
  iamInstanceProfile: 'nodes.cluster-api-provider-aws.sigs.k8s.io',
  sshKeyName: '${AWS_SSH_KEY_NAME}',
});

export function awsManifest(input: ManifestInput): DropInManifest {
  const amis = input.amis ?? [];
  const parts = amis.map((ami) =>
    withComments([header(input), `AMI ${ami.imageId} (${ami.name}) in ${ami.region}`], {
      apiVersion: AWS_API_VERSION,
      kind: 'AWSMachineTemplate',
      metadata: { name: `${templateName(input)}-${ami.region}` },
      spec: { template: { spec: machineSpec({ ami: { id: ami.imageId } }) } },
    }),
  );
  // with no AMI yet, the lookup an AMI published under the default name template would answer
  const baseOS =
    amis.length === 0
      ? `${input.os.distro}-${input.os.version}`
      : (amis.map((ami) => capaLookupBaseOS(ami.name, input.kubernetesVersion)).find((os) => os !== null) ?? null);
  const notes: string[] = [];
  if (amis.length === 0) {
    notes.push(
      'This build registered no AMI: add an "ami" output (region and bucket) to publish one; the lookup below finds it under the default name template.',
    );
  }
  if (baseOS) {
    // the same AMI found by CAPA's own lookup, in whichever region the cluster runs
    parts.push(
      withComments(
        [
          ...(amis.length === 0 ? [header(input)] : []),
          `${amis.length ? 'or let' : 'let'} CAPA look the AMI up by name (capa-ami-${baseOS}-?${input.kubernetesVersion}-*), owned by your account`,
        ],
        {
          apiVersion: AWS_API_VERSION,
          kind: 'AWSMachineTemplate',
          metadata: { name: `${templateName(input)}-lookup` },
          spec: { template: { spec: machineSpec({ imageLookupBaseOS: baseOS, imageLookupOrg: '${AWS_AMI_OWNER_ACCOUNT_ID}' }) } },
        },
      ),
    );
    notes.push('The lookup variant needs imageLookupOrg set to the AWS account that owns the AMI.');
  } else if (amis.length > 0) {
    notes.push("The AMI names do not follow CAPA's capa-ami-<os>-<version>-<timestamp> format, so only ami.id finds them.");
  }
  notes.push('Values in ${…} are clusterctl variables.');
  return { target: 'aws', kinds: ['AWSMachineTemplate'], apiVersions: [AWS_API_VERSION], yaml: documents(parts), notes };
}
