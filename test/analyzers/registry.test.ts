import {describe, expect, it} from 'vitest'

import {analyzers} from '../../src/procfile/registry.js'
import {celery} from '../../src/languages/python/celery.js'
import {daphne} from '../../src/languages/python/daphne.js'
import {delayedJob} from '../../src/languages/ruby/delayed-job.js'
import {djangoCommand} from '../../src/languages/python/django-command.js'
import {dramatiq} from '../../src/languages/python/dramatiq.js'
import {go} from '../../src/languages/go/go.js'
import {gunicorn} from '../../src/languages/python/gunicorn.js'
import {hypercorn} from '../../src/languages/python/hypercorn.js'
import {jvm} from '../../src/languages/jvm/jvm.js'
import {node} from '../../src/languages/node/node.js'
import {php} from '../../src/languages/php/php.js'
import {que} from '../../src/languages/ruby/que.js'
import {resque} from '../../src/languages/ruby/resque.js'
import {rq} from '../../src/languages/python/rq.js'
import {uvicorn} from '../../src/languages/python/uvicorn.js'
import {uwsgi} from '../../src/languages/python/uwsgi.js'
import {waitress} from '../../src/languages/python/waitress.js'

describe('lazily loaded analyzers', () => {
  const lazy = [celery, daphne, delayedJob, djangoCommand, dramatiq, go, gunicorn, hypercorn, jvm, node, php, que, resque, rq, uvicorn, uwsgi, waitress]

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
