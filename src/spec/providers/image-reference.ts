/**
 * A registry image reference as a user types it: `registry.example.com[:port]/path/name[:tag]`.
 * The registry host is required (no implicit Docker Hub), and a digest is not accepted:
 * a push names a tag, and the registry answers with the digest.
 */
export interface ImageReference {
  registry: string;
  repository: string;
  tag: string;
}

/** The distribution reference grammar's bound on host plus repository; a tag adds at most 128 more. */
export const MAX_IMAGE_NAME_LENGTH = 255;
export const MAX_IMAGE_REFERENCE_LENGTH = MAX_IMAGE_NAME_LENGTH + 1 + 128;

const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const HOST = /^(?:localhost|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|\[[0-9A-Fa-f:]+\]|[0-9]{1,3}(?:\.[0-9]{1,3}){3})(?::[0-9]{1,5})?$|^[A-Za-z0-9-]+:[0-9]{1,5}$/;

export function parseImageReference(text: string, defaultTag: string): ImageReference {
  if (text.includes('@')) throw new Error(`"${text}": give a tag, not a digest; the registry reports the digest after the push`);
  const slash = text.indexOf('/');
  if (slash < 0) throw new Error(`"${text}" names no registry host: write it as host[:port]/repository[:tag]`);
  const registry = text.slice(0, slash);
  if (!HOST.test(registry)) throw new Error(`"${registry}" is not a registry host[:port]`);
  let path = text.slice(slash + 1);
  let tag = defaultTag;
  const colon = path.lastIndexOf(':');
  if (colon >= 0) {
    tag = path.slice(colon + 1);
    path = path.slice(0, colon);
  }
  if (!TAG.test(tag)) throw new Error(`"${tag}" is not a valid tag`);
  if (registry.length + 1 + path.length > MAX_IMAGE_NAME_LENGTH) throw new Error(`"${registry}/${path}" is longer than ${MAX_IMAGE_NAME_LENGTH} characters`);
  if (path.length === 0 || !path.split('/').every((c) => COMPONENT.test(c))) {
    throw new Error(`"${path}" is not a valid repository name (lowercase letters, digits and separators)`);
  }
  return { registry, repository: path, tag };
}

export const formatImageReference = (ref: ImageReference): string => `${ref.registry}/${ref.repository}:${ref.tag}`;
