import type { PublishedImage } from '@/spec/build-events';
import { CopyButton } from './copy-button';

export function PublishedImages({ images }: { images: readonly PublishedImage[] }) {
  if (images.length === 0) return null;
  return (
    <ul className="st-published">
      {images.map((image) =>
        image.provider === 'aws' ? (
          <li key={`${image.region}-${image.imageId}`}>
            <strong>AMI</strong> <code>{image.imageId}</code> in <strong>{image.region}</strong> ({image.name}){' '}
            <CopyButton value={image.imageId} label={`Copy AMI ID ${image.imageId}`} />{' '}
            <a href={image.consoleUrl} target="_blank" rel="noreferrer noopener">
              Open in the AWS console<span className="st-visually-hidden"> (new tab)</span>
            </a>
          </li>
        ) : (
          <li key={`${image.reference}-${image.digest}`}>
            <strong>containerDisk</strong> pushed to <code>{image.reference}</code>, digest <code>{image.digest}</code>{' '}
            <CopyButton value={pinnedReference(image.reference, image.digest)} label={`Copy the pinned reference of ${image.reference}`} />
          </li>
        ),
      )}
    </ul>
  );
}

/** `host/repo:tag` + digest → `host/repo@digest`, what a cluster pulls without trusting the tag. */
const pinnedReference = (reference: string, digest: string): string => `${reference.replace(/:[^:/]+$/, '')}@${digest}`;
