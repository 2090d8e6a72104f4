/**
 * app.json `env`: the config vars an app is created with (Heroku Button, review
 * apps, `heroku apps:create --manifest`), as an env layer below the user's own
 * (--env, --env-file, the Procfile line) and above what the platform sets.
 * https://devcenter.heroku.com/articles/app-json-schema#env
 *
 * - `"KEY": "value"` and `"KEY": {"value": "…"}` set KEY.
 * - `{"generator": "secret"}` is a random secret: no number depends on it.
 * - An entry without a value and without a generator (`{"description": "…"}`,
 *   `{"required": true}`) is required: `required` defaults to true (Heroku changelog,
 *   "app.json env values required by default", https://devcenter.heroku.com/changelog-items/513),
 *   so app-setups and the Deploy button ask for it and the deployer types its value. It stays
 *   unset here, but the layer names it (EnvLayer.deployerSets): a fallback the code takes for it
 *   (`System.get_env("POOL_SIZE") || "10"`, `ENV.fetch("RAILS_MAX_THREADS", 5)`) is counted as an
 *   assumption, starred, overridable with --env; a number that reads it with no fallback says so
 *   (`unresolved-env`, see `noteRequired`).
 * - `"required": false` without a value may be left blank at creation, and then it is not set:
 *   the code's fallback can apply, as for any variable app.json does not name; nothing is assumed.
 * `scripts` and `environments` (test/review overrides) are not the running app's env.
 */
import type {Diagnostic} from '../model/diagnostic.js'
import type {EnvEntry, EnvLayer} from '../model/env.js'
import type {Source} from '../model/source.js'

import {layer} from '../model/env.js'
import {assumed, fromEnv} from '../model/source.js'
import {jsonKeyLine} from '../util/json-lines.js'
import {isObject} from '../util/objects.js'

export const APP_JSON_ENV_LABEL = 'app.json env'

export interface AppJsonEnv {
  diagnostics: Diagnostic[]
  layer?: EnvLayer
  /** Variables app.json requires but gives no value: the user sets them at creation. */
  required: string[]
}


/** Read app.json's `env`. Invalid JSON decides nothing here (the formation reader reports it). */
export function parseAppJsonEnv(text: string, path = 'app.json'): AppJsonEnv {
  const none: AppJsonEnv = {diagnostics: [], required: []}
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return none
  }

  if (!isObject(data) || data.env === undefined) return none
  if (!isObject(data.env)) {
    return {...none, diagnostics: [{code: 'unparsable-config', file: path, line: jsonKeyLine(text, ['env']), message: `${path}: env is not an object of config vars; not used`, severity: 'warning'}]}
  }

  const entries: EnvEntry[] = []
  const required: string[] = []
  const deployerSets = new Map<string, Source>()
  for (const [name, spec] of Object.entries(data.env)) {
    const line = jsonKeyLine(text, ['env', name])
    const value = typeof spec === 'string' || typeof spec === 'number' || typeof spec === 'boolean' ? spec : isObject(spec) ? spec.value : undefined
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      entries.push({name, source: fromEnv(name, `${path}:${line} (env)`), value: String(value)})
    } else if (isObject(spec) && spec.required !== false && spec.generator === undefined) {
      required.push(name)
      deployerSets.set(name, assumed(`${name} is required by ${path}:${line} with no value: the deployer sets it when the app is created; the fallback used while it is unset is assumed (give the app's value with --env ${name}=…)`))
    }
  }

  if (entries.length === 0 && deployerSets.size === 0) return {diagnostics: [], required}
  return {diagnostics: [], layer: {...layer(APP_JSON_ENV_LABEL, entries), ...(deployerSets.size > 0 ? {deployerSets} : {})}, required}
}

/**
 * An `unresolved-env` finding about a variable app.json requires without a
 * value says so: Heroku asked for it when the app was created, so its value
 * lives in the app's config vars, which conncalc does not see.
 */
export function noteRequired(d: Diagnostic, required: readonly string[], path = 'app.json'): Diagnostic {
  if (d.code !== 'unresolved-env') return d
  const name = required.find((n) => new RegExp(`(^|[^\\w])\\$?${n}([^\\w]|$)`).test(d.message))
  if (!name) return d
  return {
    ...d,
    fix: `${path} requires ${name} but gives it no value (it is asked for when the app is created); pass the app's value: --env ${name}=… or --env-file with \`heroku config -s\``,
    message: `${d.message}; ${path} requires ${name} and gives it no value`,
  }
}
