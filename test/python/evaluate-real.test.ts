import type {EvalValue} from '../../src/languages/python/values.js'
import {describe, expect, it} from 'vitest'

import {fromDefault, sourced} from '../../src/model/source.js'
import {asInteger, asString, entry, evaluatePython, isDict} from '../../src/languages/python/evaluate.js'
import {envOf} from '../analyzers/helpers.js'

const nproc = sourced(8, fromDefault('nproc inside a standard-1x dyno', 'https://example.test/nproc'))

async function value(text: string, name: string, env: Record<string, string> = {}): Promise<EvalValue> {
  return (await evaluatePython('settings.py', text, {env: envOf(env), nproc})).names.get(name)!
}

describe('evaluatePython on shapes real settings modules use', () => {
  it("calls the app's own helper functions (healthchecks' envint/envbool), sourced at the call", async () => {
    const src = [
      'import os',
      'def envint(s, default):',
      '    v = os.getenv(s, default)',
      '    if v == "None":',
      '        return None',
      '    return int(v)',
      'def envbool(s, default):',
      '    v = os.getenv(s, default=default)',
      '    if v not in ("", "True", "False"):',
      '        raise Exception("bad")',
      '    return v == "True"',
      'AGE = envint("DB_CONN_MAX_AGE", "0")',
      'DEBUG = envbool("DEBUG", "True")',
      'BAD = envbool("DEBUG", "yes")',
    ].join('\n')
    expect(await value(src, 'AGE')).toMatchObject({kind: 'known', line: 12, value: 0})
    expect(asInteger(await value(src, 'AGE', {DB_CONN_MAX_AGE: '600'}))).toBe(600)
    expect(await value(src, 'DEBUG')).toMatchObject({kind: 'known', value: true})
    expect(await value(src, 'BAD')).toMatchObject({kind: 'unknown', reason: expect.stringContaining('raises')})
  })

  it('follows keyword-only parameters, defaults and functions passed as values (PostHog get_from_env)', async () => {
    const src = [
      'import os',
      'def str_to_bool(value):',
      '    return str(value).lower() in ("y", "yes", "t", "true", "on", "1")',
      'def get_from_env(key, default=None, *, optional=False, type_cast=None):',
      '    value = os.getenv(key)',
      '    if value is None or value == "":',
      '        if optional:',
      '            return None',
      '        if default is not None:',
      '            return default',
      '        raise Exception(key)',
      '    if type_cast is not None:',
      '        return type_cast(value)',
      '    return value',
      'DEBUG = get_from_env("DEBUG", False, type_cast=str_to_bool)',
      'WORKERS = get_from_env("WORKERS", 2, type_cast=int)',
    ].join('\n')
    expect(await value(src, 'DEBUG')).toMatchObject({kind: 'known', value: false})
    expect(await value(src, 'DEBUG', {DEBUG: 'Yes'})).toMatchObject({kind: 'known', value: true})
    expect(asInteger(await value(src, 'WORKERS', {WORKERS: '5'}))).toBe(5)
  })

  it('reads `in` on os.environ, tuples and dicts, and string methods', async () => {
    const src = [
      'import os',
      'HAS = "SECRET" in os.environ',
      'URL = os.environ.get("DATABASE_URL", "").replace("postgres://", "postgresql://", 1)',
      'HOSTS = os.getenv("HOSTS", "a.example, b.example").split(",")',
      'FIRST = HOSTS[1].strip().upper()',
      'D = {"ENGINE": "x"}',
      'MISSING = "NAME" not in D',
      'GOT = D.get("NAME", "fallback")',
    ].join('\n')
    expect(await value(src, 'HAS')).toMatchObject({value: false})
    expect(await value(src, 'HAS', {SECRET: 's'})).toMatchObject({value: true})
    expect(asString(await value(src, 'URL', {DATABASE_URL: 'postgres://u:p@h:5432/d'}))).toBe('postgresql://u:p@h:5432/d')
    expect(asString(await value(src, 'FIRST'))).toBe('B.EXAMPLE')
    expect(await value(src, 'MISSING')).toMatchObject({value: true})
    expect(asString(await value(src, 'GOT'))).toBe('fallback')
  })

  it('takes DATABASE_URL as set (by Heroku Postgres) when no env file gives it, as an assumption', async () => {
    const v = await value('import os\nURL = os.getenv("DATABASE_URL", "sqlite:///db.sqlite3")\nON = bool(URL)\n', 'URL')
    expect(v).toMatchObject({kind: 'known', via: [expect.objectContaining({kind: 'assumed', why: expect.stringContaining('Heroku Postgres')})]})
  })

  it('turns dj-database-url and django-environ URLs into DATABASES dicts that remember their server', async () => {
    const src = [
      'import dj_database_url, environ',
      'env = environ.Env(CONN_MAX_AGE=(int, 60))',
      'A = dj_database_url.config(conn_max_age=500, default="sqlite:///x.db")',
      'B = env.db("DATABASE_URL")',
      'C = dj_database_url.config(env="REPLICA_URL", default="postgres://localhost/app")',
      'D = {**dj_database_url.parse(os.environ["DATABASE_URL"]), "ATOMIC_REQUESTS": True}',
      'AGE = env("CONN_MAX_AGE")',
      'E = {"ENGINE": "django.db.backends.sqlite3"}',
      'E.update(dj_database_url.config())',
    ].join('\n')
    const a = await value(src, 'A')
    expect(isDict(a) && a.value.server).toBe('DATABASE_URL')
    expect(asString(entry(a, 'ENGINE'))).toBe('django.db.backends.postgresql')
    expect(asInteger(entry(a, 'CONN_MAX_AGE'))).toBe(500)
    const b = await value(src, 'B')
    expect(isDict(b) && b.value.server).toBe('DATABASE_URL')
    const c = await value(src, 'C')
    expect(isDict(c) && c.value.server).toBe('host=localhost:5432')
    expect(asString(entry(await value(src, 'E'), 'ENGINE'))).toBe('django.db.backends.postgresql')
    const same = await value(src, 'C', {DATABASE_URL: 'postgres://u:p@db.example:5432/a', REPLICA_URL: 'postgres://r:p@db.example:5432/a'})
    expect(isDict(same) && same.value.server).toBe('DATABASE_URL')
    expect(asInteger(await value(src, 'AGE'))).toBe(60)
    expect(asInteger(await value(src, 'AGE', {CONN_MAX_AGE: '0'}))).toBe(0)
  })

  it('decides `if` on a dict or list by its contents (euphrosyne: `if dj_database_url.config():` takes DATABASE_URL, not the SQLite else)', async () => {
    const src = [
      'import dj_database_url',
      'DATABASES = {}',
      '_djdb_config = dj_database_url.config()',
      'if _djdb_config:',
      '    DATABASES["default"] = _djdb_config',
      'else:',
      '    DATABASES["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": "x"}',
      'if {}:',
      '    FROM_EMPTY_DICT = 1',
      'else:',
      '    FROM_EMPTY_DICT = 2',
    ].join('\n')
    const dbs = await value(src, 'DATABASES')
    const d = entry(dbs, 'default')
    expect(isDict(d) && d.value.server).toBe('DATABASE_URL')
    expect(asString(entry(d, 'ENGINE'))).toBe('django.db.backends.postgresql')
    expect(asInteger(await value(src, 'FROM_EMPTY_DICT'))).toBe(2)
  })

  it('reads django-environ positional defaults and bool casts', async () => {
    const src = 'import environ\nenv = environ.Env()\nDEBUG = env.bool("DJANGO_DEBUG", False)\nN = env.int("N", 3)\nON = env("ON", cast=bool, default="off")\n'
    expect(await value(src, 'DEBUG')).toMatchObject({kind: 'known', value: false})
    expect(await value(src, 'DEBUG', {DJANGO_DEBUG: 'on'})).toMatchObject({kind: 'known', value: true})
    expect(asInteger(await value(src, 'N'))).toBe(3)
    expect(await value(src, 'ON')).toMatchObject({value: false})
  })

  it('stops a recursive function instead of looping', async () => {
    const v = await value('def f(n):\n    return f(n)\nX = f(1)\n', 'X')
    expect(v.kind).toBe('unknown')
  })

  it('does not follow a recursion on data it cannot read: a tree walk that recurses from six branches ends, and the module is still read', async () => {
    // walk(nodes) recurses from each of six `if` arms on `item.get(...)`, with `nodes` from the environment
    // (unknown): followed to the call depth bound that is 6^8 walks of the body. The recursive calls have an
    // unknown argument, so they are not followed; the names after it are read.
    const arms = ['a', 'b', 'c', 'd', 'e', 'f'].flatMap((k) => [`        if item.get("${k}"):`, `            total += walk(item.get("children"))`])
    const src = ['import json, os', 'def walk(nodes):', '    total = 0', '    for item in nodes:', ...arms, '        total += 1', '    return total', 'COUNT = walk(json.loads(os.environ["TREE"]))', 'POOL = 7', ''].join('\n')
    const m = await evaluatePython('settings.py', src, {env: envOf({}), nproc})
    expect(asInteger(m.names.get('POOL'))).toBe(7)
    expect(m.names.get('COUNT')?.kind).toBe('unknown')
  })

  it('follows a recursion on values it reads: fact(4) is 24', async () => {
    // fact(4) = 4 × fact(3) = 4 × 3 × fact(2) = 4 × 3 × 2 × fact(1) = 24: each call's argument is known, so it is followed.
    const src = ['def fact(n):', '    if n <= 1:', '        return 1', '    return n * fact(n - 1)', 'POOL = fact(4)', ''].join('\n')
    expect(asInteger(await value(src, 'POOL'))).toBe(24)
  })

  it('a name a loop conncalc does not run binds is unknown after it, saying which loop; a loop that makes no pass changes nothing', async () => {
    const src = [
      'import os',
      'POOL = 5',
      'for name in os.environ["EXTRA_DBS"].split(","):',
      '    POOL += 2',
      'THREADS = 4',
      'while os.environ.get("SCALE_UP"):',
      '    THREADS = THREADS * 2',
      'WORKERS = 3',
      'for name in []:',
      '    WORKERS = 9',
      'def count(items):',
      '    n = 0',
      '    for i in items:',
      '        n += 1',
      '    return n',
      'TOTAL = count(os.environ["ITEMS"].split(","))',
      '',
    ].join('\n')
    // POOL: the loop over EXTRA_DBS (not set anywhere) may add 2 any number of times.
    expect(await value(src, 'POOL')).toMatchObject({kind: 'unknown', reason: '`POOL` may be changed by the `for` loop at line 3, which conncalc does not run'})
    // SCALE_UP is not set: os.environ.get gives None, so the while loop makes no pass and THREADS stays 4.
    expect(asInteger(await value(src, 'THREADS'))).toBe(4)
    // With SCALE_UP set the loop runs (until something conncalc does not see stops it).
    expect(await value(src, 'THREADS', {SCALE_UP: '1'})).toMatchObject({kind: 'unknown', reason: '`THREADS` may be changed by the `while` loop at line 6, which conncalc does not run'})
    expect(asInteger(await value(src, 'WORKERS'))).toBe(3)
    // count() returns n after a loop over items conncalc cannot see: not 0.
    expect((await value(src, 'TOTAL')).kind).toBe('unknown')
  })

  it("keeps what __init__ binds on self for the instance's later reads (a @staticmethod is not given it); a branch's binding is unknown", async () => {
    const src = [
      'import socket',
      'class Runner:',
      '    size = 30',
      '    def __init__(self, size=8, extra=None):',
      '        self.size = size',
      '        if socket.gethostname().startswith("worker"):',
      '            self.extra = extra',
      '    def total(self):',
      '        return self.size * 2 + self.offset(self.size)',
      '    @staticmethod',
      '    def offset(n):',
      '        return n - 4',
      'r = Runner(size=4)',
      'SIZE = r.size',
      'TOTAL = r.total()',
      'DEFAULT = Runner().size',
      'CLASS = Runner.size',
      'EXTRA = Runner(extra=3).extra',
    ].join('\n')
    expect(asInteger(await value(src, 'SIZE'))).toBe(4)
    expect(asInteger(await value(src, 'TOTAL'))).toBe(8)
    expect(asInteger(await value(src, 'DEFAULT'))).toBe(8)
    expect(asInteger(await value(src, 'CLASS'))).toBe(30)
    expect(await value(src, 'EXTRA')).toMatchObject({kind: 'unknown', reason: expect.stringContaining('is set only in a branch or loop')})
  })
})
