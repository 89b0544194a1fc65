import type { StageName } from '@/spec/build-events';

/** What each stage does, in words for someone who has never built an image. */
export const stageDescriptions: Record<StageName, { title: string; doing: string }> = {
  rootfs: { title: 'Base system', doing: 'installing the operating system and the packages the spec lists' },
  kubernetes: { title: 'Kubernetes', doing: 'installing kubelet, kubeadm, kubectl, crictl and the CNI plugins' },
  configure: { title: 'Configuration', doing: 'applying node settings, users, files and services' },
  sbom: { title: 'Package list (SBOM)', doing: 'recording every installed package and its version' },
  disk: { title: 'Disk image', doing: 'writing the partitioned, bootable disk' },
  formats: { title: 'Output formats', doing: 'converting the disk into the requested formats' },
  verify: { title: 'Boot check', doing: 'booting the image in a virtual machine and checking the node' },
  publish: { title: 'Publish', doing: 'uploading the image to the cloud provider' },
  sign: { title: 'Sign', doing: 'signing the checksums of the artifacts' },
};
