import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/', 'node_modules/', 'test/fixtures/', 'examples/', '.corpus/']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      'no-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['bin/**/*.js', 'test/bench/**/*.js', 'test/helpers/**/*.js', 'test/corpus/**/*.js'],
    languageOptions: {
      globals: {
        Buffer: 'readonly',
        URL: 'readonly',
        clearTimeout: 'readonly',
        console: 'readonly',
        performance: 'readonly',
        process: 'readonly',
        setImmediate: 'readonly',
        setTimeout: 'readonly',
      },
    },
  },
  {
    files: ['*.cjs'],
    languageOptions: {sourceType: 'commonjs', globals: {module: 'writable', require: 'readonly'}},
  },
  {
    // bin/package.json makes bin/ CommonJS (see bin/run.js).
    files: ['bin/**/*.js'],
    languageOptions: {sourceType: 'commonjs', globals: {__dirname: 'readonly', __filename: 'readonly', exports: 'writable', module: 'writable', require: 'readonly'}},
    rules: {'@typescript-eslint/no-require-imports': 'off'},
  },
)
