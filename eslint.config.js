// Lint rules, including the one-way import boundaries of the layout:
// client → shared ← server, emulator → shared. The single crossing is the UserSig module, which
// lives node-side in server/chat and is shared with the emulator's verifier (see README).
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const iconBarrel = {
  name: '@mui/icons-material',
  message: 'Import one icon per path (@mui/icons-material/Star): the barrel slows builds and tests.',
};
// shared/ and the SPA are loaded by the browser: their schemas use zod/mini (docs/architecture.md).
const classicZod = {
  name: 'zod',
  message: "The browser loads this module, and classic zod adds about 13 KB (Brotli) to every page: import { z } from 'zod/mini'.",
};
// What server code may not import; main.ts and the test harnesses are allowed some of it below.
const NO_CLIENT = { group: ['**/client/**'], message: 'The BFF never imports SPA code.' };
const NO_EMULATOR = {
  group: ['**/emulator/**'],
  message: 'Only main.ts (the composition root, which starts the sandbox) and test harnesses import the emulator.',
};
const NO_DEV_IDP = { group: ['**/dev-idp/**'], message: 'The rehearsal identity provider is for tests and `npm run dev-idp` only.' };

// The SPA's layers, each importing only those below it (and shared/):
//   app/        the shell, the routes, and the pages that put features side by side (app/routes);
//   features/*  one user-facing capability each (marks, bulk, history, groups, …): a feature
//               imports itself and the layers below, never another feature — what two features
//               show together is composed in app/routes, through slots the feature offers;
//   entities/*  the domain vocabulary several features stand on: the mark vocabulary (bit labels,
//               the change description, the labels and conversations queries and their keys, the
//               editor's change, the draft handed from Inspect to Marks), the Chat user field and
//               loader, bulk jobs' list, states and file format, the History address. It has its own
//               layer rather than lib/ or components/ because those stay free of the mark domain
//               (lib: API client, i18n, storage, the session context; components: generic UI);
//   components/ generic UI;  lib/ plumbing.
// src/client/test (test helpers) and the tests beside main.tsx may import any layer.
const CLIENT = './src/client';
const LAYER_MESSAGE = 'The SPA imports downwards only: app → features → entities → components → lib → shared (see eslint.config.js).';
const FEATURES = readdirSync(new URL('src/client/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const CLIENT_ZONES = [
  ...FEATURES.map((name) => ({
    target: `${CLIENT}/features/${name}`,
    from: `${CLIENT}/features`,
    except: [`./${name}`],
    message: 'A feature never imports another feature: move what both use to entities/ (or lib/, components/), or compose them in app/routes.',
  })),
  { target: `${CLIENT}/features`, from: `${CLIENT}/app`, message: LAYER_MESSAGE },
  { target: `${CLIENT}/entities`, from: [`${CLIENT}/features`, `${CLIENT}/app`], message: LAYER_MESSAGE },
  { target: `${CLIENT}/components`, from: [`${CLIENT}/entities`, `${CLIENT}/features`, `${CLIENT}/app`], message: LAYER_MESSAGE },
  { target: `${CLIENT}/lib`, from: [`${CLIENT}/components`, `${CLIENT}/entities`, `${CLIENT}/features`, `${CLIENT}/app`], message: LAYER_MESSAGE },
];

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'test-results', 'playwright-report', 'data', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', { paths: [iconBarrel] }],
    },
  },
  {
    // No import cycles anywhere in src/ (a cycle through a lazily loaded page counts too).
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': importX.flatConfigs.typescript.settings['import-x/extensions'],
      'import-x/parsers': importX.flatConfigs.typescript.settings['import-x/parsers'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['tsconfig.json', 'src/client/tsconfig.json'], noWarnOnMultipleProjects: true })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['src/client/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: CLIENT_ZONES }],
      'no-restricted-imports': [
        'error',
        {
          paths: [iconBarrel, classicZod],
          patterns: [
            { group: ['**/server/**', '**/emulator/**', '**/dev-idp/**'], message: 'The SPA may not import server, emulator or dev-idp code.' },
            { group: ['node:*'], message: 'The SPA runs in a browser.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [iconBarrel, classicZod],
          patterns: [
            { group: ['**/server/**', '**/emulator/**', '**/client/**'], message: 'shared/ imports neither side.' },
            { group: ['node:*'], message: 'shared/ runs in the browser too: no node:* modules.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/emulator/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [iconBarrel],
          patterns: [
            {
              regex: '/(server/(?!chat/usersig$)|client/)',
              message: 'The emulator imports shared/ (and the UserSig module), never the BFF or the SPA.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [iconBarrel],
          patterns: [
            NO_CLIENT,
            NO_EMULATOR,
            NO_DEV_IDP,
          ],
        },
      ],
    },
  },
  {
    // The composition root starts the sandbox's emulator.
    files: ['src/server/main.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [iconBarrel],
          patterns: [
            NO_CLIENT,
            NO_DEV_IDP,
          ],
        },
      ],
    },
  },
  {
    // Tests and their harnesses may start the emulator and the rehearsal identity provider.
    files: ['src/server/**/*.test.ts', 'src/server/testing/**/*.ts', 'src/server/**/testing.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [iconBarrel], patterns: [NO_CLIENT] }],
    },
  },
  {
    files: ['src/dev-idp/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [iconBarrel], patterns: [{ group: ['**/server/**', '**/client/**', '**/emulator/**'], message: 'The rehearsal identity provider stands alone.' }] },
      ],
    },
  },
);
