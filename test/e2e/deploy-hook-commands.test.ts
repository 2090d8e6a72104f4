/**
 * What a deploy hook's command holds while it runs, when no analyzer reads its program (procfile/hook-commands.ts,
 * release.ts). Made-up apps: a Node web `node server.js` with a pg Pool of max 5 (5 per dyno, 1 dyno), and a
 * Django web (gunicorn, 2 workers × 1 thread: 2).
 * - Commands that only touch files hold none: `echo`, `mkdir` (shell builtin, coreutils), Django's collectstatic
 *   (collectstatic.py runs only the staticfiles checks and copies files), `npm run build` whose script is `tsc &&
 *   vite build`, `npm ci` with no install script of the app's own, `npx prisma generate`: 0, deploy peak = the
 *   formation's 5 (Django: 2).
 * - Migration CLIs hold 1, sourced from the tool: node-pg-migrate (src/db.ts one `new pg.Client`), db-migrate
 *   (db-migrate-pg connect() one pg.Client), typeorm migration:run (one query runner), graphile-migrate
 *   (pgReal.ts withClient: one client), mikro-orm migration:up (migrations in turn): peak 5 + 1 = 6.
 * - A command conncalc knows nothing of (`bin/sync-search` not in the app): 1, starred.
 * - A framework CLI (`python manage.py migrate`) stays the release default's 1, unstarred; with collectstatic after
 *   it the hook holds the larger, 1.
 */
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const node = (release: string, scripts: Record<string, string> = {}): string =>
  app({
    'Procfile': `web: node server.js\nrelease: ${release}\n`,
    'package.json': `${JSON.stringify({dependencies: {pg: '8.11.3'}, name: 'made-up', scripts}, null, 2)}\n`,
    'server.js': "const {Pool} = require('pg')\nconst pool = new Pool({connectionString: process.env.DATABASE_URL, max: 5})\nrequire('http').createServer(async (req, res) => res.end(String((await pool.query('select 1')).rowCount))).listen(process.env.PORT)\n",
  })

const django = (release: string): string =>
  app({
    'Procfile': `web: gunicorn shop.wsgi -w 2\nrelease: ${release}\n`,
    'manage.py': 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\n',
    'requirements.txt': 'Django==5.1.2\ngunicorn==23.0.0\npsycopg[binary]==3.2.3\n',
    'shop/__init__.py': '',
    'shop/settings.py': 'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "shop"}}\nSTATIC_ROOT = "staticfiles"\n',
    'shop/wsgi.py': 'import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\napplication = get_wsgi_application()\n',
  })

const plan = (dir: string) => planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
const starred = (v: unknown): boolean => JSON.stringify(v).includes('"kind":"assumed"')

describe('a deploy hook command that opens no connection', () => {
  it.each([
    ['echo "deploying" && mkdir -p tmp/cache', {}, 'file utility'],
    ['npm run build', {build: 'tsc -p . && vite build'}, 'builds files'],
    ['npm ci && npx prisma generate', {}, 'prisma generate'],
  ])('`%s` holds 0: the deploy peak is the formation’s 5', (release, scripts, what) => {
    const r = plan(node(release, scripts))
    expect(r.type('web').connectionsPerDyno).toBe(5)
    expect(r.type('release').connectionsPerDyno).toBe(0)
    expect(JSON.stringify(r.type('release').sources.threadsPerProcess)).toContain(what)
    expect(starred(r.type('release').sources.threadsPerProcess)).toBe(false)
    expect(r.total).toBe(5)
    expect(r.deployPeak).toBe(5)
  })

  it('`npm ci` with an install script of the app’s own is not known to hold none: 1, starred', () => {
    const r = plan(node('npm ci', {postinstall: 'node scripts/setup.js'}))
    expect(r.type('release').connectionsPerDyno).toBe(1)
    expect(starred(r.type('release').sources.threadsPerProcess)).toBe(true)
    expect(r.deployPeak).toBe(6)
  })

  it('Django collectstatic holds 0; after migrate the hook holds migrate’s 1', () => {
    const alone = plan(django('python manage.py collectstatic --noinput'))
    expect(alone.type('web').connectionsPerDyno).toBe(2)
    expect(alone.type('release').connectionsPerDyno).toBe(0)
    expect(alone.type('release').sources.threadsPerProcess.source).toMatchObject({ref: expect.stringContaining('collectstatic.py')})
    expect(alone.deployPeak).toBe(2)
    const both = plan(django('python manage.py migrate && python manage.py collectstatic --noinput'))
    expect(both.type('release').connectionsPerDyno).toBe(1)
    expect(both.deployPeak).toBe(3)
  })
})

describe('a migration CLI in a deploy hook holds its one connection, from the tool’s source', () => {
  it.each([
    ['npx node-pg-migrate up', {}, 'salsita/node-pg-migrate'],
    ['npx db-migrate up', {}, 'db-migrate/pg'],
    ['npm run migrate', {migrate: 'typeorm migration:run -d dist/data-source.js'}, 'typeorm/typeorm'],
    ['node ./node_modules/typeorm/cli.js migration:run -d dist/data-source.js', {}, 'typeorm/typeorm'],
    ['yarn gm migrate', {gm: 'graphile-migrate'}, 'graphile/migrate'],
    ['npx mikro-orm migration:up', {}, 'mikro-orm'],
    // The Rust buildpack's RUST_INSTALL_DIESEL puts diesel_cli at target/release/diesel; sqlx-cli's `sqlx migrate run`.
    ['./target/release/diesel migration run', {}, 'diesel-rs/diesel'],
    ['sqlx migrate run', {}, 'launchbadge/sqlx'],
  ])('`%s`: 1, peak 6', (release, scripts, ref) => {
    const r = plan(node(release, scripts))
    expect(r.type('release').connectionsPerDyno).toBe(1)
    expect(r.type('release').sources.threadsPerProcess.source).toMatchObject({kind: 'default', ref: expect.stringContaining(ref)})
    expect(r.deployPeak).toBe(6)
  })
})

describe('a deploy hook command conncalc does not know', () => {
  it('is one connection, starred and said', () => {
    const r = plan(node('bin/sync-search --all'))
    expect(r.type('release').connectionsPerDyno).toBe(1)
    expect(r.type('release').sources.threadsPerProcess.source).toMatchObject({kind: 'assumed', why: expect.stringContaining('does not know what `bin/sync-search --all` opens')})
    expect(r.deployPeak).toBe(6)
  })

  it('a framework CLI keeps the release default, unstarred', () => {
    const r = plan(django('python manage.py migrate'))
    expect(r.type('release').connectionsPerDyno).toBe(1)
    expect(starred(r.type('release').sources.threadsPerProcess)).toBe(false)
  })
})

describe('a deploy hook whose commands include the app’s own program: the largest of them, in turn', () => {
  // The own program is analysed as the program it is (scripts/report.js imports only Node built-ins: 0; scripts/warm.js
  // makes a pg Pool of max 3 and queries it: 3); the migration CLI holds its 1 (node-pg-migrate, src/db.ts).
  const withScripts = (release: string): string =>
    app({
      'Procfile': `web: node server.js\nrelease: ${release}\n`,
      'package.json': `${JSON.stringify({dependencies: {'node-pg-migrate': '7.0.0', 'pg': '8.11.3'}, name: 'made-up', scripts: {migrate: 'node-pg-migrate up', report: 'node scripts/report.js'}}, null, 2)}\n`,
      'scripts/report.js': "const fs = require('node:fs')\nfs.writeFileSync('tmp-report.txt', 'deployed')\n",
      'scripts/warm.js': "const {Pool} = require('pg')\nconst pool = new Pool({max: 3})\nPromise.all([1, 2, 3].map(() => pool.query('select 1'))).then(() => pool.end())\n",
      'server.js': "const {Pool} = require('pg')\nconst pool = new Pool({connectionString: process.env.DATABASE_URL, max: 5})\nrequire('http').createServer(async (req, res) => res.end(String((await pool.query('select 1')).rowCount))).listen(process.env.PORT)\n",
    })

  it.each([
    ['npm run migrate && npm run report', 1, 6],
    ['node scripts/report.js && npx node-pg-migrate up', 1, 6],
    ['npx node-pg-migrate up && node scripts/warm.js', 3, 8],
  ])('`%s` holds %i: deploy peak %i', (release, held, peak) => {
    const r = plan(withScripts(release))
    expect(r.type('web').connectionsPerDyno).toBe(5)
    expect(r.type('release').connectionsPerDyno).toBe(held)
    expect(JSON.stringify(r.type('release').sources)).toContain('one after another')
    expect(r.deployPeak).toBe(peak)
  })
})
