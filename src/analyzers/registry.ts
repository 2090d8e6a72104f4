import type {ServerAnalyzer} from './types.js'

import {puma} from './puma.js'
import {release} from './release.js'
import {resque} from './resque.js'
import {sidekiq} from './sidekiq.js'
import {unicorn} from './unicorn.js'
import {unknown} from './unknown.js'

/**
 * Server analyzers in the order they are tried; the first that matches a
 * process type's command wins, and `unknown` matches everything.
 */
export const analyzers: ServerAnalyzer[] = [release, puma, unicorn, sidekiq, resque, unknown]
