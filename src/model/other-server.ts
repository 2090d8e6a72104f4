/*
 * Which server a pool is counted on — one rule for every language's analyzer.
 *
 * The plan being budgeted is DATABASE_URL's server: the URL the platform sets for the app's
 * database (Heroku's DATABASE_URL, with JDBC_DATABASE_URL and the HEROKU_POSTGRESQL_<COLOR>_URL
 * attached as it; Scalingo's SCALINGO_POSTGRESQL_URL). Every pool gets a server key:
 *
 * - "DATABASE_URL" — the pool reads the platform's URL, or a URL whose host and port are
 *   DATABASE_URL's (both values given with --env, --env-file or conncalc.yml `env:`), or no
 *   URL the analyzer can tell apart from it: counted on the plan.
 * - another key (the env var's name, `host=h:p`) — both values are known and the hosts differ:
 *   listed "on another server", not counted.
 * - `unknown server: X has no value` (unsetUrlServer) — the pool's URL is read from an env var X
 *   other than the platform's and X has no value anywhere conncalc reads: where it connects
 *   cannot be known. It is listed, not counted, and the plain output says so for the app
 *   (the other-server-pools warning, rules/other-server-pools.ts) with the way to say it shares the
 *   plan's server: give X's value beside DATABASE_URL's; a URL on DATABASE_URL's host and port
 *   is then counted there. Why not counted on the plan: a second URL in a config var is, on
 *   Heroku and Scalingo, a second add-on — its own server and its own connection limit
 *   (a stats or journal database, a dump target) — and counting it on the plan's server would
 *   double what the plan holds; the warning keeps it from being silent.
 * - The one exception: when nothing else in the process is counted on the plan's server, the
 *   app names its own database's URL (Scalingo apps copy SCALINGO_POSTGRESQL_URL into a var of
 *   their own): the pools on such a var are the app's database, counted on the plan, starred,
 *   naming the var — except a var whose name contains another such var's whole name plus more
 *   (URL_SERVEUR_BASE_DONNEES_JOURNAL beside URL_SERVEUR_BASE_DONNEES): that is a second
 *   database beside the app's, listed and not counted (placeUnknownServers below).
 * - Before both: a var that a setup file the app ships (an env template, a setup script, docker-compose)
 *   writes on DATABASE_URL's server — the same host variable, or the same host and database with another
 *   role (model/same-server.ts) — is counted on the plan, starred, naming that file and line.
 */

import type {PoolEntry} from './process.js'

import {assumed} from './source.js'
import {unsetVarsOf} from '../util/pg-url.js'
import type {SameServerEvidence} from './same-server.js'

/** Setup-file evidence that var X is on DATABASE_URL's server (model/same-server.ts sameServerEvidence for the app's files). */
export type SameServerOf = (name: string) => SameServerEvidence | undefined

/** Pools on unset vars that the app's setup files put on DATABASE_URL's server: keyed there, starred, the file named. */
function onThePlanBySetup(pools: PoolEntry[], sameServerOf: SameServerOf): PoolEntry[] {
  return pools.map((p) => {
    const vars = p.replica ? undefined : unsetVarsOf(p.server)
    if (!vars) return p
    const shown = vars.map((v) => ({ev: sameServerOf(v), v}))
    if (!shown.every((s) => s.ev)) return p
    const said = shown.map(({ev, v}) => `${ev!.file}:${ev!.line} ${ev!.how.replace(/\bit\b/, v)}`).join('; ')
    const why = assumed(`${vars.join(', ')} ${vars.length === 1 ? 'has' : 'have'} no value here; ${said}: counted on the plan's server (give its value with --env to check)`)
    return {...p, pool: {...p.pool, via: [...(p.pool.via ?? []), why]}, server: 'DATABASE_URL'}
  })
}

/**
 * Heroku Connect syncs Salesforce data into a Heroku Postgres database attached to the app, in a schema of its own
 * (`salesforce`), the one `heroku connect:db:set --db DATABASE_URL --schema salesforce` names
 * (https://devcenter.heroku.com/articles/heroku-connect: "synchronizes data between your Salesforce organization and a
 * Heroku Postgres database"; the attachment is chosen at setup, DATABASE_URL in Heroku's and the plugin's examples). A pool an app points at "its Heroku Connect database" through
 * a var of its own (SALESFORCE_CONNECT_URL, HEROKUCONNECT_URL, SALESFORCE_CONNECT_HOST …) with no value here is then
 * most likely on the plan's server: counted there, starred, the reason said.
 */
const HEROKU_CONNECT_VAR = /(^|_)(SALESFORCE|HEROKU_?CONNECT)(_|$)/i
const HEROKU_CONNECT_REF = 'https://devcenter.heroku.com/articles/heroku-connect'

/** Pools on unset Heroku Connect vars (HEROKU_CONNECT_VAR): keyed on the plan's server, starred. */
function onThePlanByHerokuConnect(pools: PoolEntry[]): PoolEntry[] {
  return pools.map((p) => {
    const vars = p.replica ? undefined : unsetVarsOf(p.server)
    if (!vars?.every((v) => HEROKU_CONNECT_VAR.test(v))) return p
    const why = assumed(
      `${vars.join(', ')} ${vars.length === 1 ? 'has' : 'have'} no value here and ${vars.length === 1 ? 'names' : 'name'} a Heroku Connect database: Heroku Connect writes Salesforce data into a Heroku Postgres database attached to the app, in a schema of its own (usually DATABASE_URL's, unless its setup picked another attachment: ${HEROKU_CONNECT_REF}), so this pool is counted on the plan's server (if it is another database, give its URL with --env to list it apart)`,
    )
    return {...p, pool: {...p.pool, via: [...(p.pool.via ?? []), why]}, server: 'DATABASE_URL'}
  })
}

/** Does `name` contain `other`'s whole name as words of its own, plus more (`URL_DB_JOURNAL` ⊃ `URL_DB`)? */
const extends_ = (name: string, other: string): boolean => name !== other && `_${name}_`.includes(`_${other}_`)

/**
 * Applies the rule above to one process's pools: pools keyed `unknown server: X has no value` go to
 * otherServerPools, unless nothing else is counted on the plan — then those on the app's own var(s)
 * are counted there, starred. Idempotent: every language's analyzer and app/analyze-app.ts call it.
 */
export function placeUnknownServers(given: PoolEntry[] | undefined, givenOthers: PoolEntry[], sameServerOf?: SameServerOf): {otherServerPools: PoolEntry[]; pools: PoolEntry[] | undefined} {
  let pools = given
  let others = givenOthers
  if ([...(pools ?? []), ...others].some((p) => unsetVarsOf(p.server)?.every((v) => HEROKU_CONNECT_VAR.test(v)) && !p.replica)) {
    const moved = onThePlanByHerokuConnect(others)
    pools = [...onThePlanByHerokuConnect(pools ?? []), ...moved.filter((p, i) => p !== others[i])]
    others = moved.filter((p, i) => p === others[i])
    if (given === undefined && pools.length === 0) pools = undefined
  }
  if (sameServerOf && [...(pools ?? []), ...others].some((p) => unsetVarsOf(p.server) !== undefined && !p.replica)) {
    const moved = onThePlanBySetup(others, sameServerOf)
    pools = [...onThePlanBySetup(pools ?? [], sameServerOf), ...moved.filter((p, i) => p !== others[i])]
    others = moved.filter((p, i) => p === others[i])
    if (given === undefined && pools.length === 0) pools = undefined
  }
  const unset = (p: PoolEntry): boolean => unsetVarsOf(p.server) !== undefined && !p.replica
  if (!(pools ?? []).some(unset) && !others.some(unset)) return {otherServerPools: others, pools}
  const counted = (pools ?? []).filter((p) => !unset(p))
  const elsewhere = [...(pools ?? []).filter(unset), ...others.filter(unset)]
  if (counted.length > 0) return {otherServerPools: [...(pools ?? []).filter(unset), ...others], pools: counted}
  const vars = [...new Set(elsewhere.flatMap((p) => unsetVarsOf(p.server)!))]
  const second = (p: PoolEntry): boolean => unsetVarsOf(p.server)!.every((v) => vars.some((o) => extends_(v, o)))
  const own = elsewhere.filter((p) => !second(p)).map((p) => {
    const named = unsetVarsOf(p.server)!.join(', ')
    const beside = elsewhere.filter(second).length > 0 ? ' (the pools on a var named after it plus more are a second database, not counted)' : ''
    const why = assumed(`its URL is read from ${named}, which has no value here, and nothing else in this process connects to DATABASE_URL: taken as the app's own database, on the plan's server${beside}`)
    return {...p, pool: {...p.pool, via: [...(p.pool.via ?? []), why]}, server: 'DATABASE_URL'}
  })
  return {otherServerPools: others.filter((p) => !unset(p) || second(p)).concat((pools ?? []).filter((p) => unset(p) && second(p))), pools: own}
}

/**
 * For an analyzer that keys its pools with serverOfUrlVar: the pools on a server known to be another (both URLs
 * given, other hosts) go to otherServerPools; those on DATABASE_URL's server or an unknown one stay for
 * placeUnknownServers (app/analyze-app.ts calls it for every language).
 */
export function apartFromKnownOthers(pools: PoolEntry[]): {otherServerPools: PoolEntry[]; pools: PoolEntry[]} {
  const elsewhere = (p: PoolEntry): boolean => p.server !== 'DATABASE_URL' && unsetVarsOf(p.server) === undefined
  return {otherServerPools: pools.filter(elsewhere), pools: pools.filter((p) => !elsewhere(p))}
}
