/**
 * PHP on heroku-php-apache2 / heroku-php-nginx: PHP-FPM runs pm.max_children
 * workers per dyno, one request (and at most one PDO connection, persistent or
 * not) each. The buildpack sizes max_children from the dyno's memory and CPUs
 * at boot (bin/util/autotune.php) unless WEB_CONCURRENCY is set by the user.
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {assumed, fromDefault, sourced, type Sourced, uniqueSources} from '../../model/source.js'
import {envCandidate, firstOf, programName} from '../common/setting.js'
import {isPhp} from '../common/matchers.js'
import {phpWorker} from './php-command.js'
import {analyzePhpWorker} from './workers.js'

const AUTOTUNE = 'https://github.com/heroku/heroku-buildpack-php/blob/main/bin/util/autotune.php'
/** The PHP CNB (Fir) runs the same autotune, reading memory and CPUs from cgroups v1/v2 since 1.5.0. */
const AUTOTUNE_CNB = 'https://github.com/heroku/buildpacks-php/blob/main/buildpacks/php/CHANGELOG.md'
const PDO = 'https://www.php.net/manual/en/features.persistent-connections.php'

function autotuned(ctx: AnalyzerContext): Sourced<number> {
  const d = ctx.dyno
  if (!d) return sourced(4, fromDefault('heroku/php FPM children on a 512 MB dyno', AUTOTUNE), [assumed('dyno size unknown')])
  const n = d.row.webConcurrency.php
  const fir = d.row.generation === 'fir'
  const what = `heroku/php${fir ? ' (CNB, from the cgroup limits)' : ''} sizes PHP-FPM to ${n} children on ${d.name} (memory_limit 128M)`
  // The formula reads memory and CPUs: where either is a guess (Fir sizes, Private nproc), so is the result.
  const via = uniqueSources([[d.size.source, d.memoryMb.source, d.nproc.source].filter((s) => s.kind === 'assumed')])
  return sourced(n, fromDefault(what, fir ? AUTOTUNE_CNB : AUTOTUNE), via)
}

export const php: ServerAnalyzer = {
  analyze(ctx: AnalyzerContext): ServerAnalysis {
    const worker = phpWorker(ctx.command.argv)
    if (worker) return analyzePhpWorker(ctx, worker)

    // PHP ignores a WEB_CONCURRENCY another buildpack set (it checks WEB_CONCURRENCY_SET_BY).
    const setBy = ctx.env.get('WEB_CONCURRENCY_SET_BY')?.value
    const user = setBy && !setBy.includes('php') ? {diagnostics: []} : envCandidate(ctx.env, ['WEB_CONCURRENCY'], 'PHP-FPM children')
    const children = firstOf([user], autotuned(ctx))
    return {
      diagnostics: children.diagnostics,
      language: 'php',
      processesPerDyno: children.value,
      server: programName(ctx.command.argv[0]),
      threadsPerProcess: sourced(1, fromDefault('a PHP-FPM child serves one request at a time with at most one PDO connection per DSN', PDO)),
    }
  },
  id: 'php',
  matches: isPhp,
}
