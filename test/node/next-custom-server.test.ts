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
})
