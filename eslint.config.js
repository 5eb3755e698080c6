import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.data/**', '.cache/**', 'bpf/**', '**/generated/**', 'services/api/ui/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'read configuration through @tracehound/config' }],
    },
  },
  {
    // The web UI runs in the browser.
    files: ['services/ui/src/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['packages/config/src/**', 'packages/stack/src/**/env.ts', 'bench/**', '**/test/**'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
