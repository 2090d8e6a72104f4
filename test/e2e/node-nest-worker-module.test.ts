/**
 * A NestJS worker that imports the web's module file for its options helper (test/fixtures/node-nest-worker-module):
 * app.module.ts exports `databaseOptions(pool?)` and decorates AppModule with
 * `SequelizeModule.forRoot(databaseOptions())`; jobs.module.ts imports the helper and builds its own
 * `SequelizeModule.forRoot(databaseOptions({max: 8, min: 1}))`, and jobs/main.ts bootstraps only JobsModule.
 * NestFactory builds the root module and the modules its @Module imports name (https://docs.nestjs.com/modules):
 * AppModule's dynamic module is never made in the jobs process, however its file is imported.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('node-nest-worker-module'), ['--scale', 'web=1', 'jobs=2', 'legacy=1'])

describe('a NestJS worker that imports the app module for its options', () => {
  it('counts only the modules its NestFactory builds', () => {
    const r = plan()
    // jobs: JobsModule → forRoot({pool: {max: 8, min: 1}}) = 8; ReportsModule (through forwardRef) holds none, and
    // HttpModule is a library's module (imported from @nestjs/axios): no module of the app below it.
    // AppModule (src/app.module.ts:21) is not in JobsModule's tree: its forRoot is not counted. 2 dynos × 8 = 16 (was 8 + 5* per process).
    expect(r.type('jobs')).toMatchObject({connections: 16, poolPerProcess: 8})
    expect(r.type('jobs').databases).toEqual(['sequelize src/jobs/jobs.module.ts:8'])
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'src/app.module.ts', line: 19, message: expect.stringContaining('not among the modules this process'), severity: 'info'}))
  })

  it('an options helper called without its pool argument gives the library default, not an assumption', () => {
    // web: databaseOptions() → {pool: undefined}; Sequelize's ConnectionManager `_.defaults(config.pool || {}, {max: 5})`: 5, read.
    const r = plan()
    expect(r.type('web')).toMatchObject({connections: 5, poolPerProcess: 5})
    expect(r.type('web').sources['pool.sequelize src/app.module.ts:19']).toMatchObject({value: 5, via: [expect.objectContaining({kind: 'default'})]})
    expect(r.diagnostics.filter((d) => d.message.includes('cannot read sequelize'))).toEqual([])
  })

  it('a module tree it cannot read whole still counts the pool, as an assumption', () => {
    // legacy: LegacyModule's imports spread `...loadPlugins()` from a package: which modules it builds is not known,
    // so app.module.ts's forRoot (5) stays counted beside its own max 2: 7, the 5 starred and said.
    const r = plan()
    expect(r.type('legacy')).toMatchObject({connections: 7, poolPerProcess: 7})
    expect(r.type('legacy').databases).toEqual(['sequelize src/legacy/legacy.module.ts:7', 'sequelize src/app.module.ts:19'])
    expect(r.type('legacy').sources['pool.sequelize src/app.module.ts:19'].via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('the tree is not read whole')}))
    expect(r.type('legacy').sources['pool.sequelize src/legacy/legacy.module.ts:7'].via ?? []).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
  })
})
