import type {EvalValue} from '../../src/languages/python/values.js'
import {describe, expect, it} from 'vitest'

import {fromDefault, sourced} from '../../src/model/source.js'
import {asInteger, entry, evaluatePython} from '../../src/languages/python/evaluate.js'
import {envOf} from '../analyzers/helpers.js'

const nproc = sourced(8, fromDefault('nproc inside a standard-1x dyno', 'https://example.test/nproc'))

async function run(text: string, env: Record<string, string> = {}) {
  return evaluatePython('conf.py', text, {env: envOf(env), nproc})
}

async function value(text: string, name: string, env: Record<string, string> = {}): Promise<EvalValue> {
  return (await run(text, env)).names.get(name)!
}

describe('evaluatePython', () => {
  it('an item assignment says the function it is in and the dotted name it assigns', async () => {
    const src = [
      'from sqlalchemy.pool import NullPool',
      'import sqlalchemy.pool as sp',
      'class Db(Base):',
      '    def hook(self, options):',
      '        options["poolclass"] = NullPool',
      '        options["echo"] = sp.StaticPool',
      '        options["size"] = 4',
      'def setup(opts):',
      '    opts["x"] = NullPool',
      'conf = make()',
      'conf["y"] = NullPool',
    ].join('\n')
    const m = await run(src)
    expect(m.itemAssignments.map((a) => [a.line, a.key, a.name, a.within])).toEqual([
      [5, 'poolclass', 'sqlalchemy.pool.NullPool', 'Db.hook'],
      [6, 'echo', 'sqlalchemy.pool.StaticPool', 'Db.hook'],
      [7, 'size', undefined, 'Db.hook'],
      [9, 'x', 'sqlalchemy.pool.NullPool', 'setup'],
      [11, 'y', 'sqlalchemy.pool.NullPool', undefined],
    ])
  })

  it('reads a try body, its else and finally as run, and an except handler as maybe: its calls kept, its names not', async () => {
    const src = [
      'try:',
      '    import sentry_sdk',
      '    mode = "reporting"',
      'except ImportError:',
      '    mode = "quiet"',
      '    warn("no sentry")',
      'else:',
      '    ready = True',
      'finally:',
      '    size = 4',
      '    setup(size)',
    ].join('\n')
    const m = await run(src)
    expect(m.names.get('mode')).toMatchObject({kind: 'known', value: 'reporting'})
    expect(m.names.get('ready')).toMatchObject({kind: 'known', value: true})
    expect(m.names.get('size')).toMatchObject({kind: 'known', value: 4})
    expect(m.calls.find((c) => c.callee === 'warn')).toMatchObject({conditional: true, line: 6})
    expect(m.calls.find((c) => c.callee === 'setup')).toMatchObject({conditional: false, line: 11})
  })

  it('a raise in an arm it cannot decide ends that arm only: the function goes on for the other arm; every arm raising ends it', async () => {
    const src = [
      'from checks import ok',
      '',
      'def size():',
      '    if not ok():',
      '        raise RuntimeError("bad config")',
      '    return 5',
      '',
      'def never():',
      '    if ok():',
      '        raise RuntimeError("a")',
      '    else:',
      '        raise RuntimeError("b")',
      '    return 7',
      '',
      'SIZE = size()',
      'NEVER = never()',
    ].join('\n')
    // ok() is not in the app: the `if` is undecided. size(): the arm that raises does not return; the other returns 5.
    expect(asInteger(await value(src, 'SIZE'))).toBe(5)
    // never(): both arms raise, so `return 7` is never reached: unknown, said why.
    const never = await value(src, 'NEVER')
    expect(never.kind).toBe('unknown')
    expect(never.kind === 'unknown' && never.reason).toContain('raises')
  })

  it('reads literals, names assigned earlier and arithmetic', async () => {
    const v = await value('base = 2\nworkers = base * 2 + 1\n', 'workers')
    expect(v).toMatchObject({kind: 'known', line: 2, value: 5})
  })

  it('builds command strings with f-strings, % and .format, as str() prints each value', async () => {
    const src = [
      'workers = 3',
      'host = "0.0.0.0"',
      'a = f"gunicorn app:app -w {workers} --bind {host}:{8000} {{x}} --preload={True}"',
      'b = "gunicorn -w %d --bind %s:%s" % (workers, host, 5000)',
      'c = "gunicorn -w {} -b {0}".format(workers)',
      'd = "x %d" % 2.5',
      'e = f"{workers:>4}"',
      'g = f"{undefined_name} y"',
    ].join('\n')
    const m = await run(src)
    expect(m.names.get('a')).toMatchObject({kind: 'known', value: 'gunicorn app:app -w 3 --bind 0.0.0.0:8000 {x} --preload=True'})
    expect(m.names.get('b')).toMatchObject({kind: 'known', value: 'gunicorn -w 3 --bind 0.0.0.0:5000'})
    expect(m.names.get('c')).toMatchObject({kind: 'known', value: 'gunicorn -w 3 -b 3'})
    // %d of a float, a format spec, and a name never defined stay unknown, never a guess.
    expect(m.names.get('d')?.kind).toBe('unknown')
    expect(m.names.get('e')).toMatchObject({kind: 'unknown', reason: expect.stringContaining('formatted in a way conncalc does not evaluate')})
    expect(m.names.get('g')?.kind).toBe('unknown')
  })

  it('reads os.environ.get with a default, through int()', async () => {
    const src = 'import os\nworkers = int(os.environ.get("WEB_CONCURRENCY", 3))\n'
    expect(asInteger(await value(src, 'workers'))).toBe(3)
    const set = await value(src, 'workers', {WEB_CONCURRENCY: '6'})
    expect(asInteger(set)).toBe(6)
    expect(set.kind === 'known' && set.via).toEqual([{from: '.env.test:1', kind: 'env', name: 'WEB_CONCURRENCY'}])
  })

  it('reads os.environ["X"] and os.getenv, and reports a missing variable', async () => {
    expect(asInteger(await value('import os\nt = int(os.environ["THREADS"])', 't', {THREADS: '4'}))).toBe(4)
    const missing = await value('import os\nt = int(os.environ["THREADS"])', 't')
    expect(missing).toMatchObject({kind: 'unknown', missingEnv: [{line: 2, name: 'THREADS'}]})
    const getenv = await value('from os import getenv\nt = int(getenv("T") or 2)', 't')
    expect(asInteger(getenv)).toBe(2)
  })

  it('uses the dyno nproc for cpu_count(), labelled with its source', async () => {
    const v = await value('import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n', 'workers')
    expect(asInteger(v)).toBe(17)
    expect(v.kind === 'known' && v.via[0]).toEqual(nproc.source)
    expect(asInteger(await value('import os\nw = len(os.sched_getaffinity(0))', 'w'))).toBe(8)
    expect(asInteger(await value('import os\nw = os.cpu_count()', 'w'))).toBe(8)
  })

  it('decides conditions it can, and marks the others unknown', async () => {
    expect(asInteger(await value('import os\nif os.environ.get("X") == "1":\n    w = 4\nelse:\n    w = 2\n', 'w', {X: '1'}))).toBe(4)
    const undecided = await value('if some_flag():\n    w = 4\nelse:\n    w = 2\n', 'w')
    expect(undecided.kind).toBe('unknown')
    expect(undecided.kind === 'unknown' && undecided.reason).toContain('depends on `if some_flag()`')
    expect(asInteger(await value('w = 3\nif some_flag():\n    x = 1\n', 'w'))).toBe(3)
  })

  it('builds dicts that keep each entry line, and follows subscript assignment and update()', async () => {
    const src = ['DATABASES = {', '    "default": {', '        "ENGINE": "django.db.backends.postgresql",', '    }', '}', 'DATABASES["default"]["CONN_MAX_AGE"] = 60', 'DATABASES["default"].update({"OPTIONS": {"pool": True}})'].join('\n')
    const dbs = await value(src, 'DATABASES')
    const dflt = entry(dbs, 'default')
    expect(entry(dflt, 'ENGINE')).toMatchObject({line: 3, value: 'django.db.backends.postgresql'})
    expect(entry(dflt, 'CONN_MAX_AGE')).toMatchObject({line: 6, value: 60})
    expect(entry(entry(dflt, 'OPTIONS'), 'pool')).toMatchObject({value: true})
  })

  it('collects calls with import-qualified names and keyword arguments', async () => {
    const m = await run('from sqlalchemy import create_engine as ce\nengine = ce(URL, pool_size=10, max_overflow=int("5"))\n')
    const call = m.calls.find((c) => c.callee === 'sqlalchemy.create_engine')!
    expect(call.line).toBe(2)
    expect(asInteger(call.kwargs.pool_size)).toBe(10)
    expect(asInteger(call.kwargs.max_overflow)).toBe(5)
  })

  it('collects calls inside functions as conditional', async () => {
    const m = await run('from sqlalchemy import create_engine\ndef get_engine():\n    return create_engine(URL, pool_size=3)\n')
    expect(m.calls.find((c) => c.callee === 'sqlalchemy.create_engine')).toMatchObject({conditional: true})
  })

  it('a parameter read in a function body is the caller\'s value: said so at the line that reads it (qualicharge\'s get_engine(pool_size=10))', async () => {
    const m = await run('from sqlalchemy import create_engine\n\ndef get_engine(url, pool_size=10, max_overflow=20):\n    return create_engine(\n        url,\n        pool_size=pool_size,\n    )\n')
    const call = m.calls.find((c) => c.callee === 'sqlalchemy.create_engine')!
    expect(call.kwargs.pool_size).toMatchObject({kind: 'unknown', line: 6, reason: '`pool_size` is a parameter of `get_engine()` (line 3): its value comes from the caller, which conncalc does not follow here (its default is `10`)'})
  })

  it('reads python-decouple and django-environ', async () => {
    expect(asInteger(await value('from decouple import config\nw = config("WORKERS", default=3, cast=int)', 'w'))).toBe(3)
    expect(asInteger(await value('import environ\nenv = environ.Env()\nw = env.int("WORKERS", default=2)', 'w', {WORKERS: '7'}))).toBe(7)
  })

  it('reads class attributes and pydantic BaseSettings fields from env', async () => {
    const src = ['from pydantic_settings import BaseSettings', 'class Settings(BaseSettings):', '    pool_size: int = 5', 'settings = Settings()', 'n = settings.pool_size'].join('\n')
    expect(asInteger(await value(src, 'n'))).toBe(5)
    expect(await value(src, 'n', {POOL_SIZE: '12'})).toMatchObject({value: 12}) // pydantic validates the env string into the int field
  })

  it('follows star imports through the resolver', async () => {
    const base = await run('WORKERS = 3\n')
    const m = await evaluatePython('prod.py', 'from .base import *\nw = WORKERS + 1\n', {env: envOf({}), resolveModule: async (mod, level) => (mod === 'base' && level === 1 ? base.names : undefined)})
    expect(asInteger(m.names.get('w'))).toBe(4)
  })

  it('turns a syntax error into a diagnostic, never a crash', async () => {
    const m = await run('workers = (2\nthreads = = 3\n')
    expect(m.parsed).toBe(false)
    expect(m.diagnostics[0]).toMatchObject({code: 'unparsable-config', file: 'conf.py'})
  })

  it('never evaluates what it does not know', async () => {
    const v = await value('w = compute_workers()\nx = w * 2\n', 'x')
    expect(v.kind).toBe('unknown')
    const s = await value('import os\nx = os.environ.get("W", "2") * 2\n', 'x')
    expect(s.kind === 'unknown' && s.reason).toContain('is not a number')
  })

  it('a construct it does not evaluate makes only that value unknown; the rest of the file is read', async () => {
    const src = [
      'from contextlib import contextmanager',
      'from sqlalchemy import create_engine',
      '@contextmanager',
      'def scope():',
      '    yield',
      'sizes = [n for n, *rest in pairs]',
      'wake = lambda: (yield)',
      'if (n := 4) > 2:',
      '    base = n',
      'match mode:',
      '    case "big":',
      '        create_engine(URL, pool_size=50)',
      'pool = base + 1',
      'engine = create_engine(URL, pool_size=pool)',
    ].join('\n')
    const m = await run(src)
    expect(m.parsed).toBe(true)
    expect(m.diagnostics).toEqual([])
    expect(m.names.get('sizes')).toMatchObject({kind: 'unknown', line: 6})
    expect(m.names.get('wake')).toMatchObject({kind: 'unknown', line: 7})
    // The walrus binds n = 4, so the condition is decided and base = 4.
    expect(asInteger(m.names.get('pool'))).toBe(5)
    const calls = m.calls.filter((c) => c.callee === 'sqlalchemy.create_engine')
    // The match case may or may not run: its call is kept, as conditional; the module-level one is not.
    expect(calls.map((c) => [c.line, c.conditional, asInteger(c.kwargs.pool_size)])).toEqual([
      [12, true, 50],
      [14, false, 5],
    ])
  })

  it('a `match` on a known value runs the first case that matches, as Python does; from a case it cannot decide on, none is chosen', async () => {
    const src = [
      'import os',
      'def kind():',
      '    engine = os.environ.get("DBENGINE")',
      '    if engine is None:',
      '        engine = "postgresql" if "DBHOST" in os.environ else "sqlite"',
      '    return engine',
      'match kind():',
      '    case "mysql" | "mariadb":',
      '        a = 1',
      '    case "sqlite" if os.environ.get("DBHOST"):',
      '        a = 2',
      '    case "sqlite" | "sqlite3" as chosen:',
      '        a = 3',
      '    case _:',
      '        a = 4',
      'match 5:',
      '    case -5 | None:',
      '        b = 1',
      '    case n if n > 3:',
      '        b = n + 1',
      'match "x":',
      '    case "y":',
      '        c = 1',
      'match "x":',
      '    case Kind.X:',
      '        d = 1',
      '    case _:',
      '        d = 2',
      'match os.environ.get("MODE"):',
      '    case None:',
      '        e = "unset"',
    ].join('\n')
    // Clean env: DBENGINE and DBHOST unset, so kind() is "sqlite"; the guard of the second case is falsy, the third binds `chosen`.
    expect(await value(src, 'a')).toMatchObject({kind: 'known', value: 3})
    expect(await value(src, 'chosen')).toMatchObject({kind: 'known', value: 'sqlite'})
    // With DBHOST set: "postgresql", no literal case: the wildcard.
    expect(await value(src, 'a', {DBHOST: 'db'})).toMatchObject({kind: 'known', value: 4})
    expect(await value(src, 'a', {DBENGINE: 'mariadb'})).toMatchObject({kind: 'known', value: 1})
    // -5 is not 5 (the sign is read), None is not 5; a capture with a guard binds before the guard: 6.
    expect(await value(src, 'b')).toMatchObject({kind: 'known', value: 6})
    // No case matches: the name is never bound.
    expect(await value(src, 'c')).toBeUndefined()
    // A value pattern (Kind.X) is not read: from there no case is chosen, the name unknown after the `match`.
    expect(await value(src, 'd')).toMatchObject({kind: 'unknown'})
    expect(await value(src, 'e')).toMatchObject({kind: 'known', value: 'unset'})
    expect(await value(src, 'e', {MODE: 'on'})).toBeUndefined()
  })

  it('a field a factory sets on a BaseSettings instance after building it is read back, and an instance is true (mealie)', async () => {
    // mealie's app_settings_constructor: `AppSettings(…)`, then `app_settings.DB_PROVIDER = db_provider_factory(…)`, and the
    // DB_URL property `self.DB_PROVIDER.db_url if self.DB_PROVIDER else None`. pydantic's __setattr__ sets the field.
    const src = [
      'from functools import lru_cache',
      'from pydantic import BaseModel',
      'from pydantic_settings import BaseSettings',
      'class SQLiteProvider(BaseModel):',
      '    prefix: str = ""',
      '    @property',
      '    def db_url(self) -> str:',
      '        return f"sqlite:///data/{self.prefix}app.db"',
      'class PostgresProvider(BaseSettings):',
      '    POSTGRES_URL: str = "postgresql://app@db/app"',
      '    @property',
      '    def db_url(self) -> str:',
      '        return self.POSTGRES_URL',
      'class AppSettings(BaseSettings):',
      '    DB_ENGINE: str | None = None',
      '    DB_PROVIDER: SQLiteProvider | PostgresProvider | None = None',
      '    @property',
      '    def DB_URL(self) -> str | None:',
      '        return self.DB_PROVIDER.db_url if self.DB_PROVIDER else None',
      'def factory(name):',
      '    if name == "postgres":',
      '        return PostgresProvider()',
      '    return SQLiteProvider()',
      'def constructor():',
      '    s = AppSettings()',
      '    s.DB_PROVIDER = factory(s.DB_ENGINE or "sqlite")',
      '    return s',
      'def later(s):',
      '    s.DB_ENGINE = "mysql"',
      '@lru_cache',
      'def get_settings():',
      '    return constructor()',
      'settings = get_settings()',
      'url = settings.DB_URL',
      'engine = settings.DB_ENGINE',
      'bare = AppSettings()',
      'none = bare.DB_URL',
    ].join('\n')
    expect(await value(src, 'url')).toMatchObject({kind: 'known', value: 'sqlite:///data/app.db'})
    expect(await value(src, 'url', {DB_ENGINE: 'postgres'})).toMatchObject({kind: 'known', value: 'postgresql://app@db/app'})
    // A function that sets a field but is only defined (walked for its calls) changes nothing.
    expect(await value(src, 'engine')).toMatchObject({kind: 'known', value: null})
    // Not set after construction: the field's default None, and the property's else.
    expect(await value(src, 'none')).toMatchObject({kind: 'known', value: null})
  })

  it('only a file tree-sitter-python rejects is unparsable, and the line is where the error is', async () => {
    const m = await run('import os\n\nclass Config:\n    def pool(self):\n        return (1 +\n\n    size = 5\n')
    expect(m.parsed).toBe(false)
    expect(m.diagnostics[0]).toMatchObject({code: 'unparsable-config', line: 5})
  })

  it('a copy of os.environ (os.environ.copy(), dict(os.environ)) is read as os.environ; rebinding the name ends that', async () => {
    const src = [
      'import os',
      'env = os.environ.copy()',
      'snap = dict(os.environ)',
      'on_heroku = "DATABASE_URL" in env',
      'workers = int(env.get("WEB_CONCURRENCY", 3))',
      'size = int(snap["POOL_SIZE"])',
      'env = {"WEB_CONCURRENCY": "9"}',
      'later = env["WEB_CONCURRENCY"]',
    ].join('\n')
    const m = await run(src, {POOL_SIZE: '7', WEB_CONCURRENCY: '4'})
    // DATABASE_URL: the plan's database is attached, so its URL is set (as for `in os.environ`).
    expect(m.names.get('on_heroku')).toMatchObject({kind: 'known', value: true})
    expect(m.names.get('workers')).toMatchObject({kind: 'known', value: 4})
    expect(m.names.get('size')).toMatchObject({kind: 'known', value: 7})
    // After `env = {...}` the name is that dict, not the environment.
    expect(m.names.get('later')).toMatchObject({kind: 'known', value: '9'})
  })
})

describe('django-split-settings include()', () => {
  // settings/__init__.py includes files relative to its folder; each runs in the same globals, in order.
  const files: Record<string, string> = {
    'settings/base.py': 'WORKERS = 2\nNAMES = ["base"]\n',
    'settings/prod.py': 'WORKERS = WORKERS * 3\n',
  }
  async function include(text: string) {
    const runFile = async (path: string, scope: Map<string, EvalValue>) =>
      files[path] === undefined ? undefined : evaluatePython(path, files[path], {env: envOf({}), scope})
    return evaluatePython('settings/__init__.py', text, {env: envOf({}), runFile})
  }

  it('runs each file in this module\'s globals, later files seeing earlier names: 2 × 3 = 6; list.append and *splat name the files', async () => {
    const m = await include('from split_settings.tools import include, optional\nparts = ["base.py"]\nparts.append("prod.py")\ninclude(*parts, optional("local.py"))\n')
    expect(m.names.get('WORKERS')).toMatchObject({file: 'settings/prod.py', kind: 'known', line: 1, value: 6})
    // optional() of a file not in the app is skipped, as django-split-settings does.
    expect(m.diagnostics).toEqual([])
  })

  it('a missing file not wrapped in optional(), a glob pattern, or an unreadable name is said, not guessed', async () => {
    const m = await include('from split_settings.tools import include\ninclude("base.py", "missing.py", "components/*.py", NAME)\n')
    expect(m.names.get('WORKERS')).toMatchObject({value: 2})
    expect(m.diagnostics.map((d) => [d.code, d.line])).toEqual([['unknown-config-value', 2], ['unknown-config-value', 2], ['unknown-config-value', 2]])
    expect(m.diagnostics[0].message).toContain('"missing.py"')
    expect(m.diagnostics[1].message).toContain('runs every file the pattern matches')
  })
})
