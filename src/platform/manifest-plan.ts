/**
 * The database plan an app's manifest provisions: app.json `addons`
 * (https://devcenter.heroku.com/articles/app-json-schema#addons: `"heroku-postgresql:standard-0"`, or
 * `{"plan": "heroku-postgresql:essential-1", "as": "DATABASE"}`) and heroku.yml `setup: addons:`
 * (https://devcenter.heroku.com/articles/build-docker-images-heroku-yml#setup-defining-your-app-s-environment).
 * Only the Heroku Postgres add-on, attached as DATABASE (its DATABASE_URL), and only when the manifests
 * name one plan: several add-ons, another attachment name or no plan are said, never guessed. Pure.
 */
import {parseHerokuYml} from './heroku-yml.js'
import {lineIndex} from '../util/lines.js'
import {isObject} from '../util/objects.js'

/** One add-on entry of a manifest (a `heroku-postgresql` one, but for appJsonAddons). */
export interface ManifestAddon {
  /** The attachment name (`as`), upper-cased; DATABASE when not given (Heroku's default for the first database). */
  as: string
  file: string
  line: number
  /** As written: `heroku-postgresql:standard-0`, or `heroku-postgresql` with no plan. */
  plan: string
}

/** The plan the manifests give, or why none is taken (the entry the message is about). */
export type ManifestPlan = {addon: ManifestAddon; plan: string} | {addon: ManifestAddon; why: string}

const POSTGRES = /^heroku-postgresql(:|$)/i


/** app.json's top-level `addons` that are Heroku Postgres, each with its line. Invalid JSON has none (the formation reader says why). */
export function appJsonPostgres(text: string, path = 'app.json'): ManifestAddon[] {
  return appJsonAddons(text, path).filter((a) => POSTGRES.test(a.plan))
}

/** Every entry of app.json's top-level `addons` that names a plan (trimmed), each with its line. Invalid JSON has none. */
export function appJsonAddons(text: string, path = 'app.json'): ManifestAddon[] {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return []
  }

  if (!isObject(data) || !Array.isArray(data.addons)) return []
  const lineOf = lineIndex(text)
  // Each entry's plan string is written after the top-level `addons` key and after the entry before it.
  let cursor = topLevelKey(text, 'addons')
  const out: ManifestAddon[] = []
  for (const a of data.addons) {
    const plan = typeof a === 'string' ? a : isObject(a) && typeof a.plan === 'string' ? a.plan : undefined
    if (plan === undefined) continue
    const at = text.indexOf(JSON.stringify(plan), cursor)
    if (at !== -1) cursor = at + 1
    const as = isObject(a) && typeof a.as === 'string' ? a.as : 'DATABASE'
    out.push({as: as.toUpperCase(), file: path, line: at === -1 ? 1 : lineOf(at), plan: plan.trim()})
  }

  return out
}

/** Where the top-level key `key` of a valid JSON object is written (not one of the same name in a nested object). */
function topLevelKey(text: string, key: string): number {
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '{' || c === '[') depth++
    else if (c === '}' || c === ']') depth--
    else if (c === '"') {
      const start = i
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++
      if (depth === 1 && text.slice(start, i + 1) === JSON.stringify(key) && /^\s*:/.test(text.slice(i + 1, i + 20))) return start
    }
  }

  return 0
}

/** heroku.yml's `setup: addons:` that are Heroku Postgres. Invalid YAML has none (the container reader says why). */
export function herokuYmlPostgres(text: string, path = 'heroku.yml'): ManifestAddon[] {
  return parseHerokuYml(text, path)
    .addons.filter((a) => POSTGRES.test(a.plan.trim()))
    .map((a) => ({as: (a.as ?? 'DATABASE').toUpperCase(), file: path, line: a.line, plan: a.plan.trim()}))
}

const at = (a: ManifestAddon): string => `${a.file}:${a.line}`

/**
 * The one plan the manifests provision for DATABASE_URL, or why there is none to take: several Heroku
 * Postgres add-ons in one manifest (which one is DATABASE_URL's is not said), the two manifests naming
 * different plans, or an attachment under another name (`as: ANALYTICS` sets ANALYTICS_URL). Undefined
 * when neither names a plan (none, or `heroku-postgresql` with no plan: Heroku's default at provisioning time).
 */
export function manifestPlan(addons: readonly ManifestAddon[]): ManifestPlan | undefined {
  if (addons.length === 0) return undefined
  const files = [...new Set(addons.map((a) => a.file))]
  for (const file of files) {
    const mine = addons.filter((a) => a.file === file)
    if (mine.length > 1) {
      return {addon: mine[0], why: `${file} provisions ${mine.length} Heroku Postgres add-ons (${mine.map((a) => `${a.plan} at line ${a.line}`).join(', ')}), and which one DATABASE_URL is cannot be told from it`}
    }
  }

  const [first] = addons
  const plans = [...new Set(addons.map((a) => a.plan.toLowerCase()))]
  if (plans.length > 1) return {addon: first, why: `${addons.map((a) => `${at(a)} provisions ${a.plan}`).join(' and ')}: they disagree`}
  if (first.as !== 'DATABASE') return {addon: first, why: `${at(first)} attaches ${first.plan} as ${first.as}, so it sets ${first.as}_URL, not DATABASE_URL`}
  const plan = first.plan.slice('heroku-postgresql'.length).replace(/^:/, '').trim()
  // `heroku-postgresql` alone (Heroku's default plan when the app is created; the Heroku Button's usual form) names
  // no plan: as if the manifest said nothing, which the heading's "no plan or --limit given" already says.
  if (plan === '') return undefined
  return {addon: first, plan}
}
