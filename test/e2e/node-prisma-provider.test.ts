/**
 * A Prisma schema whose datasource is not PostgreSQL (fixture node-prisma-sqlite, the shape of a
 * Next.js app deployed with `provider = "sqlite"`): Prisma Client connects to the schema's
 * datasource (https://www.prisma.io/docs/orm/prisma-schema/overview/data-sources), so its
 * connections are not on the PostgreSQL plan. They are listed as not counted; a process whose only
 * database is that one holds 0 PostgreSQL connections — not Prisma's CPU-based default of 17.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'

describe('Prisma datasource provider', () => {
  const r = planJson(procfileOf('node-prisma-sqlite'), ['--plan', 'standard-0', '--scale', 'web=1,worker=1,api=1'])

  it('next start and a worker that only use the sqlite Prisma client hold no PostgreSQL connection', () => {
    for (const type of ['web', 'worker']) {
      expect(r.type(type)).toMatchObject({connections: 0, connectionsPerProcess: 0, threadsPerProcess: 0})
      expect(r.type(type).otherServerPools).toEqual([expect.objectContaining({database: 'prisma lib/prisma.js:3', server: 'sqlite database (Prisma datasource), not PostgreSQL'})])
      // The 0 names the schema line that says so.
      expect(r.type(type).sources.threadsPerProcess).toMatchObject({source: {file: 'prisma/schema.prisma', kind: 'file', line: 7}, value: 0})
    }
  })

  it('a process with a pg Pool as well counts only the pool: max 4, 1 process → 4', () => {
    expect(r.type('api')).toMatchObject({connections: 4, poolPerProcess: 4, threadsPerProcess: 4})
    expect(r.type('api').otherServerPools).toHaveLength(1)
    expect(r.total).toBe(4)
  })
})

describe('a Node process whose code opens only another database (fixture node-mongodb-only)', () => {
  it('imports mongodb, and package.json lists no PostgreSQL client: 0 connections, said with the import', () => {
    const r = planJson(procfileOf('node-mongodb-only'), ['--limit', '20'])
    for (const type of ['web', 'worker']) {
      expect(r.type(type)).toMatchObject({connections: 0, threadsPerProcess: 0})
      // Both reach lib/mongo.js, the module that imports the MongoDB client.
      expect(r.type(type).sources.threadsPerProcess.source).toMatchObject({file: 'lib/mongo.js', kind: 'file'})
    }

    expect(r.total).toBe(0)
    const text = runCliInProcess(['plan', '--procfile', procfileOf('node-mongodb-only'), '--limit', '20', '--explain']).stdout
    expect(text).toContain('the code imports mongodb, and package.json lists no PostgreSQL client')
  })

  it('with pg in package.json as well, the finding is off: pg\'s default pool of 10, labelled', () => {
    const r = planJson(procfileOf('node-mongodb-only/with-pg'), ['--limit', '20'])
    expect(r.type('web').connections).toBe(10)
    expect(r.type('web').sources.threadsPerProcess.source.kind).not.toBe('file')
  })
})

describe('a Node app whose only data store is a search engine (fixture node-search-engine-only)', () => {
  it('imports @opensearch-project/opensearch and no PostgreSQL client: 0 connections, not an assumed 1', () => {
    // lib/search.js:1 requires the OpenSearch client (HTTP to the search cluster); package.json lists no pg, knex, Prisma, …
    const r = planJson(procfileOf('node-search-engine-only'), ['--limit', '20'])
    expect(r.type('web')).toMatchObject({connections: 0, threadsPerProcess: 0})
    expect(r.type('web').sources.threadsPerProcess.source).toMatchObject({file: 'lib/search.js', kind: 'file'})
    expect(r.total).toBe(0)
    const text = runCliInProcess(['plan', '--procfile', procfileOf('node-search-engine-only'), '--limit', '20', '--explain']).stdout
    expect(text).toContain('the code imports @opensearch-project/opensearch, and package.json lists no PostgreSQL client')
  })
})

describe('Sequelize with a MySQL driver and no pg (fixture node-sequelize-mysql)', () => {
  it('its pool (max 8) is listed as not counted, and the process holds 0 PostgreSQL connections', () => {
    // Sequelize loads the driver of its dialect; package.json has mysql2 and no pg, so DATABASE_URL is a MySQL server's.
    const r = planJson(procfileOf('node-sequelize-mysql'), ['--limit', '20'])
    expect(r.type('web')).toMatchObject({connections: 0, threadsPerProcess: 0})
    expect(r.type('web').otherServerPools).toEqual([expect.objectContaining({database: 'sequelize server.js:5', pool: 8, server: 'mysql2 database (no pg driver in package.json), not PostgreSQL'})])
  })
})
