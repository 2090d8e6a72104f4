import type {ServerAnalyzer} from './types.js'

import {celery} from './celery.js'
import {daphne} from './daphne.js'
import {dramatiq} from './dramatiq.js'
import {go} from './go.js'
import {gunicorn} from './gunicorn.js'
import {hypercorn} from './hypercorn.js'
import {jvm} from './jvm.js'
import {node} from './node.js'
import {php} from './php.js'
import {puma} from './puma.js'
import {release} from './release.js'
import {resque} from './resque.js'
import {rq} from './rq.js'
import {sidekiq} from './sidekiq.js'
import {unicorn} from './unicorn.js'
import {unknown} from './unknown.js'
import {uvicorn} from './uvicorn.js'

/**
 * Server analyzers in the order they are tried; the first that matches a
 * process type's command wins, and `unknown` matches everything. `go` is
 * last before it: it matches any bare program in an app with a go.mod.
 */
export const analyzers: ServerAnalyzer[] = [release, puma, unicorn, sidekiq, resque, gunicorn, uvicorn, hypercorn, daphne, celery, rq, dramatiq, node, jvm, php, go, unknown]
