/**
 * A class that makes a pool in its constructor, named elsewhere only as a TypeScript type (`db?: Database`,
 * `Promise<Database>`, `implements`), in a comment or a multi-line import: the bluesky-social/atproto services/bsky shape,
 * where the web process's code names the data plane's `Database` in its context types but never constructs it. A type
 * is erased when the code is compiled, so it makes no pool; only a value use (`new Database(url)`, passing the class)
 * can. conncalc told them apart by the text of the line (usesOf in src/languages/node/unreached.ts); it now reads the
 * file's tree (valueReferenceLines in src/languages/node/js.ts). A file that also gives the class out as its default
 * (`export default Database`) made the search give up ('unsure': importers name a default as they like); now the files
 * importing that default (or the whole module) are looked for (defaultLoads), and only when one does is it unsure.
 * Before: every line naming the class counted as a use, so the class's pool (8) was counted beside the app's (3): 11.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const files = (context: string[], more: Record<string, string> = {}) => ({
  ...more,
  Procfile: 'web: node server.ts\n',
  'package.json': JSON.stringify({dependencies: {pg: '^8.16.0'}, name: 'api', private: true, type: 'module'}, null, 2),
  'server.ts': [
    "import http from 'node:http'",
    "import {pool} from './src/pool.ts'",
    "import {summary} from './src/context.ts'",
    '',
    "http.createServer(async (_req, res) => res.end(summary({}) + (await pool.query('select 1')).rowCount)).listen(process.env.PORT)",
    '',
  ].join('\n'),
  'src/context.ts': context.join('\n'),
  'src/db.ts': [
    "import pg from 'pg'",
    '',
    "export const SCHEMA = 'public'",
    '',
    'export class Database {',
    '  pool: pg.Pool',
    '  constructor(url: string) {',
    '    this.pool = new pg.Pool({connectionString: url, max: 8, options: `-c search_path=${SCHEMA}`})',
    '  }',
    '}',
    '',
  ].join('\n'),
  'src/pool.ts': ["import pg from 'pg'", '', 'export const pool = new pg.Pool({connectionString: process.env.DATABASE_URL, max: 3})', ''].join('\n'),
})

const typeOnly = [
  'import {',
  '  Database,',
  '  SCHEMA,',
  "} from './db.ts'",
  '',
  '// The data plane makes its own Database; this service only passes one along when it has it.',
  'export interface Context {',
  '  db?: Database',
  '  ready?: Promise<Database>',
  '}',
  '',
  'export class Holder implements Pick<Database, "pool"> {',
  '  pool = undefined as unknown as Database["pool"]',
  '}',
  '',
  "export const summary = (ctx: Context): string => (ctx.db ? `with a database (${SCHEMA})` : 'without')",
  '',
]

const plan = (context: string[], more: Record<string, string> = {}) => planJson(join(app(files(context, more)), 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
// src/db.ts giving the class out as its default export too (`export default Database` after the class).
const withDefault = (db: string) => `${db}export default Database\n`

describe('a pool-making class named only as a type', () => {
  it("is not counted: the app's own pool (3) alone", () => {
    const r = plan(typeOnly)
    // 1 process × pg Pool max 3 (src/pool.ts:3); Database's max 8 (src/db.ts:8) is never made.
    expect(r.type('web')).toMatchObject({connections: 3, poolPerProcess: 3})
    expect(r.type('web').databases).toEqual(['pg src/pool.ts:3'])
  })

  it('is counted when a line constructs it: 3 + 8', () => {
    const r = plan([...typeOnly, 'export const db = new Database(process.env.DATABASE_URL!)', ''])
    expect(r.type('web')).toMatchObject({connections: 11, poolPerProcess: 11})
  })

  it('is counted when the class is passed as a value (a factory given the class)', () => {
    const r = plan([...typeOnly, 'const make = (C: typeof Database) => new C(process.env.DATABASE_URL!)', 'export const db = make(Database)', ''])
    expect(r.type('web')).toMatchObject({connections: 11})
  })

  it('its file also exporting it as the default, which no file imports: still not counted', () => {
    const dir = app(files(typeOnly))
    const db = join(dir, 'src/db.ts')
    writeFileSync(db, withDefault(readFileSync(db, 'utf8')))
    const r = planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 3})
  })

  it('a file importing that default under a name of its own may make one: counted (3 + 8)', () => {
    const dir = app(files(typeOnly, {'src/jobs.ts': ["import Db from './db.ts'", '', 'export const db = new Db(process.env.DATABASE_URL!)', ''].join('\n')}))
    const db = join(dir, 'src/db.ts')
    writeFileSync(db, withDefault(readFileSync(db, 'utf8')))
    const r = planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 11})
  })
})

describe('a class of the same name in another workspace package', () => {
  // packages/api's Database (named only as a type there) and packages/pds's own Database, which pds makes.
  const monorepo = (apiDeps: Record<string, string>, pdsDeps: Record<string, string>) => {
    const api = files(typeOnly)
    const moved = Object.fromEntries(Object.entries(api).filter(([k]) => k !== 'Procfile' && k !== 'package.json').map(([k, v]) => [`packages/api/${k}`, v]))
    return {
      ...moved,
      Procfile: 'web: node packages/api/server.ts\n',
      'package.json': JSON.stringify({name: 'acme', private: true, workspaces: ['packages/*']}, null, 2),
      'packages/api/package.json': JSON.stringify({dependencies: {pg: '^8.16.0', ...apiDeps}, name: '@acme/api', private: true, type: 'module'}, null, 2),
      'packages/pds/package.json': JSON.stringify({dependencies: {pg: '^8.16.0', ...pdsDeps}, name: '@acme/pds', private: true, type: 'module'}, null, 2),
      'packages/pds/src/db.ts': ["import pg from 'pg'", '', 'export class Database {', '  pool = new pg.Pool({max: 2})', '}', ''].join('\n'),
      'packages/pds/src/index.ts': ["import {Database} from './db.ts'", '', 'export const db = new Database()', ''].join('\n'),
    }
  }
  const plan = (apiDeps: Record<string, string>, pdsDeps: Record<string, string>) => planJson(join(app(monorepo(apiDeps, pdsDeps)), 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])

  it("pds cannot load api's file (no dependency on @acme/api, no import out of its folder): its Database is its own; api's pool (3) alone", () => {
    expect(plan({'@acme/pds': 'workspace:*'}, {}).type('web')).toMatchObject({connections: 3})
  })

  it('pds depends on @acme/api, but the api process does not depend on pds: what pds makes is its own process\'s, said', () => {
    const r = plan({}, {'@acme/api': 'workspace:*'})
    expect(r.type('web')).toMatchObject({connections: 3})
    expect(r.diagnostics.find((d) => d.file === 'packages/api/src/db.ts')?.message).toMatch(/named outside its own body only in workspace packages this process does not load or depend on \(packages\/pds\/src\/db\.ts:3, packages\/pds\/src\/index\.ts:3\)/)
  })

  it('each depends on the other: pds may make api\'s class in this process, so it is counted (3 + 8)', () => {
    expect(plan({'@acme/pds': 'workspace:*'}, {'@acme/api': 'workspace:*'}).type('web')).toMatchObject({connections: 11})
  })
})

// The atproto bsky shape itself: the web process makes no pool of its own, and the only pool its code makes is the
// never-made class's. Nothing is left to count: 0, from the not-counted pool's line (was the "no pool found" fallback, 1*).
describe('a process whose only pool is one it never opens', () => {
  const server = ["import http from 'node:http'", "import {summary} from './src/context.ts'", '', 'http.createServer((_req, res) => res.end(summary({}))).listen(process.env.PORT)', ''].join('\n')
  // The fixture's files with server.ts replaced and no src/pool.ts (the app's own pool).
  const plan = (_context: string[], more: Record<string, string>) => {
    const all: Record<string, string> = {...files(typeOnly), ...more}
    delete all['src/pool.ts']
    return planJson(join(app(all), 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
  }

  it('the pool of a class nothing makes: 0, not 1 assumed', () => {
    const r = plan(typeOnly, {'server.ts': server})
    expect(r.type('web')).toMatchObject({connections: 0, threadsPerProcess: 0})
    expect(r.type('web').sources.threadsPerProcess.source).toMatchObject({file: 'src/db.ts', kind: 'file', line: 8})
    expect(JSON.stringify(r.type('web').sources)).toContain('every pool the code makes is made only by code this process does not run')
    expect(JSON.stringify(r.type('web').sources)).not.toContain('one connection per process assumed')
    expect(r.total).toBe(0)
  })

  it('a pool made by a function no code calls (its module loaded for another export): 0; once the server calls it, its 5', () => {
    const maker = ["import pg from 'pg'", '', "export const NAME = 'api'", '', 'export function makePool(url: string) {', '  return new pg.Pool({connectionString: url, max: 5})', '}', ''].join('\n')
    const own = (serverTs: string) => {
      const all: Record<string, string> = {'package.json': files(typeOnly)['package.json'], Procfile: 'web: node server.ts\n', 'server.ts': serverTs, 'src/make.ts': maker}
      return planJson(join(app(all), 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])
    }
    const r = own(["import http from 'node:http'", "import {NAME} from './src/make.ts'", '', 'http.createServer((_req, res) => res.end(NAME)).listen(process.env.PORT)', ''].join('\n'))
    expect(r.type('web')).toMatchObject({connections: 0, threadsPerProcess: 0})
    expect(r.type('web').sources.threadsPerProcess.source).toMatchObject({file: 'src/make.ts', kind: 'file', line: 6})
    const called = ["import http from 'node:http'", "import {makePool} from './src/make.ts'", '', 'const pool = makePool(process.env.DATABASE_URL!)', "http.createServer(async (_req, res) => res.end(String((await pool.query('select 1')).rowCount))).listen(process.env.PORT)", ''].join('\n')
    expect(own(called).type('web')).toMatchObject({connections: 5})
  })
})
