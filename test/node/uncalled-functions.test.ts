/**
 * A pool made in the body of a named function that no code of this process calls.
 *
 * A shared package exports a migration helper (`export async function migrateAll(url) { const sql = postgres(url,
 * {max: 1}); … }`) through its index (`export {migrateAll} from './migrate.js'`); the server imports the package for its
 * query pool and never calls the helper. When no code of the app calls it (tests aside), and its name is not one a
 * framework calls itself (a route's GET, a Lambda handler), its client never opens: not counted (was 1*, 11 where the
 * process opens 10). When only programs of their own call it (a file a package.json script runs, or one with a #! line),
 * which this process does not load, the client is theirs: not counted. A framework-called name, or a caller that is
 * neither loaded nor a program (a module something may load), keeps it counted, starred. A helper that is called, with
 * arguments conncalc reads or not, is counted as before, unstarred. postgres.js's default max is 10
 * (https://github.com/porsager/postgres#connection-details).
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = JSON.stringify({dependencies: {postgres: '^3.4.7'}, type: 'module'}, null, 2)
const migrate = [
  'import postgres from "postgres"',
  '',
  'export async function migrateAll(url) {',
  '  const once = postgres(url, {max: 1})',
  '  await once`select 1`',
  '  await once.end()',
  '}',
].join('\n')
const client = 'import postgres from "postgres"\nexport function makeDb(url) {\n  return postgres(url)\n}\n'
const index = 'export {makeDb} from "./client.js"\nexport {migrateAll} from "./migrate.js"\n'
const run = (server: string) =>
  analyzeWith(node, 'node src/server.js', {'package.json': pkg, 'src/db/client.js': client, 'src/db/index.js': index, 'src/db/migrate.js': migrate, 'src/server.js': server}, {}, 'standard-1x')
const starred = (p: {pool: {source: {kind: string}; via?: {kind: string}[]}}): boolean => [p.pool.source, ...(p.pool.via ?? [])].some((s) => s.kind === 'assumed')

describe('a pool in a function no code calls', () => {
  it('only re-exported: the query pool 10; the helper\'s 1 not counted, said naming migrateAll()', async () => {
    const found = await run('import {makeDb} from "./db/index.js"\nexport const db = makeDb(process.env.DATABASE_URL)\n')
    expect(found.pools?.map((p) => [p.pool.value, starred(p)])).toEqual([[10, false]])
    expect(found.diagnostics).toContainEqual(expect.objectContaining({file: 'src/db/migrate.js', line: 4, message: expect.stringContaining('`migrateAll()` (src/db/migrate.js:3) makes it, and no code of the app calls it')}))
  })

  it('imported but not called: not counted either', async () => {
    const found = await run('import {makeDb, migrateAll} from "./db/index.js"\nexport const db = makeDb(process.env.DATABASE_URL)\n')
    expect(found.pools?.map((p) => [p.pool.value, starred(p)])).toEqual([[10, false]])
  })

  it('called only by a script a package.json script runs (`node scripts/migrate.js`): that program\'s, not counted', async () => {
    const files = {'package.json': JSON.stringify({dependencies: {postgres: '^3.4.7'}, scripts: {migrate: 'node scripts/migrate.js'}, type: 'module'}), 'src/db/client.js': client, 'src/db/index.js': index, 'src/db/migrate.js': migrate, 'scripts/migrate.js': 'import {migrateAll} from "../src/db/index.js"\nawait migrateAll(process.env.DATABASE_URL)\n'}
    const found = await analyzeWith(node, 'node src/server.js', {...files, 'src/server.js': 'import {makeDb} from "./db/index.js"\nexport const db = makeDb(process.env.DATABASE_URL)\n'}, {}, 'standard-1x')
    expect(found.pools?.map((p) => [p.pool.value, starred(p)])).toEqual([[10, false]])
    expect(found.diagnostics).toContainEqual(expect.objectContaining({file: 'src/db/migrate.js', message: expect.stringContaining('scripts/migrate.js:2 (package.json\'s "migrate" script runs it (`node scripts/migrate.js`))')}))
    // The same caller, run by no script (a module something else may load): counted, starred, naming it.
    const loose = await analyzeWith(node, 'node src/server.js', {...files, 'package.json': pkg, 'src/server.js': 'import {makeDb} from "./db/index.js"\nexport const db = makeDb(process.env.DATABASE_URL)\n'}, {}, 'standard-1x')
    expect(loose.pools?.map((p) => [p.pool.value, starred(p)])).toEqual([
      [10, false],
      [1, true],
    ])
  })

  it('called only from an Astro page\'s frontmatter (a component file, searched too): counted, starred, naming it', async () => {
    const page = '---\nimport {migrateAll} from "../db/index.js"\nawait migrateAll(import.meta.env.DATABASE_URL)\n---\n<p>done</p>\n'
    const found = await run('import {makeDb} from "./db/index.js"\nexport const db = makeDb(process.env.DATABASE_URL)\n')
    expect(found.pools?.map((p) => p.pool.value)).toEqual([10])
    const astro = await analyzeWith(node, 'node src/server.js', {'package.json': pkg, 'src/db/client.js': client, 'src/db/index.js': index, 'src/db/migrate.js': migrate, 'src/pages/migrate.astro': page, 'src/server.js': 'import {makeDb} from "./db/index.js"\nexport const db = makeDb(process.env.DATABASE_URL)\n'}, {}, 'standard-1x')
    expect(astro.pools?.map((p) => [p.pool.value, starred(p)])).toEqual([
      [10, false],
      [1, true],
    ])
    const why = astro.pools?.[1].pool.via?.find((s) => s.kind === 'assumed')
    expect(why && 'why' in why ? why.why : '').toContain('it is called at src/pages/migrate.astro:3')
  })

  it('a name a framework calls itself (`export async function handler`): counted, starred', async () => {
    const handler = 'import postgres from "postgres"\nexport async function handler(event) {\n  const sql = postgres(process.env.DATABASE_URL, {max: 2})\n  return sql`select 1`\n}\n'
    const found = await analyzeWith(node, 'node src/server.js', {'package.json': pkg, 'src/handler.js': handler, 'src/server.js': 'export {handler} from "./handler.js"\n'}, {}, 'standard-1x')
    expect(found.pools?.map((p) => [p.pool.value, starred(p)])).toEqual([[2, true]])
  })

  it('called with an argument conncalc cannot read: unstarred; awaited at start-up and end()ed, not counted beside the query pool', async () => {
    // migrateAll's client is made, used and closed before makeDb() runs (pools.ts beforeTheRest): the process keeps 10.
    const found = await run('import {makeDb, migrateAll} from "./db/index.js"\nimport {settings} from "./settings.js"\nawait migrateAll(settings.url)\nexport const db = makeDb(process.env.DATABASE_URL)\n')
    expect(found.pools?.map((p) => [p.pool.value, starred(p)])).toEqual([[10, false]])
    expect(found.diagnostics).toContainEqual(expect.objectContaining({file: 'src/db/migrate.js', line: 4, message: expect.stringContaining('is closed at src/db/migrate.js:6 once its work is done, as the process starts')}))
  })

  it('called through a namespace import (`db.migrateAll(url)`): unstarred', async () => {
    const found = await run('import * as db from "./db/index.js"\nimport {settings} from "./settings.js"\nawait db.migrateAll(settings.url)\nexport const q = db.makeDb(process.env.DATABASE_URL)\n')
    expect(found.pools?.some((p) => p.pool.value === 1 && starred(p))).toBe(false)
  })
})
