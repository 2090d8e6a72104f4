/**
 * Start scripts that run programs beside the server (test/fixtures/start-scripts-beside-servers):
 * nginx in front of gunicorn, curl waiting for the server to answer, and the bin/run that
 * Scalingo's nginx buildpack writes at build (named in .buildpacks). These programs are the
 * table of src/languages/shell/programs.ts: they hold no PostgreSQL connection, and the type
 * is its server's, not an unknown command counted as 1.
 * DATABASES: one alias from dj_database_url.config; Django holds one connection per thread;
 * gunicorn's default worker is sync (1 thread).
 */
import {describe, expect, it} from 'vitest'

import {memoryFiles} from '../../src/model/files.js'
import {buildpackRun} from '../../src/procfile/buildpack-run.js'
import {knownProgram} from '../../src/languages/shell/programs.js'
import {analyzers} from '../../src/procfile/registry.js'
import {ctxFor} from '../analyzers/helpers.js'
import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('start-scripts-beside-servers'), ['--plan', 'standard-0'])

describe('programs beside the server in a start script', () => {
  it('gunicorn & then nginx in the foreground: a gunicorn type (--workers=3 × 1 = 3), nginx beside it with 0', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 3, processesPerDyno: 3, server: 'gunicorn', threadsPerProcess: 1})
    const nginx = r.type('web').extras.find((e) => e.reason.startsWith('`nginx'))
    expect(nginx).toMatchObject({count: 0, kind: 'script-process'})
    expect(nginx!.source.via).toContainEqual(expect.objectContaining({kind: 'default', ref: 'https://nginx.org/en/docs/beginners_guide.html'}))
    expect(r.diagnostics.filter((d) => d.processType === 'web')).toEqual([])
  })

  it('a server started with & and waited for with curl, break and wait: the server is the process (--workers 2 × 1 = 2)', () => {
    const r = plan()
    expect(r.type('warm')).toMatchObject({connectionsPerDyno: 2, processesPerDyno: 2, server: 'gunicorn'})
    // curl is not the process, and the `if` around `break` starts nothing: no assumption, no unknown command.
    expect(r.diagnostics.filter((d) => d.processType === 'warm')).toEqual([])
  })

  it('bin/run the repo lacks, with Scalingo\'s nginx buildpack in .buildpacks: nginx (0) beside gunicorn (--workers 2 × 1 = 2)', () => {
    const r = plan()
    expect(r.type('proxy')).toMatchObject({connectionsPerDyno: 2, server: 'gunicorn'})
    const nginx = r.type('proxy').extras.find((e) => e.reason.startsWith('`nginx'))
    expect(nginx).toMatchObject({count: 0})
    expect(nginx!.source.source).toEqual({file: '.buildpacks', kind: 'file', line: 2})
    expect(nginx!.source.via).toContainEqual(expect.objectContaining({ref: 'https://github.com/Scalingo/nginx-buildpack/blob/master/bin/compile'}))
    expect(r.codes).not.toContain('unknown-command')
  })
})

describe('a loop runs its commands in turn: the process holds the largest', () => {
  it('bin/clock.sh: `manage.py send_digest` (1) and, through $(dirname "$0")/backup.sh, pg_dump --jobs=3 (3 + 1 = 4): 4, read, no branch assumed', () => {
    const r = plan()
    // send_digest: a Django command of INSTALLED_APPS' portal (found through manage.py's os.environ["DJANGO_SETTINGS_MODULE"] = …),
    // no thread started: 1 thread × 1 alias = 1. pg_dump with 3 jobs: 3 workers + its own = 4. The larger: 4.
    expect(r.type('clock')).toMatchObject({connectionsPerDyno: 4, server: 'pg_dump'})
    const notes = r.type('clock').sources.processesPerDyno.via ?? []
    expect(notes).toContainEqual(expect.objectContaining({kind: 'default', what: expect.stringContaining('bin/clock.sh:5: the loop runs `python manage.py send_digest` (1), `pg_dump --jobs=3')}))
    // Both `if`s on the time are undecided, but in a loop each runs on some turn: nothing is assumed.
    expect(r.diagnostics.filter((d) => d.processType === 'clock')).toEqual([])
  })
})

describe('OpenFGA started by a script (authz/openfga.sh → $(dirname $0)/start.sh → openfga run)', () => {
  it('no engine set here: PostgreSQL assumed, with OpenFGA\'s default of 30 connections (max open conns)', () => {
    const r = plan()
    expect(r.type('authz')).toMatchObject({connectionsPerDyno: 30, server: 'openfga'})
    expect(r.type('authz').sources['pool.openfga'].source).toMatchObject({kind: 'assumed', why: expect.stringContaining('OPENFGA_DATASTORE_ENGINE is not set here')})
    expect(r.diagnostics.filter((d) => d.processType === 'authz' && d.code === 'unknown-command')).toEqual([])
  })

  it('OPENFGA_DATASTORE_MAX_OPEN_CONNS=12 with the postgres engine: 12, read; the memory engine: 0', () => {
    const pg = planJson(procfileOf('start-scripts-beside-servers'), ['--plan', 'standard-0', '--env', 'OPENFGA_DATASTORE_ENGINE=postgres', '--env', 'OPENFGA_DATASTORE_MAX_OPEN_CONNS=12'])
    expect(pg.type('authz').connectionsPerDyno).toBe(12)
    expect(pg.type('authz').sources['pool.openfga'].source).toMatchObject({from: '--env', kind: 'env', name: 'OPENFGA_DATASTORE_MAX_OPEN_CONNS'})
    const memory = planJson(procfileOf('start-scripts-beside-servers'), ['--plan', 'standard-0', '--env', 'OPENFGA_DATASTORE_ENGINE=memory'])
    expect(memory.type('authz').connectionsPerDyno).toBe(0)
  })

  it('the app\'s total: web 3 + warm 2 + proxy 2 + clock 4 + authz 30 = 41, with no unknown command', () => {
    const r = plan()
    expect(r.total).toBe(41)
    expect(r.codes).not.toContain('unknown-command')
  })
})

describe('bin/run written by a buildpack', () => {
  it("Scalingo's PHP buildpack: PHP-FPM first (the server), nginx beside it; app.json buildpacks are read too", () => {
    const files = memoryFiles({'app.json': JSON.stringify({buildpacks: [{url: 'https://github.com/Scalingo/php-buildpack'}]})})
    const run = buildpackRun(['bin/run'], files)
    expect(run).toMatchObject({commands: [expect.stringMatching(/^php-fpm /), expect.stringMatching(/^nginx /)], from: {file: 'app.json'}})
  })

  it('a bin/run in the repo is the app\'s own script; one absent with no such buildpack named says why', () => {
    expect(buildpackRun(['./bin/run', 'celery'], memoryFiles({'bin/run': '#!/bin/sh\nexec "$@"\n', '.buildpacks': 'https://github.com/Scalingo/nginx-buildpack\n'}))).toBeUndefined()
    expect(buildpackRun(['bin/run'], memoryFiles({}))).toEqual({missing: expect.stringContaining('bin/run is not in the app')})
    expect(buildpackRun(['bin/server'], memoryFiles({}))).toBeUndefined()
  })
})

describe('the table of programs that are not the server', () => {
  it('finishes vs stays up, and what each holds: curl 0, nginx 0 (stays up), pg_dump 1, pg_dump -j 4 = 4 workers + its own = 5', () => {
    expect(knownProgram(['curl', 'http://x'])).toMatchObject({connections: 0, kind: 'finishes'})
    expect(knownProgram(['/usr/bin/curl', '-X', 'POST'])).toMatchObject({kind: 'finishes'})
    expect(knownProgram(['exec', 'nginx', '-g', 'daemon off;'])).toMatchObject({connections: 0, kind: 'stays-up'})
    expect(knownProgram(['pg_dump', '--dbname', 'x'])).toMatchObject({connections: 1, kind: 'finishes'})
    expect(knownProgram(['pg_dump', '-j', '4', '-Fd'])?.connections).toBe(5)
    expect(knownProgram(['pg_dump', '--jobs=2'])?.connections).toBe(3)
    expect(knownProgram(['tail', '-F', 'log/x.log'])).toMatchObject({kind: 'stays-up'})
    expect(knownProgram(['tail', 'log/x.log'])).toMatchObject({kind: 'finishes'})
    // A program that loads the app is never in the table.
    expect(knownProgram(['gunicorn', 'app:app'])).toBeUndefined()
    expect(knownProgram(['env', 'X=1', 'gunicorn'])).toBeUndefined()
  })
})

describe('manage.py of another framework', () => {
  const analyze = async (command: string, files: ReturnType<typeof memoryFiles>) => {
    const ctx = ctxFor(command, {files})
    const a = analyzers.find((x) => x.matches(ctx.command, ctx))!
    return {id: a.id, ...(await a.analyze(ctx))}
  }

  it('a Flask-Script manage.py (no Django import): not a Django management command; the unknown command says why, and runserver is Werkzeug\'s', async () => {
    const files = memoryFiles({'manage.py': '#!/usr/bin/env python\nfrom flask_script import Manager\n\nfrom app import create_app\n\nmanager = Manager(create_app())\n\nif __name__ == "__main__":\n    manager.run()\n'})
    const a = await analyze('./manage.py send_digest', files)
    expect(a.id).toBe('unknown')
    expect(a.diagnostics[0].message).toContain('manage.py is written with Flask-Script, not Django, and conncalc has no analyzer for its `send_digest` command')
    expect((await analyze('./manage.py runserver -p 5000', files)).id).toBe('werkzeug')
  })

  it('a Django manage.py stays a Django command', async () => {
    const files = memoryFiles({'manage.py': 'import os\nimport sys\nfrom django.core.management import execute_from_command_line\n'})
    expect((await analyze('python manage.py process_tasks', files)).id).toBe('django-command')
  })
})

describe('a script the repo does not hold', () => {
  it('says it is not in the app instead of "does not recognise"', async () => {
    const ctx = ctxFor('./devops/prod.sh', {files: memoryFiles({'devops/prod_api.sh': 'gunicorn app:app\n'})})
    const a = analyzers.find((x) => x.matches(ctx.command, ctx))!
    expect((await a.analyze(ctx)).diagnostics[0].message).toContain('"./devops/prod.sh": devops/prod.sh is not in the app')
  })
})
