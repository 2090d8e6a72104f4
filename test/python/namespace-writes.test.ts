/**
 * Names a module sets through its namespace (`globals().update(cfg)`, `globals()[k] = v`, `locals()`/`vars()` at
 * module level, where they are the globals): read when the names and values are readable; otherwise every name
 * the module does not hold is that write's unknown value, and the plain values set before it may be replaced.
 * Comprehensions over known dicts and lists (`{k: v for k, v in locals().items() if not k.startswith("_")}`)
 * are evaluated on the way.
 */
import type {EvalValue} from '../../src/languages/python/values.js'
import {describe, expect, it} from 'vitest'

import {asInteger, evaluatePython} from '../../src/languages/python/evaluate.js'
import {envOf} from '../analyzers/helpers.js'

const run = async (lines: string[], env: Record<string, string> = {}) => evaluatePython('server.conf.py', lines.join('\n'), {env: envOf(env)})
const reason = (v: EvalValue | undefined): string => (v?.kind === 'unknown' ? v.reason : `known ${JSON.stringify(v?.kind === 'known' ? v.value : undefined)}`)

describe('names set through globals() / locals() / vars()', () => {
  it('a function returning its locals() filtered by a comprehension, then globals().update(...): each name read', async () => {
    const m = await run([
      'import os',
      '',
      'def options():',
      '    procs = int(os.environ.get("APP_PROCS", "3"))',
      '    threads = 4',
      '    _private = "hidden"',
      '    return {name: value for name, value in locals().items() if not name.startswith("_")}',
      '',
      'opts = options()',
      'globals().update(opts)',
    ])
    expect(asInteger(m.names.get('procs'))).toBe(3)
    expect(asInteger(m.names.get('threads'))).toBe(4)
    // Filtered out, and nothing unread was written: simply absent.
    expect(m.names.get('_private')).toBeUndefined()
    expect(m.names.get('timeout')).toBeUndefined()
    const env = await run(['import os', 'def options():', '    procs = int(os.environ.get("APP_PROCS", "3"))', '    return {k: v for k, v in locals().items()}', 'globals().update(options())'], {APP_PROCS: '7'})
    expect(asInteger(env.names.get('procs'))).toBe(7)
  })

  it('globals()["x"] = v, locals()["y"] = v and vars().update(z=...) at module level set the name', async () => {
    const m = await run(['globals()["procs"] = 5', 'locals()["threads"] = 2', 'vars().update(backlog=64)', 'procs_doubled = procs * 2'])
    expect(asInteger(m.names.get('procs'))).toBe(5)
    expect(asInteger(m.names.get('threads'))).toBe(2)
    expect(asInteger(m.names.get('backlog'))).toBe(64)
    expect(asInteger(m.names.get('procs_doubled'))).toBe(10)
  })

  it('an update conncalc cannot read: a name the module does not hold is unknown with the line, and earlier plain values may be replaced', async () => {
    const m = await run(['import yaml', 'timeout = 30', 'def helper():', '    return 1', 'globals().update(yaml.safe_load(open("server.yml")))'])
    expect(reason(m.names.get('procs'))).toBe('`globals().update(yaml.safe_load(open("server.yml")))` (server.conf.py:5) sets names conncalc cannot read, and `procs` may be one of them')
    expect(m.names.get('procs')).toMatchObject({file: 'server.conf.py', line: 5})
    expect(reason(m.names.get('timeout'))).toContain('`timeout` may be replaced by `globals().update(yaml.safe_load(open("server.yml")))` (line 5)')
    // A function is not a setting: kept.
    expect(m.names.get('helper')).toMatchObject({kind: 'known'})
  })

  it('a loop over a known dict or list is read per item: `for k, v in conf.items(): globals()[k] = v` sets each name', async () => {
    const m = await run(['timeout = 30', 'conf = {"procs": 3, "threads": 2}', 'for key, value in conf.items():', '    globals()[key] = value'])
    expect(asInteger(m.names.get('procs'))).toBe(3)
    expect(asInteger(m.names.get('threads'))).toBe(2)
    expect(asInteger(m.names.get('timeout'))).toBe(30)
    expect(m.names.get('backlog')).toBeUndefined()
  })

  it('behind an undecided `if` in such a loop, only the names it may write are unknown; the rest stay read', async () => {
    const m = await run([
      'import os',
      'from flags import wanted',
      'DATABASES = {"default": {"CONN_MAX_AGE": 60}}',
      'for _name in ("MAIL_HOST", "MAIL_PORT"):',
      '    if wanted(_name):',
      '        globals()[_name] = os.environ.get(_name)',
      'for _name in ("MAIL_USER", "MAIL_PORT"):',
      '    if _name in os.environ:',
      '        globals()[_name] = os.environ[_name]',
    ], {MAIL_PORT: '25'})
    expect(reason(m.names.get('MAIL_HOST'))).toBe('`MAIL_HOST` may be set by `globals()[_name] = os.environ.get(_name)` (line 6), which runs in a loop, an `if` or an `except` conncalc does not decide')
    // `in os.environ` is decided: MAIL_PORT is set (to "25"), MAIL_USER is not.
    expect(asInteger(m.names.get('MAIL_PORT'))).toBe(25)
    expect(m.names.get('MAIL_USER')).toBeUndefined()
    expect(m.names.get('DATABASES')).toMatchObject({kind: 'known', value: {kind: 'dict'}})
    expect(m.names.get('OTHER')).toBeUndefined()
  })

  it('a loop conncalc cannot read the items of: unknown names, with the line', async () => {
    const m = await run(['import yaml', 'for key, value in yaml.safe_load(open("s.yml")).items():', '    globals()[key] = value'])
    expect(reason(m.names.get('procs'))).toBe('`globals()[key] = value` (server.conf.py:3) sets names conncalc cannot read, and `procs` may be one of them')
    const known = await run(['for _ in range(2):', '    globals()["procs"] = 3'])
    expect(reason(known.names.get('procs'))).toBe('`procs` may be set by `globals()["procs"] = 3` (line 2), which runs in a loop, an `if` or an `except` conncalc does not decide')
    const exits = await run(['for key in ["procs", "threads"]:', '    if key == "threads":', '        break', '    globals()[key] = 4'])
    expect(reason(exits.names.get('procs'))).toContain('`procs` may be set by')
  })

  it('a function\'s own locals().update(...) changes nothing; its globals().update(...) sets the module\'s names when it is called', async () => {
    const m = await run([
      'def local_only():',
      '    locals().update({"procs": 9})',
      '    return 1',
      'def publish():',
      '    globals().update({"threads": 6})',
      'local_only()',
      'publish()',
    ])
    expect(m.names.get('procs')).toBeUndefined()
    expect(asInteger(m.names.get('threads'))).toBe(6)
    // Defined, never called: its write never happens.
    const uncalled = await run(['def publish():', '    globals().update(load())'])
    expect(uncalled.names.get('threads')).toBeUndefined()
  })

  it('an app\'s own `vars` or `globals` is not the builtin', async () => {
    const m = await run(['def vars():', '    return {}', 'vars().update({"procs": 4})'])
    expect(m.names.get('procs')).toBeUndefined()
  })

  it('comprehensions: over a known dict or list they are evaluated; an undecided filter makes a dict partial', async () => {
    const m = await run([
      'from toggles import is_enabled',
      'sizes = {"web": 4, "jobs": 2}',
      'doubled = {k: v * 2 for k, v in sizes.items()}',
      'names = [k.upper() for k in sizes if k != "jobs"]',
      'maybe = {k: v for k, v in sizes.items() if is_enabled(k)}',
      'opaque = [x for x in unknown_list]',
    ])
    const doubled = m.names.get('doubled')
    expect(doubled?.kind === 'known' && typeof doubled.value === 'object' && doubled.value?.kind === 'dict' ? Object.fromEntries([...doubled.value.entries].map(([k, v]) => [k, asInteger(v)])) : undefined).toEqual({jobs: 4, web: 8})
    const names = m.names.get('names')
    expect(names?.kind === 'known' && typeof names.value === 'object' && names.value?.kind === 'list' ? names.value.items.map((i) => (i.kind === 'known' ? i.value : undefined)) : undefined).toEqual(['WEB'])
    expect(m.names.get('maybe')).toMatchObject({kind: 'known', value: {kind: 'dict', partial: true}})
    expect(m.names.get('opaque')).toMatchObject({kind: 'unknown'})
    // An unset variable is None: every item filtered out, nothing undecided.
    const unset = await run(['import os', 'sizes = {"web": 4}', 'unset = {k: v for k, v in sizes.items() if os.environ.get(k.upper())}'])
    expect(unset.names.get('unset')).toMatchObject({kind: 'known', value: {entries: new Map(), kind: 'dict'}})
  })

  it('a comprehension\'s calls are still recorded once, as in a loop', async () => {
    const m = await run(['from sqlalchemy import create_engine', 'URLS = {"a": "postgres://a", "b": "postgres://b"}', 'engines = {k: create_engine(u) for k, u in URLS.items()}'])
    expect(m.calls.filter((c) => c.callee === 'sqlalchemy.create_engine').map((c) => ({conditional: c.conditional, loop: c.loop}))).toEqual([{conditional: true, loop: true}])
  })
})
