import {spawnSync} from 'node:child_process'
import {chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {ROOT, runCliInProcess, runJson} from '../helpers/cli.js'

// A config file that is there but cannot be read (NUL bytes, UTF-16 without a byte-order mark, larger than 1 MiB, no
// read permission, a folder where the file goes) may set anything a readable one would: each value it could set is
// an assumption (`*`) naming the file and why, as for a file conncalc cannot parse; never a plain default as for a
// missing file. Every app here is made up; the damaged files are written at run time.

const temps: string[] = []
afterAll(() => {
  for (const t of temps) rmSync(t, {force: true, recursive: true})
})

function app(files: Record<string, Buffer | string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'conncalc-unreadable-'))
  temps.push(dir)
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), {recursive: true})
    writeFileSync(join(dir, name), text)
  }

  return dir
}

const NUL = Buffer.from('workers 3\n\0\u0001\u0002\n')
const utf16NoBom = (text: string): Buffer => Buffer.from(text, 'utf16le')
const large = (text: string): string => `${text}${'#'.repeat(1024 * 1024)}\n`

// Puma 6.4.2, Sidekiq 7.2.1, ActiveRecord 7.1.3. Read, the files give web 3 workers × 4 threads with pool 12
// (3 × min(12, 4) = 12) and worker 8 threads with pool 12 (min(12, 8) = 8): 20.
const RAILS: Record<string, string> = {
  'Gemfile': 'source "https://rubygems.org"\ngem "rails", "~> 7.1"\ngem "pg"\ngem "puma"\ngem "sidekiq"\n',
  'Gemfile.lock': [
    'GEM',
    '  remote: https://rubygems.org/',
    '  specs:',
    '    activerecord (7.1.3)',
    '    pg (1.5.4)',
    '    puma (6.4.2)',
    '    rails (7.1.3)',
    '      activerecord (= 7.1.3)',
    '    sidekiq (7.2.1)',
    '',
    'PLATFORMS',
    '  ruby',
    '',
    'DEPENDENCIES',
    '  pg',
    '  puma',
    '  rails (~> 7.1)',
    '  sidekiq',
    '',
  ].join('\n'),
  'Procfile': 'web: bundle exec puma -C config/puma.rb\nworker: bundle exec sidekiq -C config/sidekiq.yml\n',
  'config/database.yml': 'production:\n  adapter: postgresql\n  url: <%= ENV["DATABASE_URL"] %>\n  pool: 12\n',
  'config/puma.rb': 'workers 3\nthreads 4, 4\npreload_app!\n',
  'config/sidekiq.yml': ':concurrency: 8\n',
}

interface Value {
  value: number
  via?: {kind: string; why?: string}[]
}
interface Type {
  connections: number
  name: string
  sources: Record<string, Value>
}
interface Report {
  processTypes: Type[]
  total: number
}

const plan = (dir: string): Report => runJson<Report>(['plan', '--plan', 'standard-0'], {cwd: dir}).json
const type = (r: Report, name: string): Type => r.processTypes.find((t) => t.name === name)!
/** The value and the assumptions behind it ("" when none): what `--explain` says after the `*`. */
const said = (t: Type, key: string): [number, string[]] => [t.sources[key].value, (t.sources[key].via ?? []).filter((s) => s.kind === 'assumed').map((s) => s.why!)]
const unread = (file: string, why: string, value: number): string => `${file} (${why}) is there but cannot be read, and may set this; ${value} used instead`

describe('a Rails app with a config file that cannot be read', () => {
  it('all readable: the numbers the files set (web 12, worker 8)', () => {
    const r = plan(app(RAILS))
    expect(said(type(r, 'web'), 'processesPerDyno')).toEqual([3, []])
    expect(said(type(r, 'worker'), 'threadsPerProcess')).toEqual([8, []])
    expect(r.total).toBe(20)
  })

  it('config/puma.rb with NUL bytes: web 1 process × 5 threads, both assumed; the worker is untouched', () => {
    const dir = app({...RAILS, 'config/puma.rb': NUL})
    const r = plan(dir)
    // Puma 6 without a config: single mode (1 process), 5 threads on MRI; pool 12 stays database.yml's.
    const why = 'not a text file: it holds NUL bytes'
    expect(said(type(r, 'web'), 'processesPerDyno')).toEqual([1, [unread('config/puma.rb', why, 1)]])
    expect(said(type(r, 'web'), 'threadsPerProcess')).toEqual([5, [unread('config/puma.rb', why, 5)]])
    expect(said(type(r, 'web'), 'pool.primary')).toEqual([12, []])
    // Sidekiq's one process per command is how it runs, not a setting: not starred for another file.
    expect(said(type(r, 'worker'), 'processesPerDyno')).toEqual([1, []])
    expect(said(type(r, 'worker'), 'threadsPerProcess')).toEqual([8, []])
    // web 1 × min(12, 5) = 5, worker 8: 13.
    expect(r.total).toBe(13)
    const table = runCliInProcess(['plan', '--plan', 'standard-0', '--explain'], {cwd: dir})
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/^web +puma +1\* +1\* +5\* +12 /m)
    expect(table.stdout).toContain(`assumption: ${unread('config/puma.rb', why, 5)}`)
    expect(table.stdout).toContain('config/puma.rb: warning: config/puma.rb cannot be read (not a text file: it holds NUL bytes); the values it may set are assumptions (*), not defaults [unparsable-config]')
  })

  it('config/database.yml in UTF-16 without a byte-order mark: every type\'s pool is ActiveRecord\'s 5, assumed, as for invalid YAML', () => {
    const why = 'UTF-16 without a byte-order mark; save it as UTF-8'
    const r = plan(app({...RAILS, 'config/database.yml': utf16NoBom(RAILS['config/database.yml'])}))
    expect(said(type(r, 'web'), 'pool.primary')).toEqual([5, [unread('config/database.yml', why, 5)]])
    expect(said(type(r, 'worker'), 'pool.primary')).toEqual([5, [unread('config/database.yml', why, 5)]])
    expect(said(type(r, 'web'), 'threadsPerProcess')).toEqual([4, []])
    // web 3 × min(5, 4) = 12, worker min(5, 8) = 5: 17; the same numbers, starred, as a database.yml that is not valid YAML.
    expect(r.total).toBe(17)
    const invalid = plan(app({...RAILS, 'config/database.yml': 'production:\n  pool: [12\n'}))
    expect(invalid.total).toBe(17)
    expect(said(type(invalid, 'web'), 'pool.primary')[1]).toHaveLength(1)
  })

  it('config/database.yml as a folder: the pool is assumed, "a directory"', () => {
    const dir = app(RAILS)
    rmSync(join(dir, 'config/database.yml'))
    mkdirSync(join(dir, 'config/database.yml'))
    const r = plan(dir)
    expect(said(type(r, 'worker'), 'pool.primary')).toEqual([5, [unread('config/database.yml', 'a directory', 5)]])
    expect(r.total).toBe(17)
  })

  it('config/sidekiq.yml larger than 1 MiB: Sidekiq 7\'s concurrency 5, assumed', () => {
    const r = plan(app({...RAILS, 'config/sidekiq.yml': large(RAILS['config/sidekiq.yml'])}))
    expect(said(type(r, 'worker'), 'threadsPerProcess')).toEqual([5, [unread('config/sidekiq.yml', 'larger than 1 MiB', 5)]])
    expect(said(type(r, 'web'), 'threadsPerProcess')).toEqual([4, []])
    // web 12, worker min(12, 5) = 5: 17.
    expect(r.total).toBe(17)
  })

  it('a config file that parses not at all is read the same way: invalid Ruby in config/puma.rb, invalid YAML in config/sidekiq.yml', () => {
    const r = plan(app({...RAILS, 'config/puma.rb': 'workers ENV.fetch("WEB_CONCURRENCY") {\n', 'config/sidekiq.yml': ':concurrency: [8\n'}))
    const [processes, [processesWhy]] = said(type(r, 'web'), 'processesPerDyno')
    expect(processes).toBe(1)
    expect(processesWhy).toMatch(/^config\/puma\.rb \(not valid Ruby \(.+\)\) is there but cannot be read, and may set this; 1 used instead$/)
    expect(said(type(r, 'web'), 'threadsPerProcess')[1]).toHaveLength(1)
    const [threads, [threadsWhy]] = said(type(r, 'worker'), 'threadsPerProcess')
    expect(threads).toBe(5)
    expect(threadsWhy).toMatch(/^config\/sidekiq\.yml \(not valid YAML \(.+\)\) is there but cannot be read, and may set this; 5 used instead$/)
    // web 1 × min(12, 5) = 5, worker min(12, 5) = 5: 10.
    expect(r.total).toBe(10)
  })

  it('app.json with NUL bytes: its env may set any type\'s numbers, so their defaults are assumed', () => {
    const r = plan(app({...RAILS, 'app.json': Buffer.from('{"env": {"WEB_CONCURRENCY": "4"}}\0'), 'config/puma.rb': 'preload_app!\n'}))
    const why = 'not a text file: it holds NUL bytes'
    expect(said(type(r, 'web'), 'processesPerDyno')).toEqual([1, [unread('app.json', why, 1)]])
    expect(said(type(r, 'web'), 'threadsPerProcess')).toEqual([5, [unread('app.json', why, 5)]])
  })
})

describe('other languages', () => {
  // gunicorn 21 on a standard-1x: WEB_CONCURRENCY 2 from the Python buildpack, which gunicorn.conf.py would override.
  const django = {
    'Procfile': 'web: gunicorn shop.wsgi -c gunicorn.conf.py\n',
    'gunicorn.conf.py': 'workers = 3\nthreads = 2\n',
    'manage.py': 'import os, sys\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\nfrom django.core.management import execute_from_command_line\nexecute_from_command_line(sys.argv)\n',
    'requirements.txt': 'Django==4.2.7\ngunicorn==21.2.0\npsycopg2-binary==2.9.9\ndj-database-url==2.1.0\n',
    'shop/__init__.py': '',
    'shop/settings.py': 'import dj_database_url\nDATABASES = {"default": dj_database_url.config(conn_max_age=600)}\n',
    'shop/wsgi.py': 'import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\napplication = get_wsgi_application()\n',
  }

  it('gunicorn.conf.py with NUL bytes: the buildpack\'s WEB_CONCURRENCY and gunicorn\'s 1 thread, both assumed', () => {
    const args = ['plan', '--plan', 'standard-0', '--scale', 'web=1:standard-1x']
    expect(runJson<Report>(args, {cwd: app(django)}).json.total).toBe(6) // 3 workers × 2 threads
    const r = runJson<Report>(args, {cwd: app({...django, 'gunicorn.conf.py': Buffer.from('workers = 3\0')})}).json
    const why = 'not a text file: it holds NUL bytes'
    expect(said(type(r, 'web'), 'processesPerDyno')).toEqual([2, [unread('gunicorn.conf.py', why, 2)]])
    expect(said(type(r, 'web'), 'threadsPerProcess')).toEqual([1, [unread('gunicorn.conf.py', why, 1)]])
    expect(r.total).toBe(2)
  })

  // knex 3 with its pool in knexfile.js: max 7 read; unreadable, knex's default max 10, assumed.
  const knex = {
    'Procfile': 'web: node src/index.js\n',
    'knexfile.js': "module.exports = {\n  production: {client: 'pg', connection: process.env.DATABASE_URL, pool: {min: 0, max: 7}},\n}\n",
    'package.json': '{"name": "shop", "version": "1.0.0", "dependencies": {"express": "4.18.2", "knex": "3.1.0", "pg": "8.11.3"}}\n',
    'src/db.js': "const knex = require('knex')\nconst config = require('../knexfile')\nmodule.exports = knex(config[process.env.NODE_ENV || 'production'])\n",
    'src/index.js': "const express = require('express')\nconst db = require('./db')\nconst app = express()\napp.get('/', async (req, res) => res.json(await db('items').select()))\napp.listen(process.env.PORT)\n",
  }

  it('knexfile.js larger than 1 MiB: the pool is knex\'s default 10, assumed', () => {
    expect(plan(app(knex)).total).toBe(7)
    const r = plan(app({...knex, 'knexfile.js': large(knex['knexfile.js'])}))
    const [pool, why] = said(type(r, 'web'), Object.keys(type(r, 'web').sources).find((k) => k.startsWith('pool.'))!)
    expect(pool).toBe(10)
    expect(why.length).toBeGreaterThan(0)
    expect(said(type(r, 'web'), 'processesPerDyno')).toEqual([1, [unread('knexfile.js', 'larger than 1 MiB', 1)]])
    expect(r.total).toBe(10)
  })
})

describe('code files a whole-app search by text reads', () => {
  // A search of every code file of the app (who calls a function, who imports a package) is not a read of the app's
  // config: a file there that holds NUL bytes is searched as its bytes decode (a script may hold one in a string), and
  // adds no unparsable-config warning and no star. postgres.js 3: the server's pool is its default max 10
  // (https://github.com/porsager/postgres#connection-details); src/db/migrate.js's helper makes a client of max 1 in a
  // function the server imports but never calls: not counted when no code calls it (10), counted and starred when a
  // file this process does not load and no script runs calls it (pools.ts): 10 + 1 = 11.
  const pg = {
    'Procfile': 'web: node src/server.js\n',
    'package.json': '{"name": "shop", "type": "module", "dependencies": {"postgres": "3.4.7"}}\n',
    'src/db/migrate.js': 'import postgres from "postgres"\n\nexport async function migrateAll(url) {\n  const once = postgres(url, {max: 1})\n  await once`select 1`\n}\n',
    'src/server.js': 'import postgres from "postgres"\nimport {migrateAll} from "./db/migrate.js"\nexport const db = postgres(process.env.DATABASE_URL)\nexport {migrateAll}\n',
  }
  const explain = (dir: string): {json: Report & {diagnostics: {code: string; file?: string}[]}} =>
    runJson<Report & {diagnostics: {code: string; file?: string}[]}>(['plan', '--plan', 'standard-0', '--scale', 'web=1:standard-1x'], {cwd: dir})
  const helper = (r: Report): [number, string[]] => said(type(r, 'web'), Object.keys(type(r, 'web').sources).find((k) => k.startsWith('pool.') && k.includes('migrate.js'))!)

  it('no other file calls the helper: 10, the helper\'s pool not counted (it opens no connection)', () => {
    const r = explain(app(pg)).json
    expect(r.total).toBe(10)
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'src/db/migrate.js', line: 4}))
  })

  it('a script with NUL bytes calls it: searched, named as where it is called; no warning, processes per dyno not starred', () => {
    const script = Buffer.concat([Buffer.from('import {migrateAll} from "../src/db/migrate.js"\nconst sep = "'), Buffer.from([0]), Buffer.from('"\nawait migrateAll(process.env.DATABASE_URL)\n')])
    const r = explain(app({...pg, 'scripts/migrate.mjs': script})).json
    expect(r.total).toBe(11)
    expect(helper(r)[1].join(' ')).toContain('it is called at scripts/migrate.mjs:3, which this process does not load')
    expect(r.diagnostics.filter((d) => d.code === 'unparsable-config')).toEqual([])
    expect(said(type(r, 'web'), 'processesPerDyno')).toEqual([1, []])
  })

  it('a code file larger than 1 MiB: the search cannot tell whether it calls the helper, so the helper is counted unstarred, and no warning', () => {
    const r = explain(app({...pg, 'src/generated.js': large('export const table = []\n')})).json
    expect(r.total).toBe(11)
    expect(helper(r)).toEqual([1, []])
    expect(r.diagnostics.filter((d) => d.code === 'unparsable-config')).toEqual([])
  })
})

describe('no read permission', () => {
  // chmod 000 stops a reader that is not root; as root (CI containers) the runs go as nobody instead, so the
  // permission is checked whoever runs the tests.
  const asRoot = process.getuid?.() === 0
  const run = (dir: string, args: string[]): {code: null | number; stderr: string; stdout: string} => {
    const r = spawnSync(process.execPath, ['--', `${ROOT}bin/run.js`, ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: {COLUMNS: '100', CONNCALC_PARSE_CACHE: '0', HOME: dir, NO_COLOR: '1', PATH: process.env.PATH ?? ''},
      timeout: 60_000,
      ...(asRoot ? {gid: 65_534, uid: 65_534} : {}),
    })
    return {code: r.status, stderr: r.stderr, stdout: r.stdout}
  }

  const locked = (files: Record<string, string>, path: string): string => {
    const dir = app(files)
    // The folders readable by anyone (mkdtemp makes its folder 0700), the one file by no one.
    chmodSync(dir, 0o755)
    for (const d of ['config']) chmodSync(join(dir, d), 0o755)
    for (const f of Object.keys(files)) chmodSync(join(dir, f), 0o644)
    chmodSync(join(dir, path), 0o000)
    return dir
  }

  it('config/puma.rb: web\'s numbers assumed, "permission denied"', () => {
    const r = run(locked(RAILS, 'config/puma.rb'), ['plan', '--plan', 'standard-0', '--explain'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^web +puma +1\* +1\* +5\* +12 /m)
    expect(r.stdout).toContain(`assumption: ${unread('config/puma.rb', 'permission denied (EACCES)', 5)}`)
    expect(r.stdout).toContain('total 13 of 120')
  })

  it('the Procfile: exit 2, one line', () => {
    const r = run(locked(RAILS, 'Procfile'), ['plan', '--plan', 'standard-0'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^conncalc: cannot read the Procfile \S+\/Procfile \(permission denied \(EACCES\)\)\n {2}hint: /)
    expect(r.stdout).toBe('')
  })

  it('a folder that may not be entered: said once, naming it and the file looked for, not only "not in the app"', () => {
    const dir = app({'Procfile': 'web: gunicorn proj.wsgi --workers 3\n', 'proj/__init__.py': '', 'proj/wsgi.py': 'application = None\n', 'requirements.txt': 'gunicorn\n'})
    chmodSync(dir, 0o755)
    for (const f of ['Procfile', 'requirements.txt']) chmodSync(join(dir, f), 0o644)
    chmodSync(join(dir, 'proj'), 0o000)
    const r = run(dir, ['plan', '--limit', '100', '--json'])
    expect(r.code).toBe(0)
    const json = JSON.parse(r.stdout) as {diagnostics: {code: string; file?: string; message: string}[]; total: number}
    // gunicorn --workers 3: 3 sync workers, one connection each, whatever proj holds.
    expect(json.total).toBe(3)
    const shut = json.diagnostics.filter((d) => d.message.includes('cannot be read (permission denied'))
    expect(shut).toEqual([
      {
        code: 'unparsable-config',
        file: 'proj',
        message: 'the folder proj cannot be read (permission denied (EACCES)): the files conncalc looks for in it (proj/wsgi.py) count as missing, and what they may set as not set',
        severity: 'warning',
      },
    ])
  })

  it('conncalc.yml: exit 2, one line', () => {
    const r = run(locked({...RAILS, 'conncalc.yml': 'plan: standard-0\n'}, 'conncalc.yml'), ['plan'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('conncalc: cannot read config file conncalc.yml (permission denied (EACCES))\n')
  })
})
