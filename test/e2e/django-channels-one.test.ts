/**
 * Django Channels 1.x (test/fixtures/django-channels-one): Daphne 1.x serving the channel layer
 * (`chat.asgi:channel_layer`, made by channels.asgi.get_channel_layer()) is an interface server
 * that relays messages to Redis and runs no Django code (channels 1.1.8 docs/deploying.rst): 0.
 * `manage.py runworker` runs the views: --threads worker threads, default 1
 * (channels/management/commands/runworker.py 1.1.8), each with Django's connection per alias.
 * Before, the web was Django over ASGI (1 assumed, unbounded-pool) and runworker an unknown command.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('django-channels-one'), ['--plan', 'standard-0', '--scale', 'web=2', 'worker=1', 'worker_one=1'])

describe('Django Channels 1.x', () => {
  it('daphne on the channel layer: 0 connections, from the asgi module and the channels pin', () => {
    const r = plan()
    expect(r.type('web')).toMatchObject({connections: 0, processesPerDyno: 1, server: 'daphne', threadsPerProcess: 0})
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual({file: 'chat/asgi.py', kind: 'file', line: 6})
    expect(r.type('web').sources.threadsPerProcess.via).toContainEqual({file: 'requirements.txt', kind: 'file', line: 2})
    expect(r.codes).not.toContain('unbounded-pool')
  })

  it('runworker --threads 4: 1 process × 4 threads × 1 connection = 4; runworker alone: 1; total 5, nothing unknown', () => {
    const r = plan()
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 4, processesPerDyno: 1, server: 'channels-worker', threadsPerProcess: 4})
    expect(r.type('worker').sources.threadsPerProcess.source).toEqual({flag: '--threads 4', kind: 'flag'})
    expect(r.type('worker_one')).toMatchObject({connectionsPerDyno: 1, threadsPerProcess: 1})
    expect(r.total).toBe(5)
    expect(r.codes).not.toContain('unknown-command')
  })
})
