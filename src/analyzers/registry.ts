import type {ProcessAddon, ServerAnalyzer} from './types.js'

import {actionCable} from './action-cable.js'
import {delayedJob} from './delayed-job.js'
import {goodJob, goodJobAsync} from './good-job.js'
import {newRelic} from './new-relic.js'
import {puma} from './puma.js'
import {que} from './que.js'
import {release} from './release.js'
import {resque} from './resque.js'
import {sidekiq} from './sidekiq.js'
import {solidQueue, solidQueueInPuma} from './solid-queue.js'
import {unicorn} from './unicorn.js'
import {unknown} from './unknown.js'

/**
 * Server analyzers in the order they are tried; the first that matches a
 * process type's command wins, and `unknown` matches everything.
 */
export const analyzers: ServerAnalyzer[] = [release, puma, unicorn, sidekiq, resque, goodJob, solidQueue, delayedJob, que, unknown]

/** Add-ons that run inside other servers' processes, applied to every process type in this order. */
export const addons: ProcessAddon[] = [actionCable, goodJobAsync, solidQueueInPuma, newRelic]
