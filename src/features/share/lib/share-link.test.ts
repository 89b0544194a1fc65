// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { decodeSpecFromLink, encodeSpecForLink, shareLinkUrl, ShareLinkError, specParamFromHash } from './share-link';

const yaml = '# team workers\napiVersion: stamper/v1alpha1\nkind: NodeImage\nmetadata:\n  name: workers # ünïcode ok\n';

describe('share link', () => {
  it('round-trips the YAML text, comments included', async () => {
    const encoded = await encodeSpecForLink(yaml);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await decodeSpecFromLink(encoded)).toBe(yaml);
  });

  it('compresses repetitive specs', async () => {
    const big = yaml + '  labels:\n' + Array.from({ length: 200 }, (_, i) => `    key${i}: value\n`).join('');
    const encoded = await encodeSpecForLink(big);
    expect(encoded.length).toBeLessThan(big.length / 2);
  });

  it('builds a link whose hash carries the spec', async () => {
    const encoded = await encodeSpecForLink(yaml);
    const url = shareLinkUrl({ origin: 'http://127.0.0.1:4310' }, encoded);
    expect(url).toBe(`http://127.0.0.1:4310/#spec=${encoded}`);
    expect(specParamFromHash(new URL(url).hash)).toBe(encoded);
    expect(specParamFromHash('#other=1')).toBeNull();
  });

  it('rejects altered or truncated links with a ShareLinkError', async () => {
    const encoded = await encodeSpecForLink(yaml);
    await expect(decodeSpecFromLink(encoded.slice(0, Math.floor(encoded.length / 2)))).rejects.toBeInstanceOf(ShareLinkError);
    await expect(decodeSpecFromLink('not*base64')).rejects.toBeInstanceOf(ShareLinkError);
    await expect(decodeSpecFromLink('')).rejects.toBeInstanceOf(ShareLinkError);
  });

  it('refuses a link that inflates beyond the spec size limit', async () => {
    const encoded = await encodeSpecForLink('a'.repeat(2 * 1024 * 1024));
    await expect(decodeSpecFromLink(encoded)).rejects.toThrow(/larger than/);
  });
});
