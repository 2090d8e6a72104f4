/**
 * PHP on heroku-php-apache2 / heroku-php-nginx: PHP-FPM runs pm.max_children
 * workers per dyno, one request (and at most one PDO connection, persistent or
 * not) each. The buildpack sizes max_children from the dyno's memory and CPUs
 * at boot (bin/util/autotune.php) unless WEB_CONCURRENCY is set by the user.
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import type {Diagnostic} from '../../model/diagnostic.js'

import {assumed, fromDefault, type Source, sourced, type Sourced, uniqueSources} from '../../model/source.js'
import {envCandidate, firstOf, programName} from '../common/setting.js'
import {isPhp} from '../common/matchers.js'
import {isScalingoPhpFpm, phpWorker} from './php-command.js'
import {analyzePhpWorker} from './workers.js'
import {anotherDatabase} from '../common/database-drivers.js'
import {laravelDatabase} from './laravel-database.js'
import {buildpackFpmChildren, imageFpmChildren} from './fpm-pools.js'
import {imagePreforkWorkers, isPhpApache} from './apache-prefork.js'
import {autotuneChildren, fpmMemoryLimit} from './fpm-memory-limit.js'
import {roadRunner} from './roadrunner.js'
import {frankenphp, isFrankenphp} from './frankenphp.js'

const AUTOTUNE = 'https://github.com/heroku/heroku-buildpack-php/blob/main/bin/util/autotune.php'
/** The PHP CNB (Fir) runs the same autotune, reading memory and CPUs from cgroups v1/v2 since 1.5.0. */
const AUTOTUNE_CNB = 'https://github.com/heroku/buildpacks-php/blob/main/buildpacks/php/CHANGELOG.md'
const PDO = 'https://www.php.net/manual/en/features.persistent-connections.php'
const HEROKU_PHP_BOOT = 'https://github.com/heroku/heroku-buildpack-php/blob/main/bin/heroku-php-nginx'
const SCALINGO_COMPILE = 'https://github.com/Scalingo/php-buildpack/blob/master/bin/compile'
const SCALINGO_AUTOTUNE = 'https://github.com/Scalingo/php-buildpack/blob/master/bin/util/autotune.php'
/** The RAM Scalingo's bin/run gives autotune per CONTAINER_SIZE (php-buildpack bin/compile). */
const SCALINGO_RAM: Record<string, number> = {'2XL': 4096, '3XL': 8182, L: 1024, M: 512, S: 256, XL: 2048}

function autotuned(ctx: AnalyzerContext): Sourced<number> {
  const d = ctx.dyno
  // A memory_limit the command's FPM config (-F/-f), the document root's .user.ini or its php.ini (-i) sets is the one autotune divides by.
  const set = fpmMemoryLimit(ctx.files, ctx.command.argv)
  if (!d) {
    const n = set ? autotuneChildren(512, 8, set.bytes) : 4
    return sourced(n, fromDefault(`heroku/php FPM children on a 512 MB dyno${set ? ` with memory_limit ${set.raw}` : ''}`, AUTOTUNE), [...(set ? [set.source] : []), assumed('dyno size unknown')])
  }

  const n = set ? autotuneChildren(d.memoryMb.value, d.nproc.value, set.bytes) : d.row.webConcurrency.php
  const fir = d.row.generation === 'fir'
  const limit = set ? (set.bytes < 0 ? 'memory_limit -1, no limit: autotune\'s count falls below 1 and the boot script takes 1' : `memory_limit ${set.raw}`) : 'memory_limit 128M'
  const what = `heroku/php${fir ? ' (CNB, from the cgroup limits)' : ''} sizes PHP-FPM to ${n} ${n === 1 ? 'child' : 'children'} on ${d.name} (${limit})`
  // The formula reads memory and CPUs: where either is a guess (Fir sizes, Private nproc), so is the result.
  const via = uniqueSources([[...(set ? [set.source] : []), ...[d.size.source, d.memoryMb.source, d.nproc.source].filter((s) => s.kind === 'assumed')]])
  return sourced(n, fromDefault(what, fir ? AUTOTUNE_CNB : AUTOTUNE), via)
}

/** The layer index (0 = highest) a variable is read from, or -1. */
const layerOf = (ctx: AnalyzerContext, name: string): number => ctx.env.layers.findIndex((l) => l.vars.has(name))

/**
 * WEB_CONCURRENCY_SET_BY, when the WEB_CONCURRENCY in effect is a buildpack's: the Node.js and Python
 * buildpacks export both together (platformLayer); a WEB_CONCURRENCY set above them (a config var) is the user's.
 */
function setByBuildpack(ctx: AnalyzerContext): string | undefined {
  const wc = layerOf(ctx, 'WEB_CONCURRENCY')
  const by = layerOf(ctx, 'WEB_CONCURRENCY_SET_BY')
  return wc !== -1 && by !== -1 && by <= wc ? ctx.env.get('WEB_CONCURRENCY_SET_BY')?.value || undefined : undefined
}

const withNote = (v: Sourced<number>, note: Source): Sourced<number> => sourced(v.value, v.source, [...(v.via ?? []), note])

/**
 * heroku-php-apache2/nginx recompute WEB_CONCURRENCY when WEB_CONCURRENCY_SET_BY is non-empty
 * (bin/heroku-php-nginx:420-422), so another buildpack's value is ignored and autotune sizes PHP-FPM.
 */
function herokuChildren(ctx: AnalyzerContext): {diagnostics: Diagnostic[]; value: Sourced<number>} {
  const setBy = setByBuildpack(ctx)
  if (!setBy) return firstOf([envCandidate(ctx.env, ['WEB_CONCURRENCY'], 'PHP-FPM children')], autotuned(ctx))
  const ignored = fromDefault(`WEB_CONCURRENCY=${ctx.env.get('WEB_CONCURRENCY')!.value} is ignored: it was set by ${setBy} (WEB_CONCURRENCY_SET_BY), and heroku-php-nginx/apache2 then size PHP-FPM themselves`, HEROKU_PHP_BOOT)
  return {diagnostics: [], value: withNote(autotuned(ctx), ignored)}
}

/**
 * Scalingo's PHP buildpack writes bin/run: it keeps any WEB_CONCURRENCY (its bin/compile deletes the
 * Node.js buildpack's WEB_CONCURRENCY.sh only when PHP runs after Node.js), else floor(RAM ÷
 * memory_limit) + 2 children, at least 3, with RAM from CONTAINER_SIZE (M, 512M, when unset) and
 * memory_limit 196M from the buildpack's php.ini (bin/util/autotune.php, conf/php/php.ini).
 */
function scalingoChildren(ctx: AnalyzerContext): {diagnostics: Diagnostic[]; value: Sourced<number>} {
  const size = ctx.env.get('CONTAINER_SIZE')
  const known = size ? SCALINGO_RAM[size.value.toUpperCase()] : undefined
  const [name, ram] = known ? [size!.value.toUpperCase(), known] : ['M', 512]
  const n = Math.max(3, Math.floor(ram / 196) + 2)
  const what = `Scalingo's bin/run sizes PHP-FPM to max(3, floor(${ram}M ÷ 196M) + 2) = ${n} children on a ${name} container`
  const via = known ? [size!.source] : [assumed(size ? `CONTAINER_SIZE=${size.value} is not a Scalingo size bin/run knows; M (512M) assumed` : 'CONTAINER_SIZE is not set here (Scalingo sets it to the container\'s size); bin/run then takes M (512M)')]
  const set = firstOf([envCandidate(ctx.env, ['WEB_CONCURRENCY'], 'PHP-FPM children')], sourced(n, fromDefault(what, SCALINGO_AUTOTUNE), via))
  const setBy = setByBuildpack(ctx)
  if (!setBy) return set
  // Another buildpack's value: say why bin/run keeps it where heroku-php-* would not.
  const kept = fromDefault(`Scalingo's bin/run keeps the WEB_CONCURRENCY ${setBy} set (it does not read WEB_CONCURRENCY_SET_BY; bin/compile removes the Node.js buildpack's WEB_CONCURRENCY.sh only when PHP comes after Node.js)`, SCALINGO_COMPILE)
  return {diagnostics: set.diagnostics, value: withNote(set.value, kept)}
}

/**
 * Each PHP process's one connection goes where a Laravel app's default connection points (laravel-database.ts):
 * PostgreSQL (read, or assumed when config/database.php falls back to another driver because DB_CONNECTION is
 * unset here, said in a warning), or another database (0, read).
 */
function onLaravelDatabase(ctx: AnalyzerContext, analysis: ServerAnalysis): ServerAnalysis {
  // app.json provisioning only another database already decides it (analyze-app): no warning about DB_CONNECTION then.
  const db = anotherDatabase(ctx.files, 'php') ? undefined : laravelDatabase(ctx)
  if (!db) return analysis
  const t = analysis.threadsPerProcess
  const diagnostics = [...analysis.diagnostics]
  if (db.unread) diagnostics.push({code: 'unknown-config-value', file: 'config/database.php', fix: `give the connection's driver: --env DB_CONNECTION=pgsql, or --assume ${ctx.processType}=PROCESSES:1:1`, line: db.unread.line, message: `${ctx.processType}: ${db.unread.message}`, processType: ctx.processType, severity: 'warning'})
  if (db.unset) diagnostics.push({code: 'unresolved-env', file: 'config/database.php', fix: `set ${db.unset.name} (heroku config:set ${db.unset.name}=pgsql, app.json env, or --env ${db.unset.name}=pgsql)`, line: db.unset.line, message: `${ctx.processType}: ${db.unset.message}`, processType: ctx.processType, severity: 'warning'})
  // Another database: no connection on the plan (language `none`, as for any process that opens none).
  if (db.connections.value === 0) return {...analysis, diagnostics, language: 'none', threadsPerProcess: db.connections}
  return {...analysis, diagnostics, threadsPerProcess: sourced(t.value, t.source, [...(t.via ?? []), db.connections.source, ...(db.connections.via ?? [])])}
}

export const php: ServerAnalyzer = {
  analyze(ctx: AnalyzerContext): ServerAnalysis {
    const worker = phpWorker(ctx.command.argv)
    if (worker) return onLaravelDatabase(ctx, analyzePhpWorker(ctx, worker))
    if (programName(ctx.command.argv[0]) === 'rr') return onLaravelDatabase(ctx, {...roadRunner(ctx), language: 'php'})

    if (isFrankenphp(ctx.command.argv)) {
      const f = frankenphp(ctx)
      return onLaravelDatabase(ctx, {diagnostics: f.diagnostics, language: 'php', processesPerDyno: f.processesPerDyno, server: 'frankenphp', threadsPerProcess: f.threadsPerProcess})
    }

    // In a container image no buildpack sizes PHP-FPM: its own pool files do (fpm-pools.ts).
    const children = imageFpmChildren(ctx) ?? imagePreforkWorkers(ctx) ?? (isScalingoPhpFpm(ctx.command.argv) ? scalingoChildren(ctx) : (buildpackFpmChildren(ctx) ?? herokuChildren(ctx)))
    return onLaravelDatabase(ctx, {
      diagnostics: children.diagnostics,
      language: 'php',
      processesPerDyno: children.value,
      server: programName(ctx.command.argv[0]),
      threadsPerProcess: sourced(1, fromDefault(`a ${isPhpApache(ctx.command.argv, ctx.image?.image.baseImage) ? 'prefork Apache (mod_php)' : 'PHP-FPM'} child serves one request at a time with at most one PDO connection per DSN`, PDO)),
    })
  },
  id: 'php',
  matches: isPhp,
}
