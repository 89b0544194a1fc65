import BuildPage from '@/features/builds/components/build-page';
import { SigningKeyPanel } from '@/features/interop/components/signing-key-panel';

/** `/builds/:id`: the build page, with the interop feature's signing key under its downloads. */
export default function BuildRoute() {
  return <BuildPage verifyDownloads={<SigningKeyPanel />} />;
}
