/**
 * Strapi's pool (test/fixtures/strapi-default-pool): config/database.js sets no pool, so
 * Strapi's createConnection hands the connection config to knex unchanged
 * (packages/core/database/src/connection.ts) and knex's default applies: max 10
 * (lib/client.js poolDefaults {min: 2, max: 10}). One `strapi start` process per dyno.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const app = procfileOf('strapi-default-pool')

describe('Strapi with no pool settings: knex\'s default', () => {
  it('npm start → strapi start, one process holding knex\'s 10: 2 dynos × 10 = 20', () => {
    const r = planJson(app, ['--scale', 'web=2'])
    expect(r.type('web')).toMatchObject({connections: 20, connectionsPerProcess: 10, poolPerProcess: 10, processesPerDyno: 1, server: 'strapi'})
    const pool = r.type('web').sources['pool.strapi config/database.js']
    // Sourced at the `connection:` the defaults apply to, with both sources named, and not an assumption.
    expect(pool.source).toEqual({file: 'config/database.js', kind: 'file', line: 3})
    expect(pool.via).toEqual([
      expect.objectContaining({kind: 'default', ref: 'https://github.com/knex/knex/blob/master/lib/client.js'}),
      expect.objectContaining({kind: 'default', ref: 'https://github.com/strapi/strapi/blob/develop/packages/core/database/src/connection.ts'}),
      expect.objectContaining({kind: 'default', ref: 'https://docs.strapi.io/cms/configurations/database'}),
    ])
    expect(r.codes).toEqual([])
    expect(r.total).toBe(20)
  })

  it("NODE_ENV=staging: config/env/staging/database.js sets pool.max through the app's own poolFor(env('HEROKU_APP_NAME')), read at that call", () => {
    // lib/pool-size.js: poolFor = (appName) => (appName && appName.includes('-pr-') ? 2 : 4), called with HEROKU_APP_NAME.
    // Unset: `undefined && …` is falsy → 4. 1 dyno × 4 = 4.
    const r = planJson(app, ['--scale', 'web=1', '--env', 'NODE_ENV=staging'])
    expect(r.type('web')).toMatchObject({connections: 4, poolPerProcess: 4})
    expect(r.type('web').sources['pool.strapi config/env/staging/database.js']).toMatchObject({source: {file: 'lib/pool-size.js', line: 2}, value: 4})
    // A review app's name holds '-pr-': 2.
    const review = planJson(app, ['--scale', 'web=1', '--env', 'NODE_ENV=staging', '--env', 'HEROKU_APP_NAME=shop-staging-pr-41'])
    expect(review.type('web')).toMatchObject({connections: 2, poolPerProcess: 2})
  })
})

describe('Strapi: SQLite in config/database.js, PostgreSQL in config/env/production/database.js', () => {
  const {app: variant} = tempApps('strapi-default-pool')

  it("the environment file's client wins: no SQLite warning, knex's 10 sourced at the production file's connection", () => {
    // Strapi merges config/env/<NODE_ENV>/database.js over config/database.js: `client: 'postgres'` replaces the base's
    // 'sqlite'. Neither sets pool.max → knex's default 10; 1 dyno × 10 = 10.
    const dir = variant({
      'config/database.js': "const path = require('path');\n\nmodule.exports = ({ env }) => ({\n  connection: {\n    client: 'sqlite',\n    connection: { filename: path.join(__dirname, '..', '.tmp/data.db') },\n    useNullAsDefault: true,\n  },\n});\n",
      'config/env/production/database.js': "module.exports = ({ env }) => {\n  const url = env('DATABASE_URL');\n\n  return {\n    connection: {\n      client: 'postgres',\n      connection: { connectionString: url },\n    },\n  };\n};\n",
    })
    const r = planJson(`${dir}/Procfile`, ['--scale', 'web=1'])
    expect(r.codes).toEqual([])
    expect(r.type('web')).toMatchObject({connections: 10, poolPerProcess: 10})
    expect(r.type('web').sources['pool.strapi config/env/production/database.js'].source).toEqual({file: 'config/env/production/database.js', kind: 'file', line: 5})
  })
})
