// Lint rules, including the one-way import boundaries of the layout:
// client → shared ← server, emulator → shared. The single crossing is the UserSig module, which
// lives node-side in server/chat and is shared with the emulator's verifier (see README).
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const iconBarrel = {
  name: '@mui/icons-material',
  message: 'Import one icon per path (@mui/icons-material/Star): the barrel slows builds and tests.',
};
// What server code may not import; main.ts and the test harnesses are allowed some of it below.
const NO_CLIENT = { group: ['**/client/**'], message: 'The BFF never imports SPA code.' };
const NO_EMULATOR = {
  group: ['**/emulator/**'],
  message: 'Only main.ts (the composition root, which starts the sandbox) and test harnesses import the emulator.',
};
const NO_DEV_IDP = { group: ['**/dev-idp/**'], message: 'The rehearsal identity provider is for tests and `npm run dev-idp` only.' };

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
    files: ['src/client/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          paths: [iconBarrel],
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
          paths: [iconBarrel],
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
