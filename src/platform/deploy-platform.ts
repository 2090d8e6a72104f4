/**
 * Which platform deploys an app whose files Heroku and Dokku both read (a Procfile, app.json): Dokku's deploy is
 * another shape than Heroku's. Dokku starts the new containers of every type and stops the old ones
 * DOKKU_WAIT_TO_RETIRE later, and runs app.json's scripts.dokku tasks (dokku-builder.ts, release.ts); Heroku runs
 * the release phase while the old formation serves and overlaps only web, and only with preboot. So the deploy peak
 * depends on the platform, and an app may carry files of both (a heroku.yml or app.json add-ons beside a Dokku
 * healthchecks key): the choice is then an assumption, said, and `--platform` (or the config file's `platform`) makes it.
 *
 * Heroku's signs are what only Heroku reads: heroku.yml (Dokku builds a Dockerfile or buildpacks, never heroku.yml),
 * and app.json keys Dokku's app.json does not take: `addons` (Heroku provisions them at app setup), `stack`,
 * `environments` (Heroku CI and review apps). Heroku's schema: https://devcenter.heroku.com/articles/app-json-schema;
 * Dokku's (buildpacks, cron, env, formation, healthchecks, scripts.dokku): DOKKU_APP_JSON_REF. Pure: files in, choice out.
 */
import type {FileReader} from '../model/files.js'
import {assumed, fromDefault, fromFlag, fromHeroku, type Source, sourced, type Sourced} from '../model/source.js'

import {type DokkuSign, dokkuSign} from './dokku-builder.js'
import {jsonKeyLine} from '../util/json-lines.js'

export const DOKKU_APP_JSON_REF = 'https://dokku.com/docs/appendices/file-formats/app-json/'
export const HEROKU_APP_JSON_REF = 'https://devcenter.heroku.com/articles/app-json-schema'

export type PlatformName = 'dokku' | 'heroku'

/** What the run takes the platform to be, and what says so. */
export interface DeployPlatform {
  /** Dokku's deploy (overlap of every type, its app.json tasks, its Dockerfile builder) applies. */
  dokku: boolean
  /** The Dokku sign found (or none), the Heroku sign found (or none). */
  signs: {dokku?: DokkuSign; heroku?: DokkuSign}
  /** The choice with its source: a flag or the config file, a sign, or an assumption when both platforms' signs are there. Undefined when neither says anything. */
  chosen?: Sourced<PlatformName>
}

/** What says the app deploys on Heroku: heroku.yml, or an app.json key only Heroku reads. */
export function herokuSign(files: FileReader): DokkuSign | undefined {
  for (const name of ['heroku.yml', 'heroku.yaml']) {
    if (files.exists(name)) return {file: name, what: "Heroku's container-stack manifest (Dokku does not read it)"}
  }

  const appJson = files.read('app.json')
  if (!appJson) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(appJson.text)
  } catch {
    return undefined
  }

  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined
  for (const key of ['addons', 'stack', 'environments']) {
    if (key in parsed) return {file: appJson.path, line: Math.max(1, jsonKeyLine(appJson.text, [key])), what: `its \`${key}\` key (Heroku's; Dokku's app.json has none)`}
  }

  return undefined
}

const at = (s: DokkuSign): string => `${s.file}${s.line === undefined ? '' : `:${s.line}`}`

/**
 * The platform a run counts the deploy of: `given` (--platform, the config file) wins; the Heroku Platform API (-a APP)
 * says Heroku; a Dokku sign alone says Dokku; a Dokku sign beside a Heroku one is Dokku, assumed (its overlap of every
 * type is the larger deploy); else nothing is chosen (Heroku's deploy, as every Procfile app is counted).
 */
export function deployPlatform(files: FileReader, given: null | Sourced<PlatformName> | undefined, herokuApp?: string): DeployPlatform {
  const dokku = dokkuSign(files)
  const heroku = herokuSign(files)
  const signs = {...(dokku ? {dokku} : {}), ...(heroku ? {heroku} : {})}
  if (given) return {chosen: given, dokku: given.value === 'dokku', signs}
  if (herokuApp !== undefined) return {chosen: sourced('heroku', fromHeroku(herokuApp, 'the app is a Heroku app')), dokku: false, signs}
  if (!dokku) return {dokku: false, signs}
  const because: Source = fromDefault(`the app deploys on Dokku (${at(dokku)}: ${dokku.what})`, DOKKU_APP_JSON_REF)
  if (!heroku) return {chosen: sourced('dokku', because), dokku: true, signs}
  const why = `the app has Dokku's files (${at(dokku)}: ${dokku.what}) and Heroku's (${at(heroku)}: ${heroku.what}); its deploy is counted as Dokku's, the larger: pass --platform heroku (or platform: heroku in the config file) for Heroku's`
  return {chosen: sourced('dokku', assumed(why), [because]), dokku: true, signs}
}

/** What says the app deploys on Dokku when the run counts Dokku's deploy: its Dokku file, else --platform dokku / the config file. */
export function dokkuSignOf(platform: DeployPlatform): DokkuSign | undefined {
  if (!platform.dokku) return undefined
  if (platform.signs.dokku) return platform.signs.dokku
  const s = platform.chosen?.source
  return s?.kind === 'flag' ? {file: s.flag, what: 'given'} : s?.kind === 'file' ? {file: s.file, line: s.line, what: 'the config file says `platform: dokku`'} : undefined
}

/** The flag's source. */
export const platformFlag = (name: PlatformName): Sourced<PlatformName> => sourced(name, fromFlag(`--platform ${name}`))
