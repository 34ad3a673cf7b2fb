// @ts-check
// ESLint's and typescript-eslint's recommended rules (not the type-checked sets: `tsc` already
// runs in `npm run typecheck`). Line width is left to the formatter, not to a rule here.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    // generated from openapi.json by `npm run gen:client`; the dashboard's .vue files are checked by vue-tsc
    ignores: ['dist/', 'coverage/', 'data/', 'test/artifacts/', 'src/api-client/schema.d.ts'],
  },
  {
    // a disable comment that no longer silences anything fails, so the comments that stay are the ones needed
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // the same names `tsc --noUnusedLocals --noUnusedParameters` lets through: a leading `_`
      // (a parameter kept for its position, `for await (const _ of …)`), and the siblings of a rest
      // element (`const { key: _key, ...want } = …` drops a field on purpose)
      '@typescript-eslint/no-unused-vars': ['error', {
        args: 'after-used',
        argsIgnorePattern: '^_',
        varsIgnorePattern: '^_',
        caughtErrorsIgnorePattern: '^_',
        destructuredArrayIgnorePattern: '^_',
        ignoreRestSiblings: true,
      }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
  },
);
