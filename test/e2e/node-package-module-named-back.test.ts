/**
 * A process run in a package folder (server/, its own package.json) whose code imports a module outside it that
 * imports a module of the package back (blinko-space/blinko: server/index.ts -> ../shared/lib/cache.ts ->
 * `@server/prisma`, i.e. ../server/prisma.ts). Node keys its module cache by the resolved file
 * (https://nodejs.org/api/modules.html#caching): one module, one PrismaClient. Before, `../server/prisma.js` and
 * `prisma.js` were two modules and the client was counted twice (10 here; blinko 34* for 17); and the search for code
 * naming an idle client's export looked only inside server/, so the shared file that queries it was missed and the
 * client dropped (1* here). Prisma's pool is the URL's connection_limit, 5
 * (https://www.prisma.io/docs/orm/prisma-client/setup-and-configuration/databases-connections/connection-pool).
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()
const plan = (dir: string) => planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--env', 'DATABASE_URL=postgres://u@db.example.com/app?connection_limit=5'])

describe('a module of the package named back from outside it', () => {
  it('CommonJS: server/index.js and ../shared/cache.js both require the one server/prisma.js: 5, not 10', () => {
    const dir = app({
      Procfile: 'web: node server/index.js\n',
      'package.json': JSON.stringify({name: 'root', private: true}),
      'server/index.js': "const express = require('express')\nconst {count} = require('../shared/cache')\nconst {prisma} = require('./prisma')\nconst app = express()\napp.get('/', async (req, res) => res.json({n: await count(), u: await prisma.user.count()}))\napp.listen(process.env.PORT)\n",
      'server/package.json': JSON.stringify({dependencies: {'@prisma/client': '^5.21.0', express: '^4.18.0'}, name: 'server'}),
      'server/prisma.js': "const {PrismaClient} = require('@prisma/client')\nconst prisma = new PrismaClient()\nmodule.exports = {prisma}\n",
      'shared/cache.js': "const {prisma} = require('../server/prisma')\nmodule.exports = {count: () => prisma.note.count()}\n",
    })
    const r = plan(dir)
    expect(r.total).toBe(5)
    expect(r.processTypes[0].databases).toEqual(['prisma server/prisma.js:2'])
  })

  it('ES modules: the client is queried only from ../shared/cache.mjs, which the process reads: counted, 5 unstarred', () => {
    const dir = app({
      Procfile: 'web: node server/index.mjs\n',
      'package.json': JSON.stringify({name: 'root', private: true}),
      'server/index.mjs': "import express from 'express'\nimport {count} from '../shared/cache.mjs'\nconst app = express()\napp.get('/', async (req, res) => res.json({n: await count()}))\napp.listen(process.env.PORT)\n",
      'server/package.json': JSON.stringify({dependencies: {'@prisma/client': '^5.21.0', express: '^4.18.0'}, name: 'server', type: 'module'}),
      'server/prisma.mjs': "import {PrismaClient} from '@prisma/client'\nexport const prisma = new PrismaClient()\n",
      'shared/cache.mjs': "import {prisma} from '../server/prisma.mjs'\nexport const count = () => prisma.note.count()\n",
    })
    const r = plan(dir)
    expect(r.total).toBe(5)
    const via = r.type('web').sources['pool.prisma server/prisma.mjs:2'].via ?? []
    expect(via.filter((v) => v.kind === 'assumed')).toEqual([])
  })
})
