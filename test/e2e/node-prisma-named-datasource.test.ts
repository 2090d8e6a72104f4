/**
 * A PrismaClient's `datasources` option is keyed by the schema's `datasource NAME` (here `main`, not Prisma's usual
 * `db`), and its URL built by query-string's stringifyUrl({url, query: {connection_limit: 4, …}}): Prisma reads
 * connection_limit from that URL (src/languages/node/pools.ts prismaDatasource, builtUrlLimit).
 * test/fixtures/node-prisma-named-datasource: web `tsx src/server.ts`, one client: 4 (before: the `main` datasource
 * was not read, Prisma 5's default on 8 assumed CPUs, 8 × 2 + 1 = 17*).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a Prisma datasource not named db, its URL built by query-string', () => {
  it('reads connection_limit from the stringifyUrl query', () => {
    const r = planJson(procfileOf('node-prisma-named-datasource'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web').connectionsPerDyno).toBe(4)
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({file: 'src/db.ts', kind: 'file', line: 6}))
    expect(r.codes).not.toContain('cpu-count-default')
  })
})
