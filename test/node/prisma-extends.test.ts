/**
 * `new PrismaClient().$extends({…})` (Prisma client extensions, https://www.prisma.io/docs/orm/prisma-client/client-extensions):
 * the client is made first, and the extended client shares its query engine and pool. Before, the `new` inside the
 * member call was never read: the pool fell back to the dependency default at package.json, not at the call.
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {describeSourced} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

const files = {
  'db.ts': [
    "import {PrismaClient} from '@prisma/client'",
    "export const prisma = new PrismaClient({datasources: {db: {url: process.env.DATABASE_URL}}}).$extends({query: {$allModels: {async findMany({args, query}) { return query(args) }}}})",
  ].join('\n'),
  'package.json': JSON.stringify({dependencies: {'@prisma/client': '5.22.0', express: '^4.19.0'}}),
  'server.ts': "import express from 'express'\nimport {prisma} from './db'\nexpress().get('/', async (req, res) => res.json(await prisma.user.findMany())).listen(process.env.PORT)\n",
}

describe('new PrismaClient().$extends()', () => {
  it('is the client made at db.ts:2, its connection_limit read from the URL there', async () => {
    const a = await analyzeWith(node, 'node server.ts', files, {DATABASE_URL: 'postgres://u:p@db/app?connection_limit=4'}, 'standard-1x')
    // connection_limit=4 in DATABASE_URL → Prisma's pool 4 (one client; $extends adds none); queries at once 4.
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['prisma db.ts:2', 4]])
    expect(a.threadsPerProcess.value).toBe(4)
  })

  it('with no URL value: physical CPUs × 2 + 1 = 8 × 2 + 1 = 17, sourced at the call, not the dependency', async () => {
    const a = await analyzeWith(node, 'node server.ts', files, {}, 'standard-1x')
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['prisma db.ts:2', 17]])
    expect(describeSourced(a.pools![0].pool).split(' ← ')[0]).toBe('db.ts:2')
  })
})
