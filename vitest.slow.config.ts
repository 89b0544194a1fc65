import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Real builds and boots (`npm run test:slow`): root, the Debian mirror and the host
 * packages from scripts/install-host-packages.sh are needed. Files run one at a time,
 * since two TCG boots side by side on a 2-core runner only slow both down.
 */
export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  test: {
    include: ['server/**/*.slow.test.ts'],
    environment: 'node',
    fileParallelism: false,
    // the slow builds fetch Kubernetes from the stand-in on 127.0.0.1, which the default source policy refuses
    env: { STAMPER_ALLOW_LOOPBACK_SOURCES: '1' },
    testTimeout: 15 * 60_000,
    hookTimeout: 20 * 60_000,
  },
});
