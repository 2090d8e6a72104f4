/**
 * `await MikroORM.init(options)` outside NestJS (the shape of SoftwareBrothers/adminjs-example-app's
 * src/sources/mikroorm/config.ts): MikroORM's SQL driver opens a knex pool of `options.pool`, knex's default max 10
 * (https://mikro-orm.io/docs/configuration#connection; knex lib/client.js pool defaults min 2, max 10), as the
 * NestJS MikroOrmModule does. On another database (`type: 'mysql'`) no PostgreSQL connection. Before: not read (the
 * process counted as 1*, an unknown one connection per thread).
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const withOptions = (options: string) =>
  app({
    Procfile: 'web: node src/server.js\n',
    'package.json': JSON.stringify({dependencies: {'@mikro-orm/core': '^5.9.0', '@mikro-orm/postgresql': '^5.9.0'}, engines: {node: '20.x'}}, null, 2),
    'src/server.js': [
      "const {MikroORM} = require('@mikro-orm/core')",
      "const http = require('node:http')",
      'async function main() {',
      `  const orm = await MikroORM.init(${options})`,
      "  http.createServer(async (req, res) => res.end(JSON.stringify(await orm.em.getConnection().execute('select 1')))).listen(process.env.PORT)",
      '}',
      'main()',
    ].join('\n'),
  })
const plan = (dir: string) => planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])

describe('Node: MikroORM.init()', () => {
  it('a knex pool of options.pool.max: 4; none set: 10', () => {
    expect(plan(withOptions("{type: 'postgresql', clientUrl: process.env.DATABASE_URL, entities: [], pool: {min: 0, max: 4}}")).total).toBe(4)
    expect(plan(withOptions("{type: 'postgresql', clientUrl: process.env.DATABASE_URL, entities: []}")).total).toBe(10)
  })

  it('on MySQL: no PostgreSQL connection, said', () => {
    const r = plan(withOptions("{type: 'mysql', clientUrl: process.env.MYSQL_URL, entities: []}"))
    expect(r.diagnostics.map((d) => d.message)).toContain('MikroORM.init() here connects to mysql, not PostgreSQL: no PostgreSQL connection from it')
    expect(r.type('web').databases).toEqual([])
  })
})
