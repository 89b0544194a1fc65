/** The smallest real build the slow API tests run: Kubernetes from the fixture apt repository, a 4 GiB raw disk. */
export function realBuildSpec(name: string, repositoryUrl: string, options: { verify: boolean }): string {
  return `apiVersion: stamper/v1alpha1
kind: NodeImage
metadata:
  name: ${name}
spec:
  kubernetes:
    version: 1.35.3
    source:
      type: apt
      repository: ${repositoryUrl}
  disk:
    sizeGiB: 4
  outputs:
    - format: raw
  verify:
    enabled: ${options.verify}
`;
}
