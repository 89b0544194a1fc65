import { z } from 'zod';

/**
 * The parts of each provider's published API types the drop-in snippets use, written down
 * from the providers' Go API types (field names from their json tags, required fields
 * where the tag has no omitempty or the type marks +required). Strict objects: a field the
 * type does not have fails, so a snippet cannot carry a misspelt or invented path.
 * Test-only: the snippet tests validate against these; nothing in production reads them.
 *
 * Read from (2026 snapshots of the repositories):
 * - CAPV  infrastructure.cluster.x-k8s.io/v1beta1  apis/v1beta1/types.go (VirtualMachineCloneSpec,
 *   NetworkSpec, NetworkDeviceSpec), vspheremachine_types.go (VSphereMachineSpec inlines the clone spec)
 * - CAPA  infrastructure.cluster.x-k8s.io/v1beta2  api/v1beta2/awsmachine_types.go (AWSMachineSpec, AMIReference)
 * - CAPZ  infrastructure.cluster.x-k8s.io/v1beta1  api/v1beta1/azuremachine_types.go (AzureMachineSpec),
 *   types.go (Image, AzureComputeGalleryImage, OSDisk)
 * - CAPG  infrastructure.cluster.x-k8s.io/v1beta1  api/v1beta1/gcpmachine_types.go (GCPMachineSpec)
 * - CAPO  infrastructure.cluster.x-k8s.io/v1beta1  api/v1beta1 (OpenStackMachineSpec, ImageParam, ResourceReference)
 * - ORC   openstack.k-orc.cloud/v1alpha1           api/v1alpha1/image_types.go, zz_generated.image-resource.go,
 *   credentials_ref.go (ImageSpec, ImageResourceSpec, ImageContent, ImageProperties, CloudCredentialsReference)
 * - CAPK  infrastructure.cluster.x-k8s.io/v1alpha1  api/v1alpha1/kubevirtmachine_types.go; the VM spec inside
 *   is kubevirt.io/api core/v1 (VirtualMachineSpec, DomainSpec, Devices, Disk, Volume, ContainerDiskSource)
 * - CAPMOX infrastructure.cluster.x-k8s.io/v1alpha1 (ionos-cloud) api/v1alpha1/proxmoxmachine_types.go
 *   (ProxmoxMachineSpec, VirtualMachineCloneSpec, TemplateSource, TemplateSelector, Storage, NetworkSpec)
 */

const objectMeta = z.strictObject({ name: z.string().min(1), namespace: z.string().optional(), labels: z.record(z.string(), z.string()).optional() });
const optionalString = z.string().optional();

/** `kind: XMachineTemplate` with `spec.template.spec` of the provider's machine spec. */
const machineTemplate = (apiVersion: string, kind: string, spec: z.ZodType) =>
  z.strictObject({
    apiVersion: z.literal(apiVersion),
    kind: z.literal(kind),
    metadata: objectMeta,
    spec: z.strictObject({ template: z.strictObject({ metadata: objectMeta.partial().optional(), spec }) }),
  });

const vsphereMachineSpec = z.strictObject({
  template: z.string().min(1),
  cloneMode: z.enum(['fullClone', 'linkedClone']).optional(),
  snapshot: optionalString,
  server: optionalString,
  thumbprint: optionalString,
  datacenter: optionalString,
  folder: optionalString,
  datastore: optionalString,
  storagePolicyName: optionalString,
  resourcePool: optionalString,
  network: z.strictObject({
    devices: z.array(
      z.strictObject({
        networkName: z.string(),
        deviceName: optionalString,
        dhcp4: z.boolean().optional(),
        dhcp6: z.boolean().optional(),
        gateway4: optionalString,
        ipAddrs: z.array(z.string()).optional(),
        nameservers: z.array(z.string()).optional(),
      }),
    ),
  }),
  numCPUs: z.number().int().optional(),
  numCoresPerSocket: z.number().int().optional(),
  memoryMiB: z.number().int().optional(),
  diskGiB: z.number().int().optional(),
  os: z.enum(['Linux', 'Windows']).optional(),
  hardwareVersion: optionalString,
  providerID: optionalString,
  failureDomain: optionalString,
});
export const vsphereMachineTemplate = machineTemplate('infrastructure.cluster.x-k8s.io/v1beta1', 'VSphereMachineTemplate', vsphereMachineSpec);

const awsMachineSpec = z.strictObject({
  ami: z.strictObject({ id: optionalString }).optional(),
  imageLookupFormat: optionalString,
  imageLookupOrg: optionalString,
  imageLookupBaseOS: optionalString,
  instanceType: z.string().min(2),
  iamInstanceProfile: optionalString,
  sshKeyName: optionalString,
  publicIP: z.boolean().optional(),
});
export const awsMachineTemplate = machineTemplate('infrastructure.cluster.x-k8s.io/v1beta2', 'AWSMachineTemplate', awsMachineSpec);

const azureMachineSpec = z.strictObject({
  vmSize: z.string(),
  image: z
    .strictObject({
      id: optionalString,
      computeGallery: z
        .strictObject({
          gallery: z.string().min(1),
          name: z.string().min(1),
          version: z.string().regex(/^(\d+\.\d+\.\d+|latest)$/),
          subscriptionID: optionalString,
          resourceGroup: optionalString,
        })
        .optional(),
    })
    .optional(),
  osDisk: z.strictObject({ osType: z.string(), diskSizeGB: z.number().int().optional(), cachingType: z.enum(['None', 'ReadOnly', 'ReadWrite']).optional() }),
  sshPublicKey: z.string(),
});
export const azureMachineTemplate = machineTemplate('infrastructure.cluster.x-k8s.io/v1beta1', 'AzureMachineTemplate', azureMachineSpec);

const gcpMachineSpec = z.strictObject({
  instanceType: z.string(),
  subnet: optionalString,
  imageFamily: optionalString,
  image: optionalString,
});
export const gcpMachineTemplate = machineTemplate('infrastructure.cluster.x-k8s.io/v1beta1', 'GCPMachineTemplate', gcpMachineSpec);

/** ImageParam: exactly one of id, filter, imageRef (MinProperties = MaxProperties = 1). */
const openstackImageParam = z.union([
  z.strictObject({ id: z.string().uuid() }),
  z.strictObject({ filter: z.strictObject({ name: optionalString, tags: z.array(z.string()).optional() }) }),
  z.strictObject({ imageRef: z.strictObject({ name: z.string().min(1) }) }),
]);
const openstackMachineSpec = z.strictObject({
  flavor: z.string().min(1).optional(),
  flavorID: z.string().min(1).optional(),
  image: openstackImageParam,
  sshKeyName: optionalString,
});
export const openstackMachineTemplate = machineTemplate('infrastructure.cluster.x-k8s.io/v1beta1', 'OpenStackMachineTemplate', openstackMachineSpec);

const glanceDistros = [
  'arch',
  'centos',
  'debian',
  'fedora',
  'freebsd',
  'gentoo',
  'mandrake',
  'mandriva',
  'mes',
  'msdos',
  'netbsd',
  'netware',
  'openbsd',
  'opensolaris',
  'opensuse',
  'rocky',
  'rhel',
  'sled',
  'ubuntu',
  'windows',
] as const;
export const orcImage = z.strictObject({
  apiVersion: z.literal('openstack.k-orc.cloud/v1alpha1'),
  kind: z.literal('Image'),
  metadata: objectMeta,
  spec: z.strictObject({
    cloudCredentialsRef: z.strictObject({ secretName: z.string().min(1).max(253), cloudName: z.string().min(1).max(256) }),
    managementPolicy: z.enum(['managed', 'unmanaged']).optional(),
    resource: z.strictObject({
      name: optionalString,
      protected: z.boolean().optional(),
      tags: z.array(z.string().min(1).max(255)).max(32).optional(),
      visibility: z.enum(['public', 'private', 'shared', 'community']).optional(),
      properties: z
        .strictObject({
          architecture: z.enum(['aarch64', 'x86_64', 'armv7l', 'i686', 'ppc64', 's390x']).optional(),
          hypervisorType: z.enum(['hyperv', 'ironic', 'lxc', 'qemu', 'uml', 'vmware', 'xen']).optional(),
          minDiskGB: z.number().int().min(1).optional(),
          minMemoryMB: z.number().int().min(1).optional(),
          hardware: z
            .strictObject({
              cpuSockets: z.number().int().min(1).optional(),
              cpuCores: z.number().int().min(1).optional(),
              diskBus: z.enum(['scsi', 'virtio', 'uml', 'xen', 'ide', 'usb', 'lxc']).optional(),
              scsiModel: z.literal('virtio-scsi').optional(),
              vifModel: z.enum(['e1000', 'e1000e', 'ne2k_pci', 'pcnet', 'rtl8139', 'virtio', 'vmxnet3']).optional(),
              rngModel: z.string().max(255).optional(),
              qemuGuestAgent: z.boolean().optional(),
            })
            .optional(),
          operatingSystem: z.strictObject({ distro: z.enum(glanceDistros).optional(), version: z.string().max(255).optional() }).optional(),
        })
        .optional(),
      content: z.strictObject({
        containerFormat: z.enum(['ami', 'ari', 'aki', 'bare', 'ovf', 'ova', 'docker', 'compressed']).optional(),
        diskFormat: z.enum(['ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'ploop', 'iso']),
        download: z.strictObject({
          url: z.string().url().max(2048),
          decompress: z.enum(['xz', 'gz', 'bz2']).optional(),
          hash: z.strictObject({ algorithm: z.enum(['md5', 'sha1', 'sha256', 'sha512']), value: z.string().regex(/^[0-9a-f]+$/) }).optional(),
        }),
      }),
    }),
  }),
});

const kubevirtVirtualMachineSpec = z.strictObject({
  runStrategy: z.enum(['Always', 'RerunOnFailure', 'Manual', 'Halted', 'Once']).optional(),
  running: z.boolean().optional(),
  template: z.strictObject({
    metadata: z.record(z.string(), z.unknown()).optional(),
    spec: z.strictObject({
      domain: z.strictObject({
        cpu: z.strictObject({ cores: z.number().int().optional(), sockets: z.number().int().optional(), threads: z.number().int().optional() }).optional(),
        memory: z
          .strictObject({
            guest: z
              .string()
              .regex(/^\d+(Mi|Gi)$/)
              .optional(),
          })
          .optional(),
        devices: z.strictObject({
          disks: z
            .array(z.strictObject({ name: z.string(), disk: z.strictObject({ bus: z.enum(['virtio', 'sata', 'scsi', 'usb']).optional() }).optional() }))
            .optional(),
          networkInterfaceMultiqueue: z.boolean().optional(),
        }),
      }),
      evictionStrategy: z.enum(['None', 'LiveMigrate', 'LiveMigrateIfPossible', 'External']).optional(),
      volumes: z
        .array(
          z.strictObject({
            name: z.string(),
            containerDisk: z
              .strictObject({ image: z.string(), imagePullSecret: optionalString, path: optionalString, imagePullPolicy: optionalString })
              .optional(),
          }),
        )
        .optional(),
    }),
  }),
});
export const kubevirtMachineTemplate = machineTemplate(
  'infrastructure.cluster.x-k8s.io/v1alpha1',
  'KubevirtMachineTemplate',
  z.strictObject({
    virtualMachineTemplate: z.strictObject({ metadata: z.record(z.string(), z.unknown()).optional(), spec: kubevirtVirtualMachineSpec }),
    providerID: optionalString,
  }),
);

const proxmoxMachineSpec = z.strictObject({
  sourceNode: z.string().min(1).optional(),
  templateID: z.number().int().optional(),
  templateSelector: z.strictObject({ matchTags: z.array(z.string()).min(1) }).optional(),
  description: optionalString,
  format: z.enum(['raw', 'qcow2', 'vmdk']).optional(),
  full: z.boolean().optional(),
  pool: optionalString,
  snapName: optionalString,
  storage: optionalString,
  target: optionalString,
  numSockets: z.number().int().min(1).optional(),
  numCores: z.number().int().min(1).optional(),
  memoryMiB: z.number().int().multipleOf(8).optional(),
  disks: z.strictObject({ bootVolume: z.strictObject({ disk: z.string(), sizeGb: z.number().int().min(5) }).optional() }).optional(),
  network: z
    .strictObject({
      default: z
        .strictObject({
          bridge: z.string().min(1),
          model: z.enum(['e1000', 'virtio', 'rtl8139', 'vmxnet3']).optional(),
          mtu: z.number().optional(),
          vlan: z.number().optional(),
        })
        .optional(),
    })
    .optional(),
});
export const proxmoxMachineTemplate = machineTemplate('infrastructure.cluster.x-k8s.io/v1alpha1', 'ProxmoxMachineTemplate', proxmoxMachineSpec);
