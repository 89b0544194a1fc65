import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** True for requests that would leave this machine (a CDN, fonts, telemetry, …). */
export function isExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:' && parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') return false;
  return !loopbackHosts.has(parsed.hostname);
}

/**
 * Records and aborts every request from `context` to a non-loopback host. Returns the
 * list it fills; assert it is empty when the test ends (the `context` fixture does).
 * Use it for contexts a test opens itself with `browser.newContext()`.
 */
export async function guardAgainstExternalRequests(context: BrowserContext): Promise<string[]> {
  const external: string[] = [];
  context.on('request', (request) => {
    if (isExternalUrl(request.url())) external.push(request.url());
  });
  // Aborting keeps a test from hanging on an unreachable CDN; the request is still counted above.
  await context.route(
    (url) => isExternalUrl(url.href),
    (route) => route.abort('blockedbyclient'),
  );
  return external;
}

/**
 * Playwright's `test`, whose browser context (and so `page`) fails the test on any
 * request to a host other than 127.0.0.1/localhost: the proof that nothing loads from a CDN.
 */
export const test = base.extend({
  // `runTest` is Playwright's `use`, renamed so the React hooks lint rule does not take it for a hook.
  context: async ({ context }, runTest) => {
    const recorded = await guardAgainstExternalRequests(context);
    await runTest(context);
    expect(recorded, 'requests to hosts other than 127.0.0.1/localhost (everything, Monaco included, must be served locally)').toEqual([]);
  },
});

export { expect };

/** The Monaco editor holding the spec's YAML. */
export const yamlEditor = (page: Page) => page.getByRole('textbox', { name: /NodeImage YAML/ });

/** Waits until Monaco has rendered its text (it loads lazily in its own chunk). */
export async function waitForYamlEditor(page: Page): Promise<void> {
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('apiVersion', { timeout: 20_000 });
}

/**
 * Replaces the whole YAML text as a user pasting would. A paste event (not typed keys)
 * because typing multi-line YAML makes Monaco auto-indent each new line.
 */
export async function replaceYaml(page: Page, text: string): Promise<void> {
  await waitForYamlEditor(page);
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await yamlEditor(page).evaluate((textarea, pasted) => {
    const data = new DataTransfer();
    data.setData('text/plain', pasted);
    textarea.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

/** A NodeImage spec as YAML text: the fixed header, the name (and labels), then the lines under `spec:`. */
export function nodeImageYaml(name: string, specLines: readonly string[], labels: Readonly<Record<string, string>> = {}): string {
  const labelLines = Object.entries(labels).map(([key, value]) => `    ${key}: ${value}`);
  return [
    'apiVersion: stamper/v1alpha1',
    'kind: NodeImage',
    'metadata:',
    `  name: ${name}`,
    ...(labelLines.length > 0 ? ['  labels:', ...labelLines] : []),
    'spec:',
    ...specLines,
    '',
  ].join('\n');
}

/** Opens a designer step from the step navigation, as a user clicks it. */
export async function openDesignerStep(page: Page, step: RegExp): Promise<void> {
  await page.getByRole('navigation', { name: 'Designer steps' }).getByRole('button', { name: step }).click();
}

/** Monaco renders spaces as non-breaking ones; compare on normalised text. */
export async function visibleYaml(page: Page): Promise<string> {
  const text = await page.locator('.monaco-editor .view-lines').innerText();
  return text.replace(/\u00a0/g, ' ');
}

/** The draft the SPA keeps in localStorage (what survives a reload). */
export async function savedDraftYaml(page: Page): Promise<string> {
  return page.evaluate(() => (JSON.parse(localStorage.getItem('stamper.draft.v1') ?? '{}') as { yamlText?: string }).yamlText ?? '');
}
