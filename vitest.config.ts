import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    // Build dist/ for the end-to-end tests; start one real PostgreSQL server for the live tests.
    globalSetup: ['test/helpers/global-build.ts', 'test/helpers/postgres.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    env: {NO_COLOR: '1', FORCE_COLOR: '0', COLUMNS: '100'},
  },
})
