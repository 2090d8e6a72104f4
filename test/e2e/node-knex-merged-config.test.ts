/**
 * A knexfile that copies its NODE_ENV section to the top (`Object.assign(environments, environments[process.env.NODE_ENV])`)
 * and is passed whole to knex(), with the client from node-config (fixture node-knex-merged-config): config/default.yml
 * says sqlite3, config/custom-environment-variables.yml maps SHELF_DB_CLIENT over it, config/production.yml is empty.
 * node-config merges a file only `if (configObj)` (lib/config.js loadFileConfigs), so the empty production.yml adds
 * nothing; knex loads the driver of its `client` (lib/dialects/index.js), so a sqlite3 client's pool is not on PostgreSQL.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'

const procfile = procfileOf('node-knex-merged-config')

describe('a knexfile merged with Object.assign, its client from node-config', () => {
  it('client sqlite3 (default.yml, SHELF_DB_CLIENT unset): the knex pool is listed on sqlite3, 0 on the plan', () => {
    const r = planJson(procfile, ['--scale', 'web=2', '--limit', '20'])
    expect(r.type('web')).toMatchObject({connections: 0, threadsPerProcess: 0})
    expect(r.type('web').otherServerPools).toEqual([expect.objectContaining({database: 'knex lib/server.js:3', pool: 6, server: 'sqlite3 database (knex client), not PostgreSQL'})])
    const text = runCliInProcess(['plan', '--procfile', procfile, '--scale', 'web=2', '--limit', '20', '--explain']).stdout
    expect(text).toContain("knex's client is 'sqlite3'")
    expect(text).not.toContain('opens no pool')
  })

  it('SHELF_DB_CLIENT=pg: the production section copied to the top (pool max 6, not development\'s 2): 2 dynos × 6 = 12', () => {
    const r = planJson(procfile, ['--scale', 'web=2', '--limit', '20', '--env', 'SHELF_DB_CLIENT=pg', '--env', 'SHELF_DB_URL=postgres://u@h/shelf'])
    expect(r.type('web')).toMatchObject({connections: 12, poolPerProcess: 6})
    expect(r.total).toBe(12)
  })
})
