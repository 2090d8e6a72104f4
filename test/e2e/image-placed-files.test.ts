/**
 * A Dockerfile that puts a repository file at another path of the app (`COPY config/database.docker.yml
 * /app/config/database.yml`, rubygems.org's `COPY --link config/database.yml.sample /app/config/database.yml`,
 * TracksApp/tracks; `RUN cp config/database.yml.sample config/database.yml`, internetee/registry's Dockerfile.staging):
 * the container's Rails reads that file as its config/database.yml. conncalc read the repository's own
 * config/database.yml (silently: the developers' pool) or, with none, assumed the default pool from the template (5*).
 * A multi-stage build carries the build stage's placement through `COPY --from=build /app /app`.
 *
 * Fixture rails-image-placed-database-yml: config/puma.rb 8 threads, single mode (Puma 6.5: workers 0); the repository's
 * config/database.yml has pool 3, config/database.docker.yml (what the image holds) pool 12: min(12, 8) = 8 (was 3).
 */
import {join} from 'node:path'
import {readFileSync, rmSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const name = 'rails-image-placed-database-yml'
const {app} = tempApps(name)
const workspace = tempApps('node-pnpm-workspace')
const dockerfile = readFileSync(join(fixture(name), 'Dockerfile'), 'utf8')
const repoYml = readFileSync(join(fixture(name), 'config/database.yml'), 'utf8')
const dockerYml = readFileSync(join(fixture(name), 'config/database.docker.yml'), 'utf8')
const plan = (dir: string) => planJson(join(dir, 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1'])

describe('files a Dockerfile puts at another path of the app', () => {
  it('COPY config/database.docker.yml /app/config/database.yml in the build stage, copied on: its pool 12, 8 connections (was 3)', () => {
    const r = plan(fixture(name))
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connections: 8, server: 'puma', threadsPerProcess: 8})
    expect((r.type('web').sources['pool.primary'] as {source: {file?: string}; value: number})).toMatchObject({source: {file: 'config/database.docker.yml'}, value: 12})
    expect(r.diagnostics.find((d) => d.code === 'missing-config' && d.message.includes('puts config/database.docker.yml at config/database.yml'))).toMatchObject({file: 'Dockerfile', line: 7})
  })

  /** An app with no config/database.yml whose image copies config/database.yml.sample (`sample`) into its place. */
  const sampleCopied = (sample: string): string => {
    const dir = app({
      Dockerfile: 'FROM ruby:3.3-slim\nWORKDIR /srv/app\nCOPY . .\nRUN cp config/database.yml.sample config/database.yml && bundle install\nCMD bundle exec puma -C config/puma.rb\n',
      'config/database.yml.sample': sample,
    })
    rmSync(join(dir, 'config/database.yml'))
    return dir
  }

  it('RUN cp config/database.yml.sample config/database.yml with no database.yml in the repository: the sample, not the template assumption (was 5*)', () => {
    const r = plan(sampleCopied(dockerYml))
    expect(r.type('web')).toMatchObject({connections: 8})
    expect(r.total).toBe(8)
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it("a diagnostic about the placed file cites the file it came from, at that file's line (was config/database.yml:6)", () => {
    const sample = 'production:\n  primary:\n    adapter: postgresql\n    url: <%= ENV["DATABASE_URL"] %>\n    pool: 12\n  analytics:\n    adapter: postgresql\n    database: app_analytics\n'
    const r = plan(sampleCopied(sample))
    expect(r.type('web')).toMatchObject({connections: 8})
    // The `analytics` entry (no url or host) is on line 6 of the sample; the repository has no config/database.yml.
    expect(r.diagnostics.filter((d) => d.code === 'database-url-missing').map((d) => `${d.file}:${d.line}`)).toEqual(['config/database.yml.sample:6'])
  })

  it('cp -n leaves a database.yml the repository has; a later COPY of the file to its own path puts it back: pool 3, 3 connections', () => {
    const cpNoClobber = app({Dockerfile: 'FROM ruby:3.3-slim\nWORKDIR /app\nCOPY . .\nRUN cp -n config/database.docker.yml config/database.yml\nCMD bundle exec puma -C config/puma.rb\n'})
    expect(plan(cpNoClobber).type('web').connections).toBe(3)
    const putBack = app({Dockerfile: dockerfile.replace('RUN bundle exec rails assets:precompile', 'COPY config/database.yml /app/config/database.yml')})
    expect(plan(putBack).type('web').connections).toBe(3)
    expect(repoYml).toContain('pool: 3')
  })

  it('a folder copied on whose pieces an earlier stage copied under their own paths is not a second map of the image (node-pnpm-workspace: Sequelize max 7, was 5*)', () => {
    // cjkootch/vex's shape: the deps stage copies each package.json to its own path, the build stage the folders, and the
    // runtime image the service's package.json and build output into /app with the tools folder beside them. /app is
    // services/api (its build/index.js from src/index.ts: pool max 7); tools/cli/package.json at /app/tools/cli is the
    // repository's file at its own place below tools/, not a file placed elsewhere.
    const dir = workspace.app({
      Dockerfile: [
        'FROM node:20-slim AS deps', 'WORKDIR /repo', 'COPY package.json pnpm-workspace.yaml ./', 'COPY services/api/package.json services/api/',
        'COPY tools/cli/package.json tools/cli/', 'RUN corepack enable && pnpm install --frozen-lockfile', 'FROM deps AS build', 'COPY services ./services',
        'COPY tools ./tools', 'RUN pnpm --filter api-server run build', 'FROM node:20-slim', 'WORKDIR /app', 'COPY --from=build /repo/services/api/package.json ./',
        'COPY --from=build /repo/services/api/build ./build', 'COPY --from=build /repo/tools ./tools', 'CMD ["node", "build/index.js"]', '',
      ].join('\n'),
    })
    const r = planJson(join(dir, 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 7, threadsPerProcess: 7})
    expect(r.total).toBe(7)
  })
})
