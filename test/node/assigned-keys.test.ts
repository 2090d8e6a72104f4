/**
 * Keys set on an object a name holds (`options.postgresUri = …`, `config.max = 4`, `settings.pool.max = 3`): JS sets
 * them on the object, so the object read or passed on after that line has them (js.ts assignKey). And a function whose
 * body makes a pool in either arm of a condition (`typeof uri === 'string' ? postgres(uri, options) : postgres(uri)`,
 * yjl9903/AnimeGarden's connectDatabase), walked for its one caller: the arm that caller takes is its pool, once (pools.ts
 * boundCalls). Before: both arms on one line were that caller's pool twice; an arm on a line of its own that no caller takes
 * was counted as written (its parameters unknown, postgres.js's default 10).
 * postgres.js's `max` default 10: https://github.com/porsager/postgres#connection-details; pg's 10: https://node-postgres.com/apis/pool.
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = (deps: Record<string, string>) => JSON.stringify({dependencies: deps, type: 'module'}, null, 2)
const run = (command: string, files: Record<string, string>, env: Record<string, string> = {}) => analyzeWith(node, command, files, {NODE_ENV: 'production', ...env}, 'standard-1x')
const pools = (a: Awaited<ReturnType<typeof run>>) => a.pools?.map((p) => [p.database, p.pool.value, p.pool.via?.some((s) => s.kind === 'assumed') ?? false])

const db = (sameLine: boolean) =>
  [
    "import postgres from 'postgres'",
    'const POOL = {max: 5, idle_timeout: 60}',
    "export function connectOptions(profile = 'cli') {",
    '  return {...POOL, connection: {application_name: profile}}',
    '}',
    'export function connect(uri, options) {',
    ...(sameLine ? ["  return typeof uri === 'string' ? postgres(uri, options) : postgres(uri)"] : ["  return typeof uri === 'string'", '    ? postgres(uri, options)', '    : postgres(uri)']),
    '}',
  ].join('\n')
const system = [
  "import {connect, connectOptions} from './db.js'",
  'export async function makeSystem(options) {',
  "  if (!options.postgresUri) throw new Error('no URI')",
  "  const profile = options.profile ?? 'cli'",
  '  const sql = connect(options.postgresUri, connectOptions(profile))',
  '  return {sql}',
  '}',
].join('\n')
const cli = [
  "import {makeSystem} from './system.js'",
  'async function initialize(options) {',
  '  if (!options.postgresUri) {',
  '    options.postgresUri = process.env.POSTGRES_URI ?? process.env.DATABASE_URI',
  '  }',
  '  return await makeSystem(options)',
  '}',
  'const flags = JSON.parse(process.env.FLAGS)',
  "await initialize({...flags, profile: 'cron'})",
].join('\n')
const URI = {POSTGRES_URI: 'postgres://u:p@db.example.com/app'}

describe('a key set on a parameter object before it is passed on', () => {
  it('the URL set on the options is a string where the pool is made: its options, max 5, once', async () => {
    const a = await run('node src/cli.js', {'package.json': pkg({postgres: '^3.4.5'}), 'src/cli.js': cli, 'src/db.js': db(true), 'src/system.js': system}, URI)
    expect(pools(a)).toEqual([['postgres.js src/db.js:7 (called at src/system.js:5)', 5, false]])
    expect(a.diagnostics.filter((d) => d.code === 'unknown-config-value')).toEqual([])
  })

  it('the arm on a line of its own that the caller does not take is not counted', async () => {
    const a = await run('node src/cli.js', {'package.json': pkg({postgres: '^3.4.5'}), 'src/cli.js': cli, 'src/db.js': db(false), 'src/system.js': system}, URI)
    expect(pools(a)).toEqual([['postgres.js src/db.js:8 (called at src/system.js:5)', 5, false]])
  })

  it('with no URL in the env both arms stay named, starred, as made only when it is set', async () => {
    const a = await run('node src/cli.js', {'package.json': pkg({postgres: '^3.4.5'}), 'src/cli.js': cli, 'src/db.js': db(false), 'src/system.js': system})
    expect(pools(a)).toEqual([
      ['postgres.js src/db.js:8 (called at src/system.js:5)', 5, true],
      ['postgres.js src/db.js:9 (called at src/system.js:5)', 10, true],
    ])
    expect(a.diagnostics.filter((d) => d.code === 'unresolved-env').map((d) => d.line)).toEqual([8, 9])
  })
})

describe('keys set on a module\'s object', () => {
  it('config.max = 4 and settings.pool.max = 3 are read; a key set in a branch that does not run is not', async () => {
    const a = await run('node src/index.js', {
      'package.json': JSON.stringify({dependencies: {pg: '^8.13.1'}}),
      'src/index.js': [
        "const {Pool} = require('pg')",
        'const config = {connectionString: process.env.DATABASE_URL}',
        'config.max = 4',
        'if (process.env.BIG_POOL) config.max = 50',
        'const settings = {pool: {min: 1}}',
        "settings['pool'].max = 3",
        'const other = new Pool({connectionString: process.env.DATABASE_URL, ...settings.pool})',
        'module.exports = {pool: new Pool(config), other}',
      ].join('\n'),
    })
    expect(pools(a)).toEqual([
      ['pg src/index.js:7', 3, false],
      ['pg src/index.js:8', 4, false],
    ])
  })

  it('a key conncalc cannot name may be any key: the default is assumed', async () => {
    const a = await run('node src/index.js', {
      'package.json': JSON.stringify({dependencies: {pg: '^8.13.1'}}),
      'src/index.js': [
        "const {Pool} = require('pg')",
        'const config = {connectionString: process.env.DATABASE_URL}',
        'config[process.argv[3]] = Number(process.argv[4])',
        'module.exports = new Pool(config)',
      ].join('\n'),
    })
    expect(pools(a)).toEqual([['pg src/index.js:4', 10, true]])
  })
})

describe('names destructured from process.env', () => {
  // `const {POOL_MAX = 3, BIG} = process.env`: each name is the variable; the default only when it has no value.
  // Before: every such name read as "no X in the object", and a default taken even when the variable was set.
  const files = {
    'package.json': JSON.stringify({dependencies: {pg: '^8.13.1'}}),
    'src/index.js': [
      "const {Pool} = require('pg')",
      'const {POOL_MAX = 3, BIG} = process.env',
      'const a = new Pool({connectionString: process.env.DATABASE_URL, max: Number(POOL_MAX)})',
      'const b = BIG ? new Pool({connectionString: process.env.DATABASE_URL, max: 50}) : null',
      'module.exports = {a, b}',
    ].join('\n'),
  }

  it('a variable given is its value; one unset takes the default, and the branch it decides is not taken', async () => {
    const set = await run('node src/index.js', files, {POOL_MAX: '7'})
    expect(pools(set)).toEqual([['pg src/index.js:3', 7, false]])
    const unset = await run('node src/index.js', files)
    expect(pools(unset)).toEqual([['pg src/index.js:3', 3, false]])
    expect(unset.diagnostics.filter((d) => d.code === 'unknown-config-value')).toEqual([])
    expect(unset.diagnostics.find((d) => d.code === 'unresolved-env')?.message).toBe('the pg pool here (50) is created only when `BIG` (line 4) holds; BIG has no value, so it is not counted')
    const big = await run('node src/index.js', files, {BIG: '1'})
    expect(pools(big)).toEqual([
      ['pg src/index.js:3', 3, false],
      ['pg src/index.js:4', 50, false],
    ])
  })
})

describe("pogi's PgDb", () => {
  // pogi 2.x PgDb.connect(config) makes `new pg.Pool(config)` (less logger/skipUndefined); pg-pool's max is
  // `max || poolSize || 10` (republik/plattform's base/lib/PgDb.js passes `max: DATABASE_MAX_CONNECTIONS` with `= null`).
  const pgdb = (max: string) =>
    ({
      'package.json': JSON.stringify({dependencies: {pogi: '^2.11.1'}}),
      'src/index.js': [
        "const {PgDb} = require('pogi')",
        `const connect = () => PgDb.connect({connectionString: process.env.DATABASE_URL, max: ${max}})`,
        'connect().then((db) => db.query("SELECT 1"))',
      ].join('\n'),
    }) as Record<string, string>

  it('max 6 is 6; max null is pg-pool\'s 10, read', async () => {
    expect(pools(await run('node src/index.js', pgdb('6')))).toEqual([['pogi src/index.js:2', 6, false]])
    expect(pools(await run('node src/index.js', pgdb('null')))).toEqual([['pogi src/index.js:2', 10, false]])
  })
})
