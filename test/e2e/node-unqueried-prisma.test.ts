/**
 * A PrismaClient made when a module loads opens no connection until it is queried: "PrismaClient automatically
 * connects when you run your first query, creates a connection pool"
 * (https://www.prisma.io/docs/orm/v6/prisma-client/setup-and-configuration/databases-connections/connection-management).
 * A client bound to a name nothing in its module reads, and exported under names no other code file of the app
 * mentions, is never queried: not counted (said). One whose export some file names that this process does not read
 * is counted, starred; one that is connected or queried where it is made is counted as before. Made-up Express app
 * with a caching helper (`cached('key', () => new PrismaClient())`), run with tsx.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const URL = 'DATABASE_URL=postgres://u:p@db.example.com:5432/shop?connection_limit=4'
const json = (dir: string) => planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--env', URL])

const files = {
  Procfile: 'web: npx tsx src/server.ts\n',
  'package.json': JSON.stringify({dependencies: {'@prisma/client': '^6.3.0', express: '^4.21.0', tsx: '^4.19.0'}, devDependencies: {prisma: '^6.3.0'}, engines: {node: '22.x'}}, null, 2),
  'prisma/schema.prisma': ['datasource db {', '  provider = "postgresql"', '  url      = env("DATABASE_URL")', '}', '', 'generator client {', '  provider = "prisma-client-js"', '}', '', 'model Order {', '  id Int @id @default(autoincrement())', '}'].join('\n'),
  'src/lib/cached.ts': [
    'const store = new Map<string, unknown>()',
    '',
    '// One instance per key for the life of the process (and across hot reloads in development).',
    'export function cached<T>(key: string, build: () => T): T {',
    '  if (!store.has(key)) store.set(key, build())',
    '  return store.get(key) as T',
    '}',
  ].join('\n'),
  'src/lib/db.ts': [
    "import {PrismaClient} from '@prisma/client'",
    "import {cached} from './cached'",
    '',
    "const primary = cached('primary', () => new PrismaClient())",
    '',
    "export const auditClient = cached('audit', () => {",
    "  const client = new PrismaClient({log: [{emit: 'event', level: 'query'}]})",
    "  client.$on('query', (e) => console.log(e.query, e.duration))",
    '  return client',
    '})',
    '',
    'const scratch = new PrismaClient()',
    '',
    'export const reportingClient = new PrismaClient()',
    '',
    "export const warmClient = cached('warm', () => {",
    '  const client = new PrismaClient()',
    '  void client.$connect()',
    '  return client',
    '})',
    '',
    'export {primary as prisma}',
  ].join('\n'),
  'src/server.ts': [
    "import express from 'express'",
    "import {prisma} from './lib/db'",
    '',
    'const app = express()',
    "app.get('/orders', async (req, res) => res.json(await prisma.order.findMany()))",
    'app.listen(process.env.PORT)',
  ].join('\n'),
  'scripts/report.ts': ["import {reportingClient} from '../src/lib/db'", '', 'console.log(await reportingClient.order.count())'].join('\n'),
}

describe('a PrismaClient that nothing queries opens no connection', () => {
  it('counts the queried client, the eagerly connected one, and (starred) one named only by code this process does not read', () => {
    const r = json(app(files))
    // connection_limit=4 each: primary 4 (exported as prisma, queried by the server) + warmClient 4 ($connect() where
    // it is made) + reportingClient 4* (named by scripts/report.ts, which web does not load) = 12.
    // Not counted: auditClient (only $on; no file names it) and scratch (not exported, not read). Before: 5 × 4 = 20.
    expect(r.total).toBe(12)
    expect([...r.type('web').databases].sort()).toEqual(['prisma src/lib/db.ts:14', 'prisma src/lib/db.ts:17', 'prisma src/lib/db.ts:4'])
    const reporting = JSON.stringify(r.type('web').sources['pool.prisma src/lib/db.ts:14'])
    expect(reporting).toContain('scripts/report.ts')
    expect(reporting).toContain('"kind":"assumed"')
    const said = r.diagnostics.filter((d) => d.message.includes('never queried')).map((d) => d.line).sort()
    expect(said).toEqual([12, 7])
  })

  it('a client whose export another module of the process reads is counted', () => {
    const dir = app({...files, 'src/server.ts': files['src/server.ts'].replace("import {prisma} from './lib/db'", "import {auditClient, prisma} from './lib/db'\nauditClient.$on('info', () => {})")})
    // auditClient is now named by server.ts (a module web reads): counted, 16.
    expect(json(dir).total).toBe(16)
  })
})
