export interface PackageSearchProps {
  release: string;
  onAdd: (packageName: string) => void;
}

/** Search the chosen release's package index and add packages to the spec. */
export function PackageSearch(_props: PackageSearchProps) {
  return null;
}
