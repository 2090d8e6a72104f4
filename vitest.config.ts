import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    globalSetup: ['test/helpers/global-build.ts'],
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // One real PostgreSQL server for the live tests (test/support/postgres.ts).
    globalSetup: ['test/support/postgres.ts'],
    env: {NO_COLOR: '1', FORCE_COLOR: '0', COLUMNS: '100'},
  },
})
