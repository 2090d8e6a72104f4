/**
 * A Next.js dashboard that imports only Prisma's types, beside an API that opens the PrismaClient
 * (test/fixtures/node-next-prisma-types, the shape of useplunk/plunk: `cd packages/dashboard && npx next start`, and
 * `node packages/api/server.js`; @prisma/client is a root dependency).
 *
 * `next start` loads the app's code from its routes (src/pages), middleware and instrumentation — all read as entries —
 * and next.config.js (plain here). The pages import `{Email} from '@prisma/client'` used only in a type argument and
 * `import type {Project}` (both removed by the compiler), a stylesheet (no code), swr (package-lock.json: depends on no
 * client), the workspace package @mailroom/shared (whose `{TemplateStyle}` enum from @prisma/client is a plain value:
 * only `new PrismaClient()` connects) and their own modules, among them `export * from './Card'` whose module is Card/index.tsx (as tsc and webpack
 * resolve a folder). Every module read, none reaching a client: web 0. api: Prisma 5's default connection_limit,
 * num_cpus × 2 + 1 = 17 on a standard-1x's 8 CPUs (starred: the CPU count). Total 17.
 * Before: web 1* ("no database pool found in package.json or the code"), total 18*.
 *
 * An API route that makes a PrismaClient is a client the process loads: web counts it (17*). A next.config.js that
 * imports the app's own module (not read as an entry) leaves web's graph open: 1*, as before.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('node-next-prisma-types')
const plan = (files: Record<string, string> = {}) => planJson(join(app(files), 'Procfile'), ['--limit', '100', '--scale', 'web=1', '--scale', 'api=1'])

describe('Next: a dashboard importing only Prisma types', () => {
  it('holds no connection; the API its PrismaClient (17)', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connections: 0})
    expect(JSON.stringify(r.type('web').sources.threadsPerProcess)).toContain('none imports a database client')
    expect(r.type('api')).toMatchObject({connections: 17})
    expect(r.total).toBe(17)
  })

  it('an API route that opens a PrismaClient: web counts it', () => {
    const r = plan({
      'packages/dashboard/src/lib/prisma.ts': "import {PrismaClient} from '@prisma/client'\n\nexport const prisma = new PrismaClient()\n",
      'packages/dashboard/src/pages/api/emails.ts': "import type {NextApiRequest, NextApiResponse} from 'next'\nimport {prisma} from '../../lib/prisma'\n\nexport default async function handler(_req: NextApiRequest, res: NextApiResponse) {\n  res.json(await prisma.email.findMany())\n}\n",
    })
    expect(r.type('web').connections).toBe(17)
  })

  it("a next.config.js that loads the app's own module: not closed, 1 assumed as before", () => {
    const r = plan({
      'packages/dashboard/next.config.js': "require('./src/env')\n\nmodule.exports = {reactStrictMode: true}\n",
      'packages/dashboard/src/env.js': "module.exports = {apiUri: process.env.NEXT_PUBLIC_API_URI}\n",
    })
    expect(r.type('web')).toMatchObject({connections: 1})
    expect(JSON.stringify(r.type('web').sources.threadsPerProcess)).toContain('assumed')
  })
})
