/**
 * A pool made in the body of a named function that no code of the app calls.
 *
 * A shared package exports a migration helper (`export async function migrateAll(url) { const sql = postgres(url,
 * {max: 1}); … }`) through its index (`export {migrateAll} from './migrate.js'`); the server imports the package for its
 * query pool and never calls the helper. The helper's client opens only if something conncalc does not read calls it, so
 * counting it is an assumption: before, its 1 was added to the query pool's 10 unstarred (11 where the process opens 10).
 * It stays counted (a framework may call an export by name) and is starred, with the function named. A helper that is
 * called, with arguments conncalc reads or not, is counted as before, unstarred. postgres.js's default max is 10
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
  it('only re-exported: the query pool 10 and the helper 1, the 1 starred naming migrateAll()', async () => {
    const found = await run('import {makeDb} from "./db/index.js"\nexport const db = makeDb(process.env.DATABASE_URL)\n')
    expect(found.pools?.map((p) => [p.pool.value, starred(p)])).toEqual([
      [10, false],
      [1, true],
    ])
    const why = found.pools?.[1].pool.via?.find((s) => s.kind === 'assumed')
    expect(why && 'why' in why ? why.why : '').toMatch(/`migrateAll\(\)` \(src\/db\/migrate\.js:3\), which no code of the app conncalc read calls/)
  })

  it('imported but not called: still starred', async () => {
    const found = await run('import {makeDb, migrateAll} from "./db/index.js"\nexport const db = makeDb(process.env.DATABASE_URL)\n')
    expect(found.pools?.map((p) => [p.pool.value, starred(p)])).toEqual([
      [10, false],
      [1, true],
    ])
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
