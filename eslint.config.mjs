// Lint rules for the whole project: typescript-eslint's recommended set, plus a guard that
// keeps the pure rules free of I/O libraries (docs/design.md, principle 1).
import tseslint from 'typescript-eslint';
import boundaries from './eslint.boundaries.mjs';

const ioLibraries = [
  'kafkajs',
  '@kafkajs/*',
  'mongodb',
  '@elastic/*',
  'soap',
  'node-cron',
  'fs',
  'node:fs',
  'net',
  'node:net',
  'http',
  'node:http',
  'child_process',
  'node:child_process',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.reval/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // kafkajs is unmaintained upstream: only processors/platform/kafka/ knows it, so that
    // replacing the client means rewriting that one folder.
    files: ['processors/**/*.ts', 'stack/**/*.ts'],
    ignores: ['processors/platform/kafka/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['kafkajs', 'kafkajs/*'],
              message: 'Kafka is reached through processors/platform/kafka only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['processors/rules/**/*.ts'],
    ignores: ['processors/rules/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ioLibraries }],
    },
  },
  ...boundaries,
);
