import {describe, expect, it} from 'vitest'

import {analyzers} from '../../src/analyzers/registry.js'
import {celery} from '../../src/analyzers/celery.js'
import {daphne} from '../../src/analyzers/daphne.js'
import {delayedJob} from '../../src/analyzers/delayed-job.js'
import {djangoCommand} from '../../src/analyzers/django-command.js'
import {dramatiq} from '../../src/analyzers/dramatiq.js'
import {go} from '../../src/analyzers/go.js'
import {gunicorn} from '../../src/analyzers/gunicorn.js'
import {hypercorn} from '../../src/analyzers/hypercorn.js'
import {jvm} from '../../src/analyzers/jvm.js'
import {node} from '../../src/analyzers/node.js'
import {php} from '../../src/analyzers/php.js'
import {que} from '../../src/analyzers/que.js'
import {resque} from '../../src/analyzers/resque.js'
import {rq} from '../../src/analyzers/rq.js'
import {uvicorn} from '../../src/analyzers/uvicorn.js'
import {uwsgi} from '../../src/analyzers/uwsgi.js'

describe('lazily loaded analyzers', () => {
  const lazy = [celery, daphne, delayedJob, djangoCommand, dramatiq, go, gunicorn, hypercorn, jvm, node, php, que, resque, rq, uvicorn, uwsgi]

  it.each(lazy.map((a) => [a.id, a] as const))('%s: the registry entry has the module\'s id and the very same matches()', (id, impl) => {
    const entry = analyzers.find((a) => a.id === id)
    expect(entry).toBeDefined()
    expect(entry!.matches).toBe(impl.matches)
  })

  it('every analyzer id is unique', () => {
    const ids = analyzers.map((a) => a.id)
    expect(new Set(ids).size).toBe(ids.length)
  })
})
