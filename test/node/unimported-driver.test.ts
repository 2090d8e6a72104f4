import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {isAssumption} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = (deps: Record<string, string>) => JSON.stringify({dependencies: deps}, null, 2)
const run = (command: string, files: Record<string, string>) => analyzeWith(node, command, files, {}, 'standard-1x')

describe('a database library in package.json that no code file imports', () => {
  it('adds no pool beside the pool the code makes, and the info line says why', async () => {
    const files = {
      // postgres (postgres.js, package.json line 4) is there for a migration CLI; the app queries through its own pg Pool.
      'package.json': pkg({pg: '^8.13.0', postgres: '^3.4.4'}),
      'server.js': ["const {Pool} = require('pg')", 'const pool = new Pool({connectionString: process.env.DATABASE_URL, max: 7})', 'module.exports = pool'].join('\n'),
    }
    const a = await run('node server.js', files)
    // 7 (the Pool's max) and nothing for postgres.js (was 7 + its default 10 = 17).
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg server.js:2', 7]])
    expect(a.threadsPerProcess.value).toBe(7)
    expect(a.diagnostics.map((d) => `${d.file}:${d.line} ${d.severity} ${d.message}`)).toContainEqual(
      'package.json:4 info postgres is in package.json but no code file of the app imports postgres: it is a tool\'s driver (a migration CLI) or another library\'s, and makes no pool in web; the pool conncalc found (pg) is counted instead',
    )
  })

  it('with no pool found, an imported library is counted before one nothing imports', async () => {
    const files = {
      // knex is imported by a file the entry never reaches (loaded at run time); sequelize by no file at all.
      'lib/db.js': "const knex = require('knex')\nmodule.exports = knex(require(process.env.KNEX_CONFIG))\n",
      'package.json': pkg({knex: '^3.1.0', pg: '^8.13.0', sequelize: '^6.37.0'}),
      'server.js': "require(`./lib/${process.env.DB_MODULE}`)\n",
    }
    const a = await run('node server.js', files)
    // sequelize comes first in the list of defaults (5) but nothing imports it: knex's default 10, assumed.
    expect(a.pools?.map((p) => [p.database, p.pool.value, isAssumption(p.pool)])).toEqual([['knex', 10, true]])
    expect(a.diagnostics.map((d) => d.message)).toContainEqual(expect.stringMatching(/^sequelize is in package\.json but no code file of the app imports sequelize or sequelize-typescript or @nestjs\/sequelize/))
  })

  it('with nothing imported and no pool found, the dependency default is still the assumption (starred, named)', async () => {
    const files = {
      'package.json': pkg({express: '^4.21.0', pg: '^8.13.0', postgres: '^3.4.4'}),
      // express with no lock file: what it loads cannot be told (with only Node built-ins read, the process would hold 0).
      'server.js': "const app = require('express')()\napp.get('/', (req, res) => res.send('ok'))\napp.listen(process.env.PORT)\n",
    }
    const a = await run('node server.js', files)
    // postgres.js's default max 10 (https://github.com/porsager/postgres#connection-details), assumed.
    expect(a.pools?.map((p) => [p.database, p.pool.value, isAssumption(p.pool)])).toEqual([['postgres.js', 10, true]])
  })
})
