/**
 * The Heroku Platform API (v3), read-only: the few GETs `conncalc plan -a APP`
 * needs. Where the API is and which token to send follow the Heroku CLI
 * (@heroku-cli/command's vars.ts and login): HEROKU_HOST moves it, HEROKU_API_KEY
 * wins over the netrc entry that `heroku login` writes; inside the Heroku CLI, its own
 * API client says which token (useHostCliAuth). The token goes in the
 * Authorization header and nowhere else: never in a message, a log line or JSON.
 *
 * Every failure is a UsageError (exit 2) of one line that says what to do.
 */
import {createRequire} from 'node:module'
import {homedir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import type {HerokuAddon, HerokuAppData, HerokuBuildpack, HerokuFormation} from '../model/heroku.js'
import {UsageError} from '../util/errors.js'
import {netrcPassword} from '../util/netrc.js'
import {MAX_BACKENDS} from '../util/numbers.js'
import {readTextFile} from './files.js'

export interface HerokuApi {
  /** The host the netrc entry is looked up by (`api.heroku.com`, or HEROKU_HOST's host). */
  host: string
  /** Base URL, no trailing slash. */
  url: string
}

/** `HEROKU_HOST`: a host name means https://api.<host>; a full http(s) URL is used as it is. */
export function herokuApi(env: NodeJS.ProcessEnv = process.env): HerokuApi {
  const host = env.HEROKU_HOST?.trim() || 'heroku.com'
  if (/^https?:\/\//i.test(host)) {
    let url: URL
    try {
      url = new URL(host)
    } catch {
      throw new UsageError(`HEROKU_HOST is not a URL: ${host}`, 'e.g. HEROKU_HOST=heroku.com, or a full https:// URL')
    }

    return {host: url.host, url: url.toString().replace(/\/+$/, '')}
  }

  if (!/^[a-z0-9.-]+(:\d+)?$/i.test(host)) throw new UsageError(`HEROKU_HOST is not a host name: ${host}`, 'e.g. HEROKU_HOST=heroku.com, or a full https:// URL')
  return {host: `api.${host}`, url: `https://api.${host}`}
}

/** HEROKU_API_KEY, else the password of the netrc entry for the API host; null when neither. */
export function herokuToken(api: HerokuApi, env: NodeJS.ProcessEnv = process.env): null | {from: string; token: string} {
  const key = env.HEROKU_API_KEY?.trim()
  if (key) return {from: 'HEROKU_API_KEY', token: key}
  const home = env.HOME || env.USERPROFILE || homedir()
  // The Heroku CLI's netrc-parser reads ~/_netrc on Windows, ~/.netrc elsewhere.
  const path = join(home, process.platform === 'win32' ? '_netrc' : '.netrc')
  // readTextFile: a netrc that is a FIFO or device is never opened (it could block).
  const file = readTextFile(path)
  if (file.kind !== 'text') return null
  const {text} = file

  const token = netrcPassword(text, api.host)
  return token ? {from: path, token} : null
}

/** Inside the Heroku CLI: how to ask its own API client for a token (set by useHostCliAuth). */
let hostAuth: (() => Promise<string | undefined>) | undefined

/**
 * conncalc as a Heroku CLI plugin: the token comes from the Heroku CLI's own API client,
 * @heroku-cli/command's APIClient, loaded from the Heroku CLI's install (`config.root`) and
 * built on its oclif config — HEROKU_API_KEY, else what `heroku login` stored, wherever that
 * version of the Heroku CLI keeps it (~/.netrc, or the system's credential store in newer
 * ones, which conncalc cannot read itself). Asked only when an app is read. When there is no
 * such client or it has no token, conncalc reads HEROKU_API_KEY and the netrc entry itself.
 */
export function useHostCliAuth(config: {root: string}): void {
  hostAuth = async () => {
    try {
      const path = createRequire(join(config.root, 'package.json')).resolve('@heroku-cli/command')
      const mod = (await import(pathToFileURL(path).href)) as {APIClient?: unknown; default?: {APIClient?: unknown}}
      const APIClient = (mod.APIClient ?? mod.default?.APIClient) as (new (config: unknown, options: object) => {auth?: unknown; getAuth?: () => Promise<unknown>}) | undefined
      if (typeof APIClient !== 'function') return undefined
      const heroku = new APIClient(config, {required: false})
      // getAuth() in @heroku-cli/command 12 (credential store); the auth getter (netrc) before.
      const token = typeof heroku.getAuth === 'function' ? await heroku.getAuth() : heroku.auth
      return typeof token === 'string' && token.trim() !== '' ? token.trim() : undefined
    } catch {
      return undefined // not inside a Heroku CLI that has the client, or it failed: conncalc's own lookup follows
    }
  }
}

export interface ReadOptions {
  env?: NodeJS.ProcessEnv
  /** Seconds each request may take. */
  timeoutSeconds: number
  /** Inside the Heroku CLI: its own client's token, when it has one. */
  token?: string
}

/**
 * GET everything conncalc reads about one app, five requests at once. When
 * several fail, the first in this order is reported, so the message is stable.
 */
export async function readHerokuApp(app: string, options: ReadOptions): Promise<HerokuAppData> {
  const {api, get} = await client(app, options)
  const enc = encodeURIComponent(app)
  const settled = await Promise.allSettled([
    get(`/apps/${enc}/formation`),
    get(`/apps/${enc}/config-vars`),
    get(`/apps/${enc}/addons`),
    get(`/apps/${enc}/features/preboot`),
    get(`/apps/${enc}/buildpack-installations`),
  ])
  const failed = settled.find((s) => s.status === 'rejected')
  if (failed) throw (failed as PromiseRejectedResult).reason
  const [formation, configVars, addons, preboot, buildpacks] = settled.map((s) => (s as PromiseFulfilledResult<unknown>).value)
  return {
    addons: shape(`/apps/${enc}/addons`, () => list(addons, 'add-ons', readAddon)),
    api: api.url,
    app,
    buildpacks: shape(`/apps/${enc}/buildpack-installations`, () => list(buildpacks, 'buildpack installations', readBuildpack)),
    configVars: shape(`/apps/${enc}/config-vars`, () => readConfigVars(configVars)),
    formation: shape(`/apps/${enc}/formation`, () => list(formation, 'formation', readFormation)),
    preboot: shape(`/apps/${enc}/features/preboot`, () => bool(field(object(preboot, 'the feature'), 'enabled'), 'enabled')),
  }
}

/**
 * `conncalc live -a APP`: only the app's config vars (GET /apps/{app}/config-vars),
 * for the database URL to connect to. The values are secrets: never printed.
 */
export async function readHerokuConfigVars(app: string, options: ReadOptions): Promise<Map<string, string>> {
  const {get} = await client(app, options)
  const path = `/apps/${encodeURIComponent(app)}/config-vars`
  const body = await get(path)
  return shape(path, () => readConfigVars(body))
}

/** Where the API is and the token to send (HEROKU_API_KEY, the netrc entry, or the Heroku CLI's own). */
async function client(app: string, options: ReadOptions): Promise<{api: HerokuApi; get: (path: string) => Promise<unknown>}> {
  const env = options.env ?? process.env
  const api = herokuApi(env)
  const token = options.token ?? (await hostAuth?.())
  const auth = token ? {from: 'the Heroku CLI', token} : herokuToken(api, env)
  if (!auth) {
    throw new UsageError(`no Heroku API token to read app ${app}: HEROKU_API_KEY is not set and ~/.netrc has no entry for ${api.host}`, 'run `heroku login`, or set HEROKU_API_KEY (e.g. from `heroku authorizations:create`)')
  }

  return {api, get: (path: string): Promise<unknown> => getJson(api, auth.token, app, path, options.timeoutSeconds)}
}

/** One GET, following 206 Partial Content ranges (lists longer than a page) to the end. */
async function getJson(api: HerokuApi, token: string, app: string, path: string, timeoutSeconds: number): Promise<unknown> {
  let range: null | string = null
  let items: unknown[] | undefined
  for (let page = 0; page < 100; page++) {
    const {body, next} = await getPage(api, token, app, path, timeoutSeconds, range)
    if (next === null) return items ? [...items, ...(Array.isArray(body) ? body : [])] : body
    if (!Array.isArray(body)) return body
    items = [...(items ?? []), ...body]
    range = next
  }

  throw new UsageError(`Heroku API: GET ${path} kept answering 206 Partial Content after 100 pages`, 'try again; if it persists, report it with the app size')
}

async function getPage(
  api: HerokuApi,
  token: string,
  app: string,
  path: string,
  timeoutSeconds: number,
  range: null | string,
): Promise<{body: unknown; next: null | string}> {
  const url = `${api.url}${path}`
  const scrub = (text: string): string => text.replaceAll(token, '***').replaceAll(/\s+/g, ' ').trim()
  let res: Response
  try {
    res = await fetch(url, {
      headers: {
        Accept: 'application/vnd.heroku+json; version=3',
        Authorization: `Bearer ${token}`,
        'User-Agent': 'conncalc',
        ...(range ? {Range: range} : {}),
      },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutSeconds * 1000),
    })
  } catch (error) {
    const e = error as Error & {cause?: {code?: string; message?: string}}
    if (e.name === 'TimeoutError' || e.name === 'AbortError') {
      throw new UsageError(`Heroku API did not answer GET ${path} within ${timeoutSeconds} s (${api.url})`, 'check the network (and HEROKU_HOST), or wait longer with --api-timeout SECONDS')
    }

    const why = e.cause?.code ?? e.cause?.message ?? e.message
    throw new UsageError(`cannot reach the Heroku API at ${api.url}: ${scrub(String(why))}`, 'check the network, a proxy, or HEROKU_HOST')
  }

  const text = await readBody(res, path, timeoutSeconds, api)
  let body: unknown
  let parsed = true
  try {
    body = text === '' ? undefined : JSON.parse(text)
  } catch {
    parsed = false
  }

  const apiMessage = parsed && body && typeof body === 'object' && typeof (body as {message?: unknown}).message === 'string' ? scrub((body as {message: string}).message) : ''
  const said = apiMessage ? ` (${apiMessage})` : ''
  const status = res.status
  if (status === 401) throw new UsageError(`Heroku API: 401 Unauthorized reading app ${app}${said}`, 'run `heroku login` (or set HEROKU_API_KEY to a valid token)')
  if (status === 403) throw new UsageError(`Heroku API: 403 Forbidden: this account cannot read app ${app}${said}`, 'run `heroku login` as a collaborator of the app, or use a token with read access to it')
  if (status === 404) throw new UsageError(`no Heroku app named ${app} (Heroku API: 404 on GET ${path}${apiMessage ? `, ${apiMessage}` : ''})`, 'check the name with `heroku apps`, or the git remote given with -r')
  if (status === 429) {
    const after = retryAfter(res.headers.get('retry-after'))
    throw new UsageError(
      `Heroku API rate limit reached (429 on GET ${path})${after === undefined ? '' : `; retry after ${after} s`}`,
      'the limit is per account and refills over time: wait, then run conncalc again',
    )
  }

  if (status >= 500) throw new UsageError(`Heroku API: ${status} ${res.statusText || 'server error'} on GET ${path}${said}`, 'the Heroku API is having trouble: try again later (status.heroku.com)')
  if (status >= 300 && status < 400) throw new UsageError(`Heroku API: ${status} redirect on GET ${path}, not followed`, 'check HEROKU_HOST')
  if (status !== 200 && status !== 206) throw new UsageError(`Heroku API: ${status} ${res.statusText} on GET ${path}${said}`, 'check the app name and HEROKU_HOST')
  if (!parsed || body === undefined) {
    const type = res.headers.get('content-type')
    throw new UsageError(`Heroku API answered GET ${path} with a body that is not JSON${type ? ` (${type.split(';')[0]})` : ''}`, 'check HEROKU_HOST: it should point at the Platform API')
  }

  return {body, next: status === 206 ? res.headers.get('next-range') : null}
}

async function readBody(res: Response, path: string, timeoutSeconds: number, api: HerokuApi): Promise<string> {
  try {
    return await res.text()
  } catch (error) {
    const e = error as Error
    if (e.name === 'TimeoutError' || e.name === 'AbortError') {
      throw new UsageError(`Heroku API did not finish answering GET ${path} within ${timeoutSeconds} s (${api.url})`, 'check the network, or wait longer with --api-timeout SECONDS')
    }

    throw new UsageError(`Heroku API: the answer to GET ${path} broke off (${e.message})`, 'try again')
  }
}

/** Retry-After in seconds: a number, or an HTTP date (RFC 9110 §10.2.3). */
function retryAfter(value: null | string): number | undefined {
  if (!value) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim())
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000))
}

// ---- the response shapes (Platform API reference, Formation / Config Vars / Add-on / App Feature / Buildpack Installations)

class ShapeError extends Error {}

function shape<T>(path: string, read: () => T): T {
  try {
    return read()
  } catch (error) {
    if (error instanceof ShapeError) throw new UsageError(`Heroku API: unexpected answer to GET ${path}: ${error.message}`, 'check HEROKU_HOST: it should point at the Platform API v3')
    throw error
  }
}

const object = (v: unknown, what: string): Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ShapeError(`${what} is not an object`)
  return v as Record<string, unknown>
}

const field = (o: Record<string, unknown>, key: string): unknown => o[key]
const str = (v: unknown, what: string): string => {
  if (typeof v !== 'string') throw new ShapeError(`${what} is not a string`)
  return v
}

const bool = (v: unknown, what: string): boolean => {
  if (typeof v !== 'boolean') throw new ShapeError(`${what} is not true or false`)
  return v
}

function list<T>(v: unknown, what: string, read: (item: Record<string, unknown>, at: string) => T): T[] {
  if (!Array.isArray(v)) throw new ShapeError(`the ${what} is not a list`)
  return v.map((item, i) => read(object(item, `item ${i}`), `item ${i}`))
}

function readFormation(o: Record<string, unknown>, at: string): HerokuFormation {
  const quantity = o.quantity
  if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 0 || quantity > MAX_BACKENDS) throw new ShapeError(`${at}.quantity is not a number of dynos (0 to ${MAX_BACKENDS})`)
  return {command: str(o.command, `${at}.command`), quantity, size: str(o.size, `${at}.size`), type: str(o.type, `${at}.type`)}
}

function readAddon(o: Record<string, unknown>, at: string): HerokuAddon {
  const vars = o.config_vars
  if (!Array.isArray(vars) || vars.some((v) => typeof v !== 'string')) throw new ShapeError(`${at}.config_vars is not a list of names`)
  const owner = o.app === undefined || o.app === null ? undefined : field(object(o.app, `${at}.app`), 'name')
  return {
    app: typeof owner === 'string' ? owner : undefined,
    configVars: vars as string[],
    name: str(o.name, `${at}.name`),
    plan: str(field(object(o.plan, `${at}.plan`), 'name'), `${at}.plan.name`),
    service: str(field(object(o.addon_service, `${at}.addon_service`), 'name'), `${at}.addon_service.name`),
    state: typeof o.state === 'string' ? o.state : undefined,
  }
}

function readBuildpack(o: Record<string, unknown>, at: string): HerokuBuildpack {
  const bp = object(o.buildpack, `${at}.buildpack`)
  const name = bp.name
  return {name: typeof name === 'string' ? name : undefined, ordinal: typeof o.ordinal === 'number' ? o.ordinal : 0, url: str(bp.url, `${at}.buildpack.url`)}
}

function readConfigVars(v: unknown): Map<string, string> {
  const o = object(v, 'the config vars')
  const out = new Map<string, string>()
  for (const [k, value] of Object.entries(o)) {
    // A null value is an unset var in a PATCH; treat it as absent if one ever comes back.
    if (value === null) continue
    out.set(k, str(value, `the value of ${k}`))
  }

  return out
}
