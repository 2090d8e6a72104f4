/**
 * TypeORM 0.2's createConnection() with no options reads the first ormconfig file of the app root in the order env, js,
 * cjs, ts, json, yml, yaml, and the TYPEORM_* variables when TYPEORM_CONNECTION is set (src/languages/node/pools.ts
 * typeormConfig; typeorm 0.2.x ConnectionOptionsReader, ConnectionOptionsEnvReader, ConnectionOptionsYmlReader).
 * - test/fixtures/node-typeorm-ormconfig-yml: ormconfig.yml names two connections, `reports` (extra.max 2) and `default`
 *   (extra.max 7); createConnection() opens `default`: 7.
 * - test/fixtures/node-typeorm-ormconfig-env: ormconfig.env sets TYPEORM_CONNECTION=postgres and TYPEORM_DRIVER_EXTRA
 *   {"max": 4}: 4. With TYPEORM_DRIVER_EXTRA={"max": 9} in the environment, dotenv keeps it over the file's: 9.
 * Before: neither file was read: typeorm in package.json, its default 10* assumed.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('TypeORM 0.2 ormconfig.yml, ormconfig.env and TYPEORM_* variables', () => {
  it('reads the default connection of ormconfig.yml', () => {
    const r = planJson(procfileOf('node-typeorm-ormconfig-yml'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web').connectionsPerDyno).toBe(7)
    expect(r.type('web').sources.threadsPerProcess.via?.some((v) => v.kind === 'assumed')).toBe(false)
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({file: 'ormconfig.yml', kind: 'file', line: 13}))
  })

  it('reads TYPEORM_DRIVER_EXTRA from ormconfig.env, the environment first', () => {
    const r = planJson(procfileOf('node-typeorm-ormconfig-env'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web').connectionsPerDyno).toBe(4)
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({file: 'ormconfig.env', kind: 'file', line: 4}))
    const set = planJson(procfileOf('node-typeorm-ormconfig-env'), ['--plan', 'standard-0', '--scale', 'web=1', '--env', 'TYPEORM_DRIVER_EXTRA={"max": 9}'])
    expect(set.type('web').connectionsPerDyno).toBe(9)
    expect(set.exit).toBe(0)
  })
})
