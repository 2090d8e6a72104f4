/**
 * A Prisma datasource URL the app builds with the WHATWG URL: `const dbUrl = new URL(env.DATABASE_URL)`, then
 * `if (!dbUrl.searchParams.has('connection_limit')) dbUrl.searchParams.set('connection_limit', '5')`, and
 * `new PrismaClient({datasources: {db: {url: dbUrl.toString()}}})` (the BudiSetyo/devDigest-courier shape). Prisma reads
 * connection_limit from the URL it is given; URLSearchParams.set replaces the parameter
 * (https://url.spec.whatwg.org/#dom-urlsearchparams-set); under `!has(…)` the URL's own one is kept when it has one.
 * Before: `!dbUrl.searchParams.has(…)` (a call conncalc does not evaluate) was read as false, the set never seen, and
 * DATABASE_URL's parameter or Prisma's default (8 CPUs × 2 + 1 = 17, starred for the CPU count only) taken silently.
 * Made-up Express app, Prisma 6, one web process on a standard-1x dyno.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const prismaTs = (guarded: boolean) =>
  [
    "import {PrismaClient} from '@prisma/client'",
    '',
    'const dbUrl = new URL(process.env.DATABASE_URL!)',
    ...(guarded ? ["if (!dbUrl.searchParams.has('connection_limit')) {", "  dbUrl.searchParams.set('connection_limit', '5')", '}'] : ["dbUrl.searchParams.set('connection_limit', '5')"]),
    '',
    'export const prisma = new PrismaClient({datasources: {db: {url: dbUrl.toString()}}})',
  ].join('\n')

const dir = (guarded: boolean, built = true) =>
  app({
    Procfile: 'web: node dist/index.js\n',
    'package.json': JSON.stringify({dependencies: {'@prisma/client': '^6.5.0', express: '^4.21.0'}, devDependencies: {prisma: '^6.5.0', typescript: '^5.6.0'}, scripts: {build: 'tsc', start: 'node dist/index.js'}}, null, 2),
    'prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n',
    'src/index.ts': ["import express from 'express'", "import {prisma} from './lib/prisma'", '', 'const app = express()', "app.get('/', async (_req, res) => res.json(await prisma.$queryRaw`select 1`))", 'app.listen(process.env.PORT)'].join('\n'),
    'src/lib/prisma.ts': built ? prismaTs(guarded) : prismaTs(guarded).replace('dbUrl.toString()', 'makeUrl(dbUrl)'),
    'tsconfig.json': JSON.stringify({compilerOptions: {module: 'commonjs', outDir: 'dist', rootDir: 'src', target: 'es2022'}}),
  })

const plan = (d: string, env: string[] = []) => planJson(join(d, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', ...env.flatMap((e) => ['--env', e])])

describe('a Prisma datasource URL built with URL searchParams', () => {
  it("DATABASE_URL without connection_limit: the set's 5, from src/lib/prisma.ts:5", () => {
    const r = plan(dir(true), ['DATABASE_URL=postgres://u:p@db.example.com:5432/app'])
    expect(r.type('web').connections).toBe(5)
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({file: 'src/lib/prisma.ts', kind: 'file', line: 5}))
    expect(r.codes).not.toContain('cpu-count-default')
  })

  it("DATABASE_URL with its own connection_limit=3: the guarded set leaves it, 3", () => {
    expect(plan(dir(true), ['DATABASE_URL=postgres://u:p@db.example.com:5432/app?connection_limit=3']).type('web').connections).toBe(3)
  })

  it('an unguarded set replaces the URL\'s own: 5', () => {
    expect(plan(dir(false), ['DATABASE_URL=postgres://u:p@db.example.com:5432/app?connection_limit=3']).type('web').connections).toBe(5)
  })

  it("a url built by a function conncalc does not read: DATABASE_URL's connection_limit, starred and said", () => {
    const r = plan(dir(true, false), ['DATABASE_URL=postgres://u:p@db.example.com:5432/app?connection_limit=3'])
    expect(r.type('web').connections).toBe(3)
    expect(JSON.stringify(r.type('web').sources)).toContain('is built in a way conncalc does not read')
  })
})
