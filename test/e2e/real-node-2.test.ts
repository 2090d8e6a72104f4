/**
 * More real-world Node app shapes (test/fixtures/real-node/, upstream named at the top of
 * their files): config values imported from other modules of the app, tsconfig baseUrl/paths
 * imports, classes that extend a client, and pm2 process files in JSON and YAML with one
 * pool per app.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (app: string, ...args: string[]) => planJson(procfileOf(`real-node/${app}`), args)

describe('real Node apps, round 2', () => {
  it('Twenty: TypeOrmModule.forRoot(options imported through tsconfig baseUrl from core.datasource.ts); the CLI DataSource is not counted twice', () => {
    const r = plan('twenty', '--scale', 'web=2', 'worker=1')
    expect(r.type('web')).toMatchObject({connections: 24, poolPerProcess: 12, processesPerDyno: 1})
    expect(r.type('worker')).toMatchObject({connections: 12, poolPerProcess: 12})
    expect(r.type('web').sources['pool.typeorm src/database/typeorm/typeorm.module.ts:8'].source).toEqual({file: 'src/database/typeorm/core/core.datasource.ts', kind: 'file', line: 19})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'src/database/typeorm/core/core.datasource.ts', line: 22, severity: 'info'}))
    expect(plan('twenty', '--env', 'PG_POOL_MAX=5').type('web')).toMatchObject({poolPerProcess: 5})
  })

  it('Hoppscotch: a NestJS provider extending PrismaClient over its own pg Pool; `connectionLimit ?? 20` labelled, the adapter not counted again', () => {
    const r = plan('hoppscotch', '--scale', 'web=2')
    expect(r.type('web')).toMatchObject({connections: 40, poolPerProcess: 20, processesPerDyno: 1})
    expect(r.type('web').databases).toEqual(['pg src/prisma/prisma.service.ts:21'])
    expect(r.type('web').sources['pool.pg src/prisma/prisma.service.ts:21'].via).toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.codes).not.toContain('pool-below-threads')
  })

  it('pm2 process files in JSON and YAML: each app its own instances and pools; `script: npm, args: run cron`', () => {
    const r = plan('pm2-apps', '--scale', 'web=1', 'jobs=1')
    // api: 2 × pg max 6 (lib/settings.json, required from lib/db.js); mailer: no pool in its code.
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 12, poolPerProcess: 6, processesPerDyno: 2})
    expect(r.type('web').sources['pool.pg lib/db.js:4'].source).toEqual({file: 'lib/settings.json', kind: 'file', line: 3})
    // jobs: 3 × pg max 4 (worker.js), plus the cron app through package.json: 1 × pg max 1.
    expect(r.type('jobs')).toMatchObject({connectionsPerDyno: 13, poolPerProcess: 4, processesPerDyno: 3})
    expect(r.total).toBe(25)
  })
})
