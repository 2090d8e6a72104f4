import type {ProcessAddon, ServerAnalyzer} from './types.js'

import {actionCable} from './action-cable.js'
import {delayedJob} from './delayed-job.js'
import {goodJob, goodJobAsync} from './good-job.js'
import {newRelic} from './new-relic.js'
import {celery} from './celery.js'
import {daphne} from './daphne.js'
import {djangoCommand} from './django-command.js'
import {dramatiq} from './dramatiq.js'
import {go} from './go.js'
import {gunicorn} from './gunicorn.js'
import {hypercorn} from './hypercorn.js'
import {jvm} from './jvm.js'
import {node} from './node.js'
import {php} from './php.js'
import {puma} from './puma.js'
import {que} from './que.js'
import {release} from './release.js'
import {resque} from './resque.js'
import {rq} from './rq.js'
import {sidekiq} from './sidekiq.js'
import {solidQueue, solidQueueInPuma} from './solid-queue.js'
import {unicorn} from './unicorn.js'
import {unknown} from './unknown.js'
import {uvicorn} from './uvicorn.js'
import {uwsgi} from './uwsgi.js'

/**
 * Server analyzers in the order they are tried; the first that matches a
 * process type's command wins, and `unknown` matches everything. `go` is
 * last before it: it matches any bare program in an app with a go.mod.
 */
export const analyzers: ServerAnalyzer[] = [
  release,
  puma,
  unicorn,
  sidekiq,
  resque,
  goodJob,
  solidQueue,
  delayedJob,
  que,
  gunicorn,
  uvicorn,
  hypercorn,
  daphne,
  uwsgi,
  celery,
  rq,
  dramatiq,
  djangoCommand,
  node,
  jvm,
  php,
  go,
  unknown,
]

/** Add-ons that run inside other servers' processes, applied to every process type in this order. */
export const addons: ProcessAddon[] = [actionCable, goodJobAsync, solidQueueInPuma, newRelic]
