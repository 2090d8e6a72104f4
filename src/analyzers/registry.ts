import type {ProcessAddon, ServerAnalyzer} from './types.js'

import {actionCable} from './action-cable.js'
import {goodJob, goodJobAsync} from './good-job.js'
import {lazyAnalyzer} from './lazy.js'
import {isCelery, isDaphne, isDelayedJob, isDjangoCommand, isDramatiq, isGo, isGunicorn, isHypercorn, isJvm, isNode, isPassenger, isPhp, isQue, isResque, isRq, isThin, isUvicorn, isUwsgi} from './matchers.js'
import {newRelic} from './new-relic.js'
import {puma} from './puma.js'
import {release} from './release.js'
import {sidekiq} from './sidekiq.js'
import {solidQueue, solidQueueInPuma} from './solid-queue.js'
import {unicorn} from './unicorn.js'
import {unknown} from './unknown.js'

/**
 * Server analyzers in the order they are tried; the first that matches a
 * process type's command wins, and `unknown` matches everything. `go` is
 * last before it: it matches any bare program in an app with a go.mod.
 * Analyzers a Rails app does not need are `lazyAnalyzer`s: their matcher is
 * here, their code loads only when a process type matches (lazy.ts).
 */
export const analyzers: ServerAnalyzer[] = [
  release,
  puma,
  unicorn,
  lazyAnalyzer('thin', isThin, async () => (await import('./thin.js')).thin),
  lazyAnalyzer('passenger', isPassenger, async () => (await import('./passenger.js')).passenger),
  sidekiq,
  lazyAnalyzer('resque', isResque, async () => (await import('./resque.js')).resque),
  goodJob,
  solidQueue,
  lazyAnalyzer('delayed_job', isDelayedJob, async () => (await import('./delayed-job.js')).delayedJob),
  lazyAnalyzer('que', isQue, async () => (await import('./que.js')).que),
  lazyAnalyzer('gunicorn', isGunicorn, async () => (await import('./gunicorn.js')).gunicorn),
  lazyAnalyzer('uvicorn', isUvicorn, async () => (await import('./uvicorn.js')).uvicorn),
  lazyAnalyzer('hypercorn', isHypercorn, async () => (await import('./hypercorn.js')).hypercorn),
  lazyAnalyzer('daphne', isDaphne, async () => (await import('./daphne.js')).daphne),
  lazyAnalyzer('uwsgi', isUwsgi, async () => (await import('./uwsgi.js')).uwsgi),
  lazyAnalyzer('celery', isCelery, async () => (await import('./celery.js')).celery),
  lazyAnalyzer('rq', isRq, async () => (await import('./rq.js')).rq),
  lazyAnalyzer('dramatiq', isDramatiq, async () => (await import('./dramatiq.js')).dramatiq),
  lazyAnalyzer('django-command', isDjangoCommand, async () => (await import('./django-command.js')).djangoCommand),
  lazyAnalyzer('node', isNode, async () => (await import('./node.js')).node),
  lazyAnalyzer('jvm', isJvm, async () => (await import('./jvm.js')).jvm),
  lazyAnalyzer('php', isPhp, async () => (await import('./php.js')).php),
  lazyAnalyzer('go', isGo, async () => (await import('./go.js')).go),
  unknown,
]

/** Add-ons that run inside other servers' processes, applied to every process type in this order. */
export const addons: ProcessAddon[] = [actionCable, goodJobAsync, solidQueueInPuma, newRelic]
