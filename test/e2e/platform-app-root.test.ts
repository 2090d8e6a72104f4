/**
 * Paths a command names by the app's absolute location on the platform
 * (test/fixtures/platform-app-root): Cloud Foundry unpacks the app into /home/vcap/app,
 * Heroku into /app. `gunicorn -c /home/vcap/app/gunicorn_config.py` is the app's
 * gunicorn_config.py, not a file outside the app (GSA/notifications-api's shape: its 4
 * eventlet workers × 256 greenlets were read as the buildpack's 2 × 1 before).
 * gunicorn_config.py: workers = 3, threads = 4; application.py: create_engine(pool_size=2,
 * max_overflow=1) → pool 3 per process, min(3, 4 threads) = 3 connections per process.
 * The wrapper script also starts `aws logs push &` (the CloudWatch Logs agent): a process
 * beside the server holding no PostgreSQL connection.
 */
import {describe, expect, it} from 'vitest'

import {knownProgram} from '../../src/languages/shell/programs.js'
import {appPath} from '../../src/languages/common/setting.js'
import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('platform-app-root'), ['--plan', 'standard-0', '--scale', 'web=1', 'heroku=1'])

describe("the platform's app root in a command", () => {
  it('-c /home/vcap/app/gunicorn_config.py through a wrapper script: the config is read (3 workers × min(pool 3, 4 threads) = 9)', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 9, processesPerDyno: 3, server: 'gunicorn', threadsPerProcess: 4})
    expect(r.type('web').sources.processesPerDyno.source).toEqual({file: 'gunicorn_config.py', kind: 'file', line: 3})
    expect(r.codes).not.toContain('missing-config')
    // Only what the read config implies: 4 threads share a pool of 3.
    expect(r.diagnostics.filter((d) => d.processType === 'web').map((d) => d.code)).toEqual(['pool-below-threads'])
  })

  it('aws logs push & beside the server: 0 connections, no unknown command; `aws configure set` finishes', () => {
    const r = plan()
    const agent = r.type('web').extras.find((e) => e.reason.startsWith('`aws logs push'))
    expect(agent).toMatchObject({count: 0, kind: 'script-process'})
    expect(r.codes).not.toContain('unknown-command')
    expect(knownProgram(['aws', 'configure', 'set', 'x', 'y'])).toMatchObject({connections: 0, kind: 'finishes'})
    expect(knownProgram(['aws', 'logs', 'tail', 'grp', '--follow'])).toMatchObject({connections: 0, kind: 'stays-up'})
    expect(knownProgram(['aws', 's3', 'cp', 'a', 'b'])).toMatchObject({kind: 'finishes'})
  })

  it("-c /app/gunicorn_config.py (Heroku's app folder) with --workers 2 on the command line: 2 × 3 = 6", () => {
    const r = plan()
    expect(r.type('heroku')).toMatchObject({connectionsPerDyno: 6, processesPerDyno: 2, threadsPerProcess: 4})
    expect(r.total).toBe(15)
  })

  it('only the platform app roots are taken off; other absolute paths stay absolute', () => {
    expect(appPath('/home/vcap/app/config/x.py')).toBe('config/x.py')
    expect(appPath('/app/config/puma.rb')).toBe('config/puma.rb')
    expect(appPath('./config/puma.rb')).toBe('config/puma.rb')
    expect(appPath('/etc/gunicorn.py')).toBe('/etc/gunicorn.py')
    expect(appPath('/application/x.py')).toBe('/application/x.py')
  })
})
