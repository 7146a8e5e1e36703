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
    // The library is pure: no oclif, no environment, no printing (STYLE.md).
    files: ['src/lib/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': ['error', {paths: ['@oclif/core']}],
      'no-restricted-properties': ['error', {object: 'process', property: 'env'}],
    },
  },
  {
    files: ['**/*.js', 'scripts/**/*.js'],
    languageOptions: {globals: {process: 'readonly', console: 'readonly', URL: 'readonly'}},
  },
)
