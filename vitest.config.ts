import {availableParallelism} from 'node:os'
import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    // Build dist/ for the end-to-end tests; start one real PostgreSQL server for the live tests.
    globalSetup: ['test/helpers/global-build.ts', 'test/helpers/postgres.ts'],
    include: ['test/**/*.test.ts'],
    // One test file per core. vitest's default leaves one core to itself (cores − 1: a
    // single worker on a 2-core machine), but most files here spend their time waiting on a
    // spawned conncalc, so that worker kept one core busy and the suite ran file after file.
    maxWorkers: availableParallelism(),
    // Test files share their worker process (vitest's default starts one per file: ~0.4 s of CPU
    // each, and each file's runCliInProcess would load the bundle again). Nothing here relies on a
    // fresh module graph: no test mocks modules or changes the environment it leaves behind.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    env: {NO_COLOR: '1', FORCE_COLOR: '0', COLUMNS: '100'},
  },
})
