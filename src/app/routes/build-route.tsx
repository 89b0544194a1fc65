import BuildPage from '@/features/builds/components/build-page';
import { SigningKeyPanel } from '@/features/interop/components/signing-key-panel';
import { PredecessorDiff } from '@/features/review/components/predecessor-diff';

/** `/builds/:id`: the build page, with the interop feature's signing key under its downloads and the review feature's diff of a rebuild. */
export default function BuildRoute() {
  return <BuildPage verifyDownloads={<SigningKeyPanel />} predecessorDiff={(build) => <PredecessorDiff key={build.id} build={build} />} />;
}
