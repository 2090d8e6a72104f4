/**
 * A service whose code imports only MongoDB's client while it depends on a workspace package that brings a PostgreSQL
 * client, loaded from its config rather than by import (powersync-ja/powersync-service: service/ depends on
 * @powersync/service-module-postgres, which depends on the pgwire client (kagis/pgwire, a PostgreSQL wire-protocol client)
 * through @powersync/service-jpgwire; src/entry.ts registers the modules its YAML config names). Was: "the code imports
 * mongodb and no package.json lists a PostgreSQL client": 0 connections, nothing said. The PostgreSQL module's pool (5
 * here, by hand) is in code conncalc does not reach, so the process is now one connection, assumed, not 0.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()
const json = (o: object) => JSON.stringify(o, null, 2)

describe('a workspace dependency that brings a PostgreSQL client', () => {
  const files = (postgresDeps: Record<string, string>) => ({
    Dockerfile: 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN pnpm install && pnpm build\nENTRYPOINT ["node", "service/lib/entry.js"]\nCMD ["start"]\n',
    'modules/module-postgres/package.json': json({dependencies: {'@x/jpgwire': 'workspace:*'}, main: 'src/index.js', name: '@x/module-postgres'}),
    'modules/module-postgres/src/index.js': "const {pgconnect} = require('@x/jpgwire')\nexports.register = (config) => pgconnect(config.url, {max: 5})\n",
    'package.json': json({name: 'monorepo', private: true}),
    'packages/jpgwire/package.json': json({dependencies: postgresDeps, main: 'index.js', name: '@x/jpgwire'}),
    'packages/lib-mongodb/package.json': json({dependencies: {mongodb: '^6.0.0'}, main: 'index.js', name: '@x/lib-mongodb'}),
    'packages/lib-mongodb/index.js': "const {MongoClient} = require('mongodb')\nexports.client = new MongoClient(process.env.MONGO_URI)\n",
    'pnpm-workspace.yaml': "packages:\n  - 'service'\n  - 'modules/*'\n  - 'packages/*'\n",
    'service/package.json': json({dependencies: {'@x/lib-mongodb': 'workspace:*', '@x/module-postgres': 'workspace:*'}, name: '@x/service', scripts: {build: 'tsc'}}),
    'service/src/entry.ts': "import {client} from '@x/lib-mongodb'\nconst config = JSON.parse(process.env.SERVICE_CONFIG ?? '{}')\nfor (const name of config.modules ?? []) void import(name).then((m) => m.register(config))\nexport {client}\n",
    'service/tsconfig.json': json({compilerOptions: {outDir: 'lib', rootDir: 'src'}}),
  })
  const plan = (dir: string) => planJson(join(dir, 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--root', dir])

  it('through pgwire two workspace packages down: not 0, one connection assumed', () => {
    const web = plan(app(files({pgwire: '^0.8.1'}))).type('web')
    expect(web).toMatchObject({connections: 1, server: 'node'})
    expect(JSON.stringify(web.sources.threadsPerProcess)).toMatch(/no database pool found/)
  })

  it('with no PostgreSQL client anywhere in its workspace packages the process still opens none: 0', () => {
    expect(plan(app(files({ws: '^8.0.0'}))).type('web')).toMatchObject({connections: 0})
  })
})
