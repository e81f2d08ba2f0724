// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      '.data/**',
      '.tools/**',
      'coverage/**',
      'web/dist/**',
      'scripts/*.js',
      'eslint.config.mjs',
      'jest.config.js',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The UI is typed like the rest: requests from the generated OpenAPI types, answers from web/src/types.ts.
    files: ['web/src/**/*.tsx', 'web/src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read JSON answers the way a client does; typing every body would add nothing.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Migrations are frozen in time and typed against no schema (Kysely's own advice).
    files: ['db/migrations/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Workflow code is replayed: no Node built-ins, no I/O, no app modules with side effects.
    files: ['workflows/**/*.ts', 'bench/bare/workflows.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Workflows must be deterministic: no Node built-ins.' },
            {
              group: ['../activities/*', '../db/*', '../api/*', '../workers/*'],
              message: 'Workflows may only `import type` from activities and import pure domain code.',
              allowTypeImports: true,
            },
          ],
          paths: [
            'fs',
            'path',
            'http',
            'https',
            'net',
            'crypto',
            'child_process',
            'os',
            'process',
            'pg',
            'kysely',
            'express',
            '@temporalio/client',
            '@temporalio/worker',
            '@temporalio/activity',
            'chinese-days',
            'pino',
          ],
        },
      ],
    },
  },
);
