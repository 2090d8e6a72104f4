/**
 * python-dotenv's interpolation (variables.py _posix_variable, main.py resolve_variables) and django-environ's `$NAME`
 * proxies (environ.py Env.get_value) and smart_cast, each worked from the library's source.
 */
import {describe, expect, it} from 'vitest'

import type {EnvEntry} from '../../src/model/env.js'
import {interpolateDotenv} from '../../src/languages/python/env-files.js'
import {asInteger, evaluatePython} from '../../src/languages/python/evaluate.js'
import {fromDefault, fromEnv, sourced} from '../../src/model/source.js'
import {envOf} from '../analyzers/helpers.js'

const entry = (name: string, value: string, line: number): EnvEntry => ({name, source: fromEnv(name, `.env:${line}`), value})
const platform = (vars: Record<string, string>) => (name: string): EnvEntry | undefined => (name in vars ? {name, source: fromEnv(name, 'app.json'), value: vars[name]} : undefined)

describe('python-dotenv interpolation', () => {
  const file = [entry('POOL', '4', 1), entry('WEB', '${POOL}', 2), entry('BURST', '${EXTRA:-3}', 3), entry('NAMED', '$POOL', 4), entry('EMPTY', 'x${NOPE}y', 5)]

  it('expands ${NAME} and ${NAME:-default}, leaves $NAME as written, and an unset name with no default is ""', () => {
    const out = interpolateDotenv(file, false, '.env', platform({}))
    expect(out.map((e) => e.value)).toEqual(['4', '4', '3', '$POOL', 'xy'])
    // Set nowhere: the default (or "") is an assumption, said with the line.
    expect(out[2].source).toMatchObject({kind: 'assumed'})
    expect(JSON.stringify(out[2].source)).toContain('BURST at .env:3 is `${EXTRA:-3}`')
    expect(out[4].source).toMatchObject({kind: 'assumed'})
    // Read from the file's own earlier value: not an assumption.
    expect(out[1].source).toEqual(fromEnv('WEB', '.env:2'))
  })

  it('looks in os.environ first when the load keeps set variables (override=False), in the file first with override=True', () => {
    const env = platform({EXTRA: '9', POOL: '7'})
    expect(interpolateDotenv(file, false, '.env', env).map((e) => e.value)).toEqual(['4', '7', '9', '$POOL', 'xy'])
    expect(interpolateDotenv(file, true, '.env', env).map((e) => e.value)).toEqual(['4', '4', '9', '$POOL', 'xy'])
  })

  it('a name whose value is a command output conncalc does not run leaves the value unknown', () => {
    const out = interpolateDotenv([entry('WEB', '${CPU}', 1)], false, '.env', (n) => ({name: n, source: fromEnv(n, 'Procfile:1'), unknown: 'CPU is $(nproc)', value: '$(nproc)'}))
    expect(out[0].unknown).toContain('CPU is $(nproc)')
  })
})

describe('django-environ proxies and smart_cast', () => {
  const nproc = sourced(8, fromDefault('nproc inside a standard-1x dyno', 'https://example.test/nproc'))
  const value = async (src: string, name: string, env: Record<string, string>) => (await evaluatePython('conf.py', src, {env: envOf(env), nproc})).names.get(name)!
  const head = 'import environ\nenv = environ.Env()\n'

  it('a value starting with $ reads the variable it names, with the same cast and default', async () => {
    expect(asInteger(await value(`${head}p = env.int("POOL", default=2)`, 'p', {POOL: '$DB_POOL', DB_POOL: '6'}))).toBe(6)
    // Chains of proxies are followed.
    expect(asInteger(await value(`${head}p = env.int("POOL", default=2)`, 'p', {A: '$B', B: '11', POOL: '$A'}))).toBe(11)
  })

  it('a proxied name set nowhere gives the default as an assumption; with no default it is unknown', async () => {
    const v = await value(`${head}p = env.int("POOL", default=2)`, 'p', {POOL: '$DB_POOL'})
    expect(v).toMatchObject({kind: 'known', value: 2})
    expect(JSON.stringify(v)).toContain('POOL is `$DB_POOL`')
    expect(JSON.stringify(v)).toContain('"kind":"assumed"')
    expect(await value(`${head}p = env.int("POOL")`, 'p', {POOL: '$DB_POOL'})).toMatchObject({kind: 'unknown'})
  })

  it('casts a value read with no cast to the type of its default (smart_cast)', async () => {
    expect(await value(`${head}w = env("WORKERS", default=2) * 3`, 'w', {WORKERS: '4'})).toMatchObject({kind: 'known', value: 12})
    expect(await value(`${head}w = env("WORKERS", default=2) * 3`, 'w', {})).toMatchObject({kind: 'known', value: 6})
    // python-decouple has no smart cast: config("X", default=2) is the string the env gives.
    expect(await value('from decouple import config\nw = config("WORKERS", default=2)', 'w', {WORKERS: '4'})).toMatchObject({kind: 'known', value: '4'})
  })
})
