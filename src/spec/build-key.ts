import { canonicalJson } from './canonical-json';
import type { NodeImage } from './schema';

/**
 * Bumped whenever the pipeline's output for the same spec changes, so a new
 * pipeline never hands out an image that an older one built.
 */
// 2: rootless builds, -updates and -security suites installed, provider agents and datasources, the Cluster API seed
export const PIPELINE_VERSION = 'stamper-pipeline/2';

/** Works in the browser (WebCrypto) and in Node ≥ 20 (globalThis.crypto). */
async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The build key names what a build produces: the parsed spec (defaults applied,
 * metadata left out because names and labels do not change the image) plus the
 * pipeline version. Equal keys mean a finished build can be reused.
 */
export function buildKeyInput(image: NodeImage, pipelineVersion = PIPELINE_VERSION): string {
  return canonicalJson({ pipelineVersion, spec: image.spec });
}

export async function buildKey(image: NodeImage, pipelineVersion = PIPELINE_VERSION): Promise<string> {
  return sha256Hex(buildKeyInput(image, pipelineVersion));
}
