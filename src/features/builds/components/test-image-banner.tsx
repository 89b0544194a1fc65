import { TEST_IMAGE_NOTICE } from '@/spec/build-events';
import type { BuildDetail } from '@/spec/build-api';

/** A test image must never pass for a node image: said above everything else on its page. */
export function TestImageBanner({ testImage }: { testImage: BuildDetail['testImage'] }) {
  if (!testImage) return null;
  return (
    <p role="note" aria-label="Test image" className="st-notice st-notice--warning">
      <strong>{TEST_IMAGE_NOTICE[0]?.toUpperCase() + TEST_IMAGE_NOTICE.slice(1)}.</strong> {testImage.reason}.
    </p>
  );
}
