/**
 * TypeORM 0.2's createConnection() with no options reads the first ormconfig file of the app root in the order env, js,
 * cjs, ts, json, yml, yaml, and the TYPEORM_* variables when TYPEORM_CONNECTION is set (src/languages/node/pools.ts
 * typeormConfig; typeorm 0.2.x ConnectionOptionsReader, ConnectionOptionsEnvReader, ConnectionOptionsYmlReader).
 * - test/fixtures/node-typeorm-ormconfig-yml: ormconfig.yml names two connections, `reports` (extra.max 2) and `default`
 *   (extra.max 7); createConnection() opens `default`: 7.
 * - test/fixtures/node-typeorm-ormconfig-env: ormconfig.env sets TYPEORM_CONNECTION=postgres and TYPEORM_DRIVER_EXTRA
 *   {"max": 4}: 4. With TYPEORM_DRIVER_EXTRA={"max": 9} in the environment, dotenv keeps it over the file's: 9.
 * - TYPEORM_URL alone selects the variables too (`getEnvVariable("TYPEORM_CONNECTION") || getEnvVariable("TYPEORM_URL")`),
 *   the type from its scheme: the ormconfig-yml fixture with TYPEORM_URL=postgres://… and TYPEORM_DRIVER_EXTRA {"max": 3}
 *   set is 3, not the file's 7; with a mysql:// URL no PostgreSQL pool comes from TypeORM.
 * - test/fixtures/node-typeorm-dotenv: no ormconfig file; the app root's .env (loaded by the reader's dotenv when the
 *   file found is not ormconfig.env) sets TYPEORM_URL=postgres://… and TYPEORM_DRIVER_EXTRA {"max": 6}: 6, from .env:3.
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

  it('reads the TYPEORM_* variables when only TYPEORM_URL is set, over the ormconfig file', () => {
    const args = ['--plan', 'standard-0', '--scale', 'web=1', '--env', 'TYPEORM_DRIVER_EXTRA={"max": 3}']
    const r = planJson(procfileOf('node-typeorm-ormconfig-yml'), [...args, '--env', 'TYPEORM_URL=postgres://db.internal/app'])
    expect(r.type('web').connectionsPerDyno).toBe(3)
    const mysql = planJson(procfileOf('node-typeorm-ormconfig-yml'), [...args, '--env', 'TYPEORM_URL=mysql://db.internal/app'])
    expect(mysql.type('web').sources.threadsPerProcess.via).not.toContainEqual(expect.objectContaining({file: 'ormconfig.yml'}))
    expect(mysql.type('web').connectionsPerDyno).not.toBe(3)
  })

  it("reads the TYPEORM_* variables of the app root's .env", () => {
    const r = planJson(procfileOf('node-typeorm-dotenv'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web').connectionsPerDyno).toBe(6)
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({file: '.env', kind: 'file', line: 3}))
  })
})
