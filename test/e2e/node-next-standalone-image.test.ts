/**
 * A Next.js app built with `output: 'standalone'` and run from an image: the Dockerfile copies .next/standalone onto its
 * WORKDIR and runs `node server.js` there (Next's with-docker example), or, in a monorepo, `node apps/web/server.js`
 * (the standalone folder keeps the app's path from the repository root). That server.js is not in the repository; it
 * serves the app's pages and route handlers, so those are read for pools, as for `node .next/standalone/server.js`.
 * Fixture node-next-standalone-image: the usesend/useSend shape (turbo prune after copying the workspace root's
 * package.json/turbo.json piece by piece, `.gitignore` copied, the start script in docker/). Before: 1* (server.js not
 * followed; the Dockerfile's `COPY --from=…` paths not mapped back, as the prune was not seen without `COPY . .`).
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

describe('a Next standalone server run from an image', () => {
  it('monorepo: docker/start.sh runs node apps/web/server.js: the app\'s route reads src/server/db.ts, pg Pool max 6', () => {
    const dir = fixture('node-next-standalone-image')
    const r = planJson(join(dir, 'docker/Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--root', dir])
    // 1 process × pg Pool max 6 (apps/web/src/server/db.ts:5, imported by src/app/api/emails/route.ts) = 6.
    expect(r.type('web')).toMatchObject({connections: 6, processesPerDyno: 1, threadsPerProcess: 6})
    expect(JSON.stringify(r.type('web').sources.processesPerDyno.via)).toContain("output: 'standalone' in its next.config")
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual({file: 'apps/web/src/server/db.ts', kind: 'file', line: 5})
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it("one app: Next's with-docker Dockerfile (COPY .next/standalone ./, CMD node server.js): postgres.js max 5", () => {
    const dir = app({
      Dockerfile: [
        'FROM node:22-alpine AS builder',
        'WORKDIR /app',
        'COPY . .',
        'RUN npm ci && npm run build',
        'FROM node:22-alpine AS runner',
        'WORKDIR /app',
        'ENV NODE_ENV=production',
        'COPY --from=builder /app/public ./public',
        'COPY --from=builder /app/.next/standalone ./',
        'COPY --from=builder /app/.next/static ./.next/static',
        'CMD ["node", "server.js"]',
      ].join('\n'),
      'app/api/users/route.ts': ["import sql from '@/lib/db'", '', 'export async function GET() {', '  return Response.json(await sql`select id from users`)', '}'].join('\n'),
      'lib/db.ts': ["import postgres from 'postgres'", '', 'const sql = postgres(process.env.DATABASE_URL!, {max: 5})', 'export default sql'].join('\n'),
      'next.config.ts': ["import type {NextConfig} from 'next'", '', "const nextConfig: NextConfig = {output: 'standalone'}", 'export default nextConfig'].join('\n'),
      'package.json': JSON.stringify({dependencies: {next: '15.5.0', postgres: '^3.4.5', react: '19.1.0'}, scripts: {build: 'next build', start: 'next start'}}, null, 2),
      'public/robots.txt': 'User-agent: *\n',
      'tsconfig.json': JSON.stringify({compilerOptions: {paths: {'@/*': ['./*']}}}),
    })
    const r = planJson(join(dir, 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--root', dir])
    expect(r.type('web')).toMatchObject({connections: 5, processesPerDyno: 1, threadsPerProcess: 5})
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it("a dist/server.js the app's own tsc build writes from src/server.ts is that server, not Next's standalone one", () => {
    // A worker-like server compiled beside a standalone Next app: its source is read (pg Pool max 3), not the Next routes.
    const dir = app({
      'app/api/users/route.ts': ["import sql from '@/lib/db'", '', 'export async function GET() {', '  return Response.json(await sql`select id from users`)', '}'].join('\n'),
      'lib/db.ts': ["import postgres from 'postgres'", '', 'const sql = postgres(process.env.DATABASE_URL!, {max: 5})', 'export default sql'].join('\n'),
      'next.config.js': "module.exports = {output: 'standalone'}\n",
      Procfile: 'web: node dist/server.js\n',
      'package.json': JSON.stringify({dependencies: {next: '15.5.0', pg: '^8.13.0', postgres: '^3.4.5'}, scripts: {build: 'next build && tsc -p tsconfig.server.json'}}, null, 2),
      'src/server.ts': ["import {Pool} from 'pg'", '', 'const pool = new Pool({max: 3})', "setInterval(() => pool.query('select 1'), 1000)"].join('\n'),
      'tsconfig.server.json': JSON.stringify({compilerOptions: {outDir: 'dist', rootDir: 'src'}, include: ['src']}),
    })
    const r = planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.type('web').server).not.toBe('next')
    expect(r.type('web').sources['pool.pg src/server.ts:3'].value).toBe(3)
    // The Next routes are not read: lib/db.ts's pool is not one found in code (only the unreached dependency, assumed).
    expect(Object.keys(r.type('web').sources).filter((k) => k.includes('lib/db.ts'))).toEqual([])
  })

  it('a server.js missing from an app whose next.config does not ask for standalone output is not taken for it', () => {
    const dir = app({
      'app/api/users/route.ts': ["import sql from '@/lib/db'", '', 'export async function GET() {', '  return Response.json(await sql`select id from users`)', '}'].join('\n'),
      'lib/db.ts': ["import postgres from 'postgres'", '', 'const sql = postgres(process.env.DATABASE_URL!, {max: 5})', 'export default sql'].join('\n'),
      'next.config.js': 'module.exports = {reactStrictMode: true}\n',
      Procfile: 'web: node server.js\n',
      'package.json': JSON.stringify({dependencies: {next: '15.5.0', postgres: '^3.4.5'}, scripts: {build: 'next build'}}, null, 2),
    })
    const r = planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.type('web').server).not.toBe('next')
  })
})
