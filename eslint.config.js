import { readdirSync } from 'node:fs';
import path from 'node:path';
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Every folder under src/features is a feature; a new one is fenced in without editing this file.
const features = readdirSync(path.join(import.meta.dirname, 'src/features'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const shared = ['./src/components', './src/hooks', './src/lib', './src/stores'];

/**
 * The SPA's import direction (bulletproof-react's zones): src/spec ← shared ← features ← app.
 * A feature never reaches into another; shared pieces and the spec never reach up.
 */
const spaZones = [
  ...features.map((feature) => ({
    target: `./src/features/${feature}`,
    from: './src/features',
    except: [`./${feature}`],
    message: 'Features do not import each other: move the shared piece to src/components, src/hooks, src/lib or src/stores, or compose in src/app.',
  })),
  {
    target: ['./src/features', ...shared, './src/spec'],
    from: './src/app',
    message: 'Only src/app composes the app; nothing imports it.',
  },
  {
    target: [...shared, './src/spec'],
    from: './src/features',
    message: 'Shared code does not depend on a feature.',
  },
  {
    target: './src/spec',
    from: shared,
    message: 'src/spec is the domain core shared with the server: no React, no browser helpers.',
  },
];

/**
 * The server's layers: the service and the store know nothing of HTTP (server/http maps
 * their errors to statuses and owns URLs), and production code never reaches into
 * server/testing (tests, e2e fixtures and benches may).
 */
const serverZones = [
  {
    target: ['./server/builds', './server/store', './server/pipeline', './server/specs', './server/sources'],
    from: './server/http',
    message: 'The service, store and pipeline do not know about HTTP: throw a ServiceError and let server/http map it.',
  },
  {
    target: './server',
    from: './server/testing',
    except: [],
    message: 'Production code does not import test helpers (server/testing).',
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'test-results/**', 'playwright-report/**', '.stamper/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      // no-cycle parses the files it follows: with the TypeScript parser, not espree
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      // resolves the `@/` alias through tsconfig.json, so zones see real paths
      'import-x/resolver-next': [
        createNodeResolver({ tsconfig: { configFile: path.join(import.meta.dirname, 'tsconfig.json') }, extensions: ['.ts', '.tsx', '.js', '.json'] }),
      ],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: spaZones }],
      'import-x/no-cycle': 'error',
    },
  },
  {
    files: ['server/**/*.ts'],
    ignores: ['server/**/*.test.ts', 'server/testing/**'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: serverZones }],
    },
  },
);
