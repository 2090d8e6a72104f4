import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {describeSourced} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

describe('a custom Next.js server', () => {
  it('`next({dev})` in the started file loads pages/ like `next start`: the Prisma client a route imports is found', async () => {
    const files = {
      'lib/prisma.js': "import {PrismaClient} from '@prisma/client'\nconst prisma = new PrismaClient()\nexport default prisma\n",
      'package.json': JSON.stringify({dependencies: {'@prisma/client': '5.9.1', express: '^4.21.0', next: '14.2.3'}, scripts: {start: 'NODE_ENV=production node server.js'}}, null, 2),
      'pages/api/users.js': "import prisma from '../../lib/prisma'\nexport default async function handler(req, res) {\n  res.json(await prisma.user.findMany())\n}\n",
      'prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n',
      'server.js': "const express = require('express')\nconst next = require('next')\nconst app = next({dev: process.env.NODE_ENV !== 'production'})\nconst handle = app.getRequestHandler()\napp.prepare().then(() => express().all('*', (req, res) => handle(req, res)).listen(process.env.PORT))\n",
    }
    const a = await analyzeWith(node, 'npm start', files, {DATABASE_URL: 'postgres://u:p@db.example:5432/app?connection_limit=7'}, 'standard-2x')
    // pages/api/users.js → lib/prisma.js:2 new PrismaClient(), connection_limit 7 in DATABASE_URL: 7, read from the code (was
    // the @prisma/client dependency default with "no module reached from server.js imports it").
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['prisma lib/prisma.js:2', 7]])
    expect(describeSourced(a.processesPerDyno)).toContain('server.js:3 starts Next.js in a custom server')
  })

  it('`next({dir: \'./web\'})`: the pages are read from that folder, not from the app root', async () => {
    const files = {
      'package.json': JSON.stringify({dependencies: {express: '^4.21.0', next: '14.2.3', pg: '^8.13.0'}, scripts: {start: 'node server/index.js'}}, null, 2),
      // A pages/ folder at the root that this server never serves (an old copy): its pool must not count.
      'pages/api/old.js': "import {Pool} from 'pg'\nexport const old = new Pool({max: 30})\n",
      'server/index.js': "import nextApp from 'next'\nimport express from 'express'\nconst app = nextApp({dir: './web', dev: false})\napp.prepare().then(() => express().listen(process.env.PORT))\n",
      'web/lib/db.js': "import {Pool} from 'pg'\nexport const pool = new Pool({connectionString: process.env.DATABASE_URL, max: 4})\n",
      'web/pages/api/links.js': "import {pool} from '../../lib/db'\nexport default async (req, res) => res.json(await pool.query('select 1'))\n",
    }
    const a = await analyzeWith(node, 'npm start', files, {}, 'standard-2x')
    // web/pages/api/links.js → web/lib/db.js:2 pg Pool max 4; the root pages/ (max 30) is not this Next project's.
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg web/lib/db.js:2', 4]])
    expect(describeSourced(a.processesPerDyno)).toContain('server/index.js:3 starts Next.js in a custom server, which loads the app\'s pages and routes from its `dir` web/')
  })

  it('a middleware\'s `next()` (express, restify) is not Next.js: no pages are read', async () => {
    const files = {
      'package.json': JSON.stringify({dependencies: {express: '^4.21.0', pg: '^8.13.0'}, scripts: {start: 'node server.js'}}, null, 2),
      'pages/api/x.js': "import {Pool} from 'pg'\nexport const p = new Pool({max: 30})\n",
      'server.js': "const express = require('express')\nconst {Pool} = require('pg')\nconst pool = new Pool({max: 3})\nconst app = express()\napp.use((req, res, next) => next())\napp.listen(process.env.PORT)\n",
    }
    const a = await analyzeWith(node, 'npm start', files, {}, 'standard-2x')
    // Only server.js:3's pool (3); pages/ is not loaded by an express app (was 3 + 30 = 33 with "starts Next.js").
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg server.js:3', 3]])
    expect(describeSourced(a.processesPerDyno)).not.toContain('Next.js')
  })
})

describe('an Express app whose middleware calls next()', () => {
  // `next` here is Express's callback parameter, not the Next.js package: server.js imports neither `next` nor
  // anything from it, so Next.js does not run and its conventional files (db.js, app/) are not loaded by the server.
  const files = {
    'app/jobs/digest.js': "const {Pool} = require('pg')\nconst jobs = new Pool({max: 6})\nmodule.exports = jobs\n",
    'db.js': "const {Pool} = require('pg')\nmodule.exports = new Pool({max: 20})\n",
    'lib/store.js': "const {Pool} = require('pg')\nmodule.exports = new Pool({max: 4})\n",
    'package.json': JSON.stringify({dependencies: {express: '^4.21.0', pg: '8.11.3'}, scripts: {seed: 'node scripts/seed.js', start: 'node server.js'}}, null, 2),
    'scripts/seed.js': "const db = require('../db')\ndb.query('select 1')\n",
    'server.js': [
      "const express = require('express')",
      "const store = require('./lib/store')",
      'const app = express()',
      'app.use((req, res, next) => {',
      "  if (!req.query.lang) req.query.lang = 'en'",
      '  return next()',
      '})',
      "app.get('/', async (req, res) => res.json(await store.query('select 1')))",
      'app.listen(process.env.PORT)',
      '',
    ].join('\n'),
  }

  it('is not read as a custom Next.js server: only the pool server.js loads is counted', async () => {
    const a = await analyzeWith(node, 'npm start', files, {DATABASE_URL: 'postgres://u:p@db.example:5432/app'}, 'standard-1x')
    // server.js → lib/store.js:2 new Pool({max: 4}): 4. db.js (max 20, only scripts/seed.js uses it) and app/jobs/digest.js
    // (max 6, nothing requires it) are not loaded by `node server.js`. Read as Next.js they were: 4 + 20 + 6 = 30.
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg lib/store.js:2', 4]])
    expect(describeSourced(a.processesPerDyno)).not.toContain('Next.js')
  })
})

describe('a custom Express server for Remix (@remix-run/express)', () => {
  it("loads app/'s routes as remix-serve does: the Prisma client app/db.server.ts makes is found, not the dependency default", async () => {
    const files = {
      'app/db.server.ts': "import {PrismaClient} from '@prisma/client'\nexport const prisma = new PrismaClient()\n",
      'app/routes/notes.tsx': "import {prisma} from '~/db.server'\nexport const loader = async () => prisma.note.findMany()\n",
      'package.json': JSON.stringify({dependencies: {'@prisma/client': '5.9.1', '@remix-run/express': '2.8.1', express: '^4.21.0'}, scripts: {start: 'node server.js'}}, null, 2),
      'prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n',
      'server.js': [
        "const {createRequestHandler} = require('@remix-run/express')",
        "const express = require('express')",
        'const app = express()',
        'app.use((req, res, next) => next())',
        "app.all('*', createRequestHandler({build: require('./build/index.js')}))",
        'app.listen(process.env.PORT)',
        '',
      ].join('\n'),
      // Remix's templates map `~/` to app/ (the Vite build resolves it through vite-tsconfig-paths).
      'tsconfig.json': JSON.stringify({compilerOptions: {paths: {'~/*': ['./app/*']}}}),
    }
    const a = await analyzeWith(node, 'npm start', files, {DATABASE_URL: 'postgres://u:p@db.example:5432/app?connection_limit=7'}, 'standard-1x')
    // app/routes/notes.tsx → app/db.server.ts:2 new PrismaClient(), connection_limit 7 in DATABASE_URL: 7 (read from the code, not the
    // @prisma/client dependency default "no module reached from server.js imports it").
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['prisma app/db.server.ts:2', 7]])
    expect(describeSourced(a.processesPerDyno)).toContain('server.js serves the Remix build with @remix-run/express')
    expect(describeSourced(a.processesPerDyno)).not.toContain('Next.js')
  })
})

describe('a Hono server for a Remix/React Router build (react-router-hono-server)', () => {
  // The Vite server build is app/entry.server, app/root and app/routes/**, with what they import; the Hono server file is
  // part of it. A script elsewhere in app/ that nothing imports is not in the build.
  const files = (devDependencies: Record<string, string>) => ({
    'app/db.server.ts': "import pg from 'pg'\nexport const pool = new pg.Pool({connectionString: process.env.DATABASE_URL, max: 6})\n",
    'app/entry.server.tsx': "import pg from 'pg'\nexport const jobs = new pg.Pool({connectionString: process.env.DATABASE_URL, max: 4})\nexport * from '../server'\n",
    'app/root.tsx': 'export default function App() { return null }\n',
    'app/routes/orders.tsx': "import {pool} from '~/db.server'\nexport const loader = async () => (await pool.query('select 1')).rows\n",
    'app/scripts/seed.ts': "import pg from 'pg'\nconst admin = new pg.Pool({connectionString: process.env.DATABASE_URL, max: 20})\nawait admin.query('select 1')\n",
    'package.json': JSON.stringify({dependencies: {pg: '8.13.1', 'react-router-hono-server': '2.13.0'}, devDependencies, scripts: {start: 'node ./build/server/index.js'}}, null, 2),
    'server/index.ts': "import {createHonoServer} from 'react-router-hono-server/node'\nexport default await createHonoServer({port: Number(process.env.PORT)})\n",
    'tsconfig.json': JSON.stringify({compilerOptions: {paths: {'~/*': ['./app/*']}}}),
  })

  it("Remix (@remix-run/dev): entry.server's pool and the routes' pool, not an unimported script's", async () => {
    const a = await analyzeWith(node, 'npm start', files({'@remix-run/dev': '2.15.0'}), {}, 'standard-1x')
    // entry.server.tsx max 4 + db.server.ts max 6 (through app/routes/orders.tsx) = 10; seed.ts's 20 is not loaded.
    expect(a.pools?.map((p) => [p.database, p.pool.value]).sort()).toEqual([
      ['pg app/db.server.ts:2', 6],
      ['pg app/entry.server.tsx:2', 4],
    ])
    expect(describeSourced(a.processesPerDyno)).toContain('serves the React Router build with react-router-hono-server')
  })

  it('React Router 7 (no Remix packages): the whole app/ folder, as react-router-serve reads it', async () => {
    const a = await analyzeWith(node, 'npm start', files({'@react-router/dev': '7.1.0'}), {}, 'standard-1x')
    // routes.ts may name a route module anywhere in app/: every file there is read, seed.ts's 20 too (4 + 6 + 20).
    expect(a.pools?.map((p) => p.pool.value).sort((x, y) => x - y)).toEqual([4, 6, 20])
  })
})
