import { expect, isExternalUrl, test, waitForYamlEditor } from './fixtures';

test('the designer and its Monaco editor load with no request leaving this machine', async ({ page }) => {
  const loaded: string[] = [];
  page.on('requestfinished', (request) => loaded.push(request.url()));
  await page.goto('/');
  await waitForYamlEditor(page);
  // Hover and completion run in the YAML worker; make sure it started from this server too.
  await expect.poll(() => loaded.some((url) => /yaml\.worker-.*\.js$/.test(url))).toBe(true);
  expect(loaded.filter(isExternalUrl)).toEqual([]);
});

test('the fixture fails a test that requests another host', async ({ page }) => {
  // Proves the guard works: this test must fail because of the fixture, not pass quietly.
  test.fail();
  await page.goto('/');
  await page.evaluate(() => fetch('https://cdn.example.com/monaco-editor/min/vs/loader.js').catch(() => null));
});

test('loopback URLs are not external', () => {
  expect(isExternalUrl('http://127.0.0.1:4310/assets/x.js')).toBe(false);
  expect(isExternalUrl('http://localhost:4310/')).toBe(false);
  expect(isExternalUrl('data:text/plain,hi')).toBe(false);
  expect(isExternalUrl('https://cdn.example.com/monaco-editor')).toBe(true);
});
