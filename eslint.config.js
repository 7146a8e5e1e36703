import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/**', 'coverage/**', 'node_modules/**', '.tmp/**']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_'}],
    },
  },
  {
    // Type-checked rules: a promise nobody awaits loses its error (and, in a CLI, its exit code).
    files: ['**/*.ts'],
    languageOptions: {parserOptions: {projectService: true, tsconfigRootDir: import.meta.dirname}},
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // The library is pure: no oclif, no file system, no processes, no environment, no printing
    // (STYLE.md). The real world enters through src/runtime/ and is passed in.
    files: ['src/lib/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: ['@oclif/core', 'fs', 'fs/promises', 'child_process', 'node:fs', 'node:fs/promises', 'node:child_process'].map((name) => ({
            name,
            message: 'src/lib is pure: take this as a parameter, wired in src/runtime/.',
          })),
          patterns: [
            {group: ['**/runtime/*', '**/commands/*', '**/render/*'], message: 'src/lib imports nothing from runtime, commands or render.'},
            {group: ['@oclif/core/*'], message: 'src/lib is pure: no oclif (commands import its subpaths).'},
          ],
        },
      ],
      'no-restricted-properties': ['error', {object: 'process', property: 'env'}],
    },
  },
  {
    // src/render is pure (README "Architecture"): data in, string out; it imports only src/lib.
    files: ['src/render/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['@oclif/core', 'node:fs', 'node:fs/promises', 'node:child_process'].map((name) => ({name, message: 'src/render is pure: data in, string out.'})),
          patterns: [{group: ['**/runtime/*', '**/commands/*'], message: 'src/render imports only src/lib.'}],
        },
      ],
      'no-restricted-properties': ['error', {object: 'process', property: 'env'}],
    },
  },
  {
    // Arrows point one way (STYLE.md): runtime → lib. The runtime wires the world into the library;
    // it never renders, and never reaches up into commands.
    files: ['src/runtime/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {patterns: [{group: ['**/render/*', '**/commands/*'], message: 'src/runtime imports only src/lib (types the renderers share live there too).'}]},
      ],
    },
  },
  {
    files: ['**/*.js', 'scripts/**/*.js', '**/*.mjs'],
    languageOptions: {globals: {process: 'readonly', console: 'readonly', URL: 'readonly', performance: 'readonly'}},
  },
  {
    // CommonJS shims for the bundler (scripts/bundle/).
    files: ['**/*.cjs'],
    languageOptions: {sourceType: 'commonjs', globals: {require: 'readonly', module: 'writable'}},
    rules: {'@typescript-eslint/no-require-imports': 'off'},
  },
)
