/**
 * A custom Next.js server started in a module the entry loads, not in the entry itself: diced/zipline registers a Fastify
 * plugin (src/server/plugins/next.ts: `const nextServer = next(options)`, then `nextServer.getRequestHandler()`), so
 * Next serves the app's pages/api routes in that process, with the Prisma client they import (src/lib/prisma.ts) beside
 * the plugin's own. Before, only an entry file that called next() itself had its routes read: the routes' pool was missed.
 * Made-up Fastify app in zipline's shape; pg Pools for numbers that do not depend on the CPU count.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const files = (plugin: string) => ({
  Procfile: 'web: node server.js\n',
  'lib/db.js': ["const {Pool} = require('pg')", 'module.exports = new Pool({connectionString: process.env.DATABASE_URL, max: 6})'].join('\n'),
  'package.json': JSON.stringify({dependencies: {fastify: '^4.28.0', 'fastify-plugin': '^4.5.1', next: '14.2.0', pg: '^8.13.0'}}, null, 2),
  'pages/api/files.js': ["import pool from '../../lib/db'", '', 'export default async function handler(req, res) {', "  res.json((await pool.query('select id from files')).rows)", '}'].join('\n'),
  'plugins/next.js': plugin,
  'plugins/store.js': ["const fp = require('fastify-plugin')", "const {Pool} = require('pg')", 'module.exports = fp(async (fastify) => {', "  fastify.decorate('store', new Pool({connectionString: process.env.DATABASE_URL, max: 4}))", '})'].join('\n'),
  'server.js': [
    "const fastify = require('fastify')()",
    "fastify.register(require('./plugins/store'))",
    "fastify.register(require('./plugins/next'), {dev: process.env.NODE_ENV !== 'production'})",
    'fastify.listen({port: Number(process.env.PORT), host: "0.0.0.0"})',
  ].join('\n'),
})

describe('a custom Next.js server started in a plugin the entry registers', () => {
  it("reads Next's routes too: the plugin's pool 4 + the API route's pool 6 = 10", () => {
    const dir = app(
      files(
        [
          "const fp = require('fastify-plugin')",
          "const next = require('next')",
          'module.exports = fp(async (fastify, options) => {',
          '  const nextServer = next(options)',
          '  const handle = nextServer.getRequestHandler()',
          '  await nextServer.prepare()',
          "  fastify.all('/*', (req, reply) => handle(req.raw, reply.raw))",
          '})',
        ].join('\n'),
      ),
    )
    const r = planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 10, processesPerDyno: 1, threadsPerProcess: 10})
    expect(JSON.stringify(r.type('web').sources.processesPerDyno.via)).toContain('plugins/next.js:4 starts Next.js in a custom server')
  })

  it("a plugin whose next() is Express-style middleware's callback (no `next` package imported) is not a Next server: 4", () => {
    const dir = app(files(["const fp = require('fastify-plugin')", 'module.exports = fp(async (fastify) => {', "  fastify.addHook('onRequest', (req, reply, next) => next())", '})'].join('\n')))
    const r = planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 4, threadsPerProcess: 4})
  })
})
