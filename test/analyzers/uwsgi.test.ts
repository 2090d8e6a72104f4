import {describe, expect, it} from 'vitest'

import {uwsgi} from '../../src/languages/python/uwsgi.js'
import {memoryFiles} from '../../src/model/files.js'
import {describeSourced} from '../../src/model/source.js'
import {ctxFor} from './helpers.js'

const SETTINGS = 'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "app"}}\n'
const WSGI = 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")\n'
const APP = {'proj/__init__.py': '', 'proj/settings.py': SETTINGS, 'proj/wsgi.py': WSGI}

async function run(command: string, files: Record<string, string> = {}, env: Record<string, string> = {}) {
  const ctx = ctxFor(command, {dynoSize: 'standard-1x', env, files: memoryFiles({...APP, ...files})})
  expect(uwsgi.matches(ctx.command, ctx)).toBe(true)
  return uwsgi.analyze(ctx)
}

const shape = (a: {processesPerDyno: {value: number}; threadsPerProcess: {value: number}}) => [a.processesPerDyno.value, a.threadsPerProcess.value]

describe('uWSGI', () => {
  it('defaults to 1 process of 1 thread (core/init.c)', async () => {
    const a = await run('uwsgi --http-socket :5000 --module proj.wsgi:application')
    expect(shape(a)).toEqual([1, 1])
    expect(describeSourced(a.processesPerDyno)).toContain('uwsgi.numproc = 1')
    expect(a.pools?.[0].pool.value).toBe(1)
  })

  it('reads --processes/--workers/-p and --threads in every spelling; -w is the module, not workers', async () => {
    expect(shape(await run('uwsgi --http-socket=:5000 --master --workers=2 --threads=8 --die-on-term --wsgi-file=proj/wsgi.py'))).toEqual([2, 8])
    const a = await run('uwsgi --lazy --http-socket :5000 -w proj.wsgi -L -p 4 -l 128')
    expect(shape(a)).toEqual([4, 1])
    expect(describeSourced(a.processesPerDyno)).toBe('flag -p 4')
    expect(shape(await run('python -m uwsgi --processes 3 --enable-threads --module proj.wsgi'))).toEqual([3, 1])
  })

  it('reads ini sections, placeholders with math, $(ENV) with defaults, env = and %k', async () => {
    const ini = '[uwsgi]\nmodule = proj.wsgi\nbase = $(WEB_CONCURRENCY:-2)\nprocesses = %(base + 1)\nthreads = %k\n[dev]\nprocesses = 1\n'
    const a = await run('uwsgi uwsgi.ini', {'uwsgi.ini': ini})
    expect(shape(a)).toEqual([3, 8])
    expect(a.processesPerDyno.source).toEqual({file: 'uwsgi.ini', kind: 'file', line: 4})
    expect(shape(await run('uwsgi --ini uwsgi.ini:dev', {'uwsgi.ini': ini}))).toEqual([1, 1])
    const env = await run('uwsgi --ini uwsgi.ini', {'uwsgi.ini': ini}, {WEB_CONCURRENCY: '4'})
    expect(env.processesPerDyno.value).toBe(5)
    expect(env.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'env', name: 'WEB_CONCURRENCY'}))
    expect(env.diagnostics).toContainEqual(expect.objectContaining({code: 'cpu-count-default'}))
  })

  it('reads yaml and json configs, and UWSGI_* env vars as options', async () => {
    const yaml = 'uwsgi:\n  module: proj.wsgi\n  processes: 4\n  threads: 2\n'
    expect(shape(await run('uwsgi --yaml uwsgi.yml', {'uwsgi.yml': yaml}))).toEqual([4, 2])
    const json = '{"uwsgi": {\n  "module": "proj.wsgi",\n  "workers": 5\n}}\n'
    const j = await run('uwsgi --json uwsgi.json', {'uwsgi.json': json})
    expect(shape(j)).toEqual([5, 1])
    expect(j.processesPerDyno.source).toEqual({file: 'uwsgi.json', kind: 'file', line: 3})
    expect(shape(await run('uwsgi --module proj.wsgi', {}, {UWSGI_PROCESSES: '6'}))).toEqual([6, 1])
  })

  it('counts processes, not cheaper, and says so', async () => {
    const a = await run('uwsgi --ini uwsgi.ini', {'uwsgi.ini': '[uwsgi]\nmodule = proj.wsgi\ncheaper = 2\ncheaper-initial = 2\nworkers = 10\n'})
    expect(a.processesPerDyno.value).toBe(10)
    expect(a.processesPerDyno.via).toContainEqual(expect.objectContaining({what: expect.stringContaining('cheaper (2) is the fewest workers')}))
  })

  it('treats --gevent N as N async cores per process, bounded only by a pool', async () => {
    const a = await run('uwsgi --gevent 100 --http-socket :5000 --module proj.wsgi --processes 2')
    expect(shape(a)).toEqual([2, 100])
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'greenlet-concurrency', severity: 'info'}))
  })

  it('says what it cannot read: unset env, @(file), magic variables, undecidable conditions, missing files', async () => {
    const unset = await run('uwsgi --ini u.ini', {'u.ini': '[uwsgi]\nprocesses = $(UWSGI_WORKERS)\n'})
    expect(unset.processesPerDyno.value).toBe(1)
    expect(unset.diagnostics).toContainEqual(expect.objectContaining({code: 'unresolved-env', file: 'u.ini', line: 2}))
    const file = await run('uwsgi --ini u.ini', {'u.ini': '[uwsgi]\nprocesses = @(/etc/workers)\nthreads = %n\n'})
    expect(file.diagnostics.filter((d) => d.code === 'unknown-config-value').map((d) => d.line)).toEqual([2, 3])
    const cond = await run('uwsgi --ini u.ini', {'u.ini': '[uwsgi]\nif-hostname = web1\nprocesses = 8\nendif =\nif-env = BIG\nprocesses = 16\nendif =\n'})
    expect(cond.processesPerDyno.value).toBe(1)
    expect(cond.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', line: 3, message: expect.stringContaining('a condition conncalc cannot decide')}))
    expect((await run('uwsgi --ini u.ini', {'u.ini': '[uwsgi]\nif-env = BIG\nprocesses = 16\nendif =\n'}, {BIG: '1'})).processesPerDyno.value).toBe(16)
    const missing = await run('uwsgi --ini nope.ini')
    expect(missing.diagnostics).toContainEqual(expect.objectContaining({code: 'missing-config', severity: 'error'}))
  })
})
