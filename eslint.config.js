// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', 'reports/', '.stryker-tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Blob: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // The pages (web/): the API is reached through web/src/lib only, and tokens never go to web storage.
  {
    files: ['web/src/**/*.{ts,tsx}'],
    ignores: ['web/src/lib/**'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'fetch', message: 'Call the API through web/src/lib/api-client.ts.' },
        { name: 'localStorage', message: 'Nothing of the session is stored in web storage.' },
        { name: 'sessionStorage', message: 'Nothing of the session is stored in web storage.' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'window', property: 'fetch', message: 'Call the API through web/src/lib/api-client.ts.' },
        { object: 'window', property: 'localStorage', message: 'Nothing of the session is stored in web storage.' },
        { object: 'window', property: 'sessionStorage', message: 'Nothing of the session is stored in web storage.' },
      ],
    },
  },
  {
    files: ['web/src/lib/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-globals': [
        'error',
        { name: 'localStorage', message: 'The access token lives in memory only.' },
        { name: 'sessionStorage', message: 'The access token lives in memory only.' },
      ],
    },
  },
);
