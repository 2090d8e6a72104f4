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
    // Total: web 3 + warm 2 + proxy 2 = 7, none of it an unknown command.
    expect(r.total).toBe(7)
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
