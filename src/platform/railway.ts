/**
 * Railway's config as code: `railway.json` or `railway.toml` in a service's root directory (the repository root, or
 * the folder a monorepo service's Root Directory names). One file describes one service's deployment
 * (https://docs.railway.com/reference/config-as-code):
 *
 * - `build.builder` (RAILPACK, the default; DOCKERFILE; the deprecated NIXPACKS) and `build.dockerfilePath`; "Railway will
 *   always build with a Dockerfile if it finds one";
 * - `deploy.startCommand`: "the command to run when starting the container" (over the image's CMD);
 * - `deploy.preDeployCommand`: run before the deployment starts (migrations), once per deploy: Heroku's release phase;
 * - `deploy.multiRegionConfig.REGION.numReplicas` (or the older `deploy.numReplicas`): how many replicas run;
 * - `deploy.cronSchedule`: the service runs on a schedule and exits;
 * - `environments.NAME.…`: overrides for one environment, above the base config. A new project's environment is
 *   `production`, so its overrides are read (said).
 *
 * JSON is read with JSON.parse; TOML with smol-toml, loaded only when there is a railway.toml. Lines are found in the
 * text, for the explanation.
 */
import {jsonKeyLine, jsonSyntaxError} from '../util/json-lines.js'
import {isObject} from '../util/objects.js'
import {tomlKeyLine} from './fly-toml.js'

// One object, not three names: every top-level name of a module a Rails run loads is a slot in dist/cli.cjs's scope (issue 19).
export const RAILWAY_REF = {
  config: 'https://docs.railway.com/reference/config-as-code',
  scaling: 'https://docs.railway.com/reference/scaling',
  variables: 'https://docs.railway.com/reference/variables#railway-provided-variables',
}
/** The config files Railway looks for, in the order conncalc prefers them. */
export const RAILWAY_CONFIGS = ['railway.json', 'railway.toml'] as const

export interface RailwayValue<T> {
  line: number
  value: T
  /** The environment whose override set it (`environments.production`), if one did. */
  environment?: string
}

export interface RailwayConfig {
  builder?: RailwayValue<string>
  cronSchedule?: RailwayValue<string>
  dockerfilePath?: RailwayValue<string>
  /** A value Railway would reject (not valid JSON or TOML): the file's line. */
  error?: {line: number; message: string}
  /** The environments whose overrides were read. */
  overrides: string[]
  preDeployCommand?: RailwayValue<string>
  /** Replicas: the sum over multiRegionConfig's regions, else numReplicas. */
  replicas?: RailwayValue<number>
  startCommand?: RailwayValue<string>
  /** Values conncalc could not read (a replica count that is not a whole number). */
  unread: {line: number; what: string}[]
}

/**
 * Whether a railway.json / railway.toml text is Railway's config (a `build`, `deploy` or `environments` table): some
 * repositories keep a Nixpacks plan (`[phases.setup]`) under that name, which Railway does not read as its config.
 */
export function looksLikeRailwayConfig(name: string, text: string): boolean {
  return name.endsWith('.toml') ? /^\s*(?:\[\s*(?:build|deploy|environments)\s*[.\]]|(?:build|deploy)\.\w+\s*=)/m.test(text) : /"(?:build|deploy|environments)"\s*:/.test(text)
}

/** The environment whose overrides are read: a new Railway project's only environment. */
export const RAILWAY_ENVIRONMENT = 'production'

export async function parseRailwayConfig(text: string, path: string): Promise<RailwayConfig> {
  const config: RailwayConfig = {overrides: [], unread: []}
  const toml = path.endsWith('.toml')
  let data: unknown
  try {
    if (toml) {
      const {parse} = await import('smol-toml')
      data = parse(text)
    } else data = JSON.parse(text)
  } catch (error) {
    // JSON.parse's own message may quote the text: jsonSyntaxError says where and why without it.
    const json = toml ? undefined : jsonSyntaxError(text)
    const e = error as {line?: number; message?: string}
    if (json) return {...config, error: {line: json.line, message: `not valid JSON (${json.message})`}}
    return {...config, error: {line: typeof e.line === 'number' ? e.line : 1, message: `not valid TOML (${(e.message ?? String(error)).split('\n')[0]})`}}
  }

  if (!isObject(data)) return {...config, error: {line: 1, message: 'not a Railway config (its top level is not a table of build and deploy settings)'}}
  const lineOf = (keys: readonly string[]): number => {
    if (!toml) return jsonKeyLine(text, keys)
    // `[deploy]` then `startCommand = …`; `[environments.production.deploy]`; `[deploy.multiRegionConfig.us-west2]`.
    return tomlKeyLine(text, keys.slice(0, -1).join('.'), keys.at(-1))
  }

  const read = (section: Record<string, unknown>, prefix: readonly string[], environment?: string): void => {
    const at = (keys: readonly string[]): {environment?: string; line: number} => ({...(environment ? {environment} : {}), line: lineOf([...prefix, ...keys])})
    const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined)
    const build = isObject(section.build) ? section.build : undefined
    const deploy = isObject(section.deploy) ? section.deploy : undefined
    if (build) {
      const builder = str(build.builder)
      if (builder) config.builder = {value: builder.toUpperCase(), ...at(['build', 'builder'])}
      const dockerfile = str(build.dockerfilePath)
      if (dockerfile) config.dockerfilePath = {value: dockerfile, ...at(['build', 'dockerfilePath'])}
    }

    if (!deploy) return
    const start = str(deploy.startCommand)
    if (start) config.startCommand = {value: start, ...at(['deploy', 'startCommand'])}
    // preDeployCommand: an array of commands (the documented form) or one string; each runs in turn.
    const pre = Array.isArray(deploy.preDeployCommand) ? deploy.preDeployCommand.filter((c): c is string => typeof c === 'string' && c.trim() !== '') : str(deploy.preDeployCommand) ? [deploy.preDeployCommand as string] : []
    if (pre.length > 0) config.preDeployCommand = {value: pre.join(' && '), ...at(['deploy', 'preDeployCommand'])}
    const cron = str(deploy.cronSchedule)
    if (cron) config.cronSchedule = {value: cron, ...at(['deploy', 'cronSchedule'])}
    const count = (v: unknown, keys: readonly string[]): number | undefined => {
      if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v
      if (v !== undefined && v !== null) config.unread.push({line: at(keys).line, what: `${keys.join('.')} = ${JSON.stringify(v)}`})
      return undefined
    }

    if (isObject(deploy.multiRegionConfig)) {
      let sum = 0
      let known = true
      for (const [region, r] of Object.entries(deploy.multiRegionConfig)) {
        const n = isObject(r) ? count(r.numReplicas, ['deploy', 'multiRegionConfig', region, 'numReplicas']) : undefined
        if (n === undefined) known = false
        else sum += n
      }

      if (known && Object.keys(deploy.multiRegionConfig).length > 0) config.replicas = {value: sum, ...at(['deploy', 'multiRegionConfig'])}
    } else {
      const n = count(deploy.numReplicas, ['deploy', 'numReplicas'])
      if (n !== undefined) config.replicas = {value: n, ...at(['deploy', 'numReplicas'])}
    }
  }

  read(data, [])
  // Railway resolves "1. environment specific config in code, 2. base config in code, 3. service settings".
  const environments = isObject(data.environments) ? data.environments : undefined
  const own = environments && isObject(environments[RAILWAY_ENVIRONMENT]) ? environments[RAILWAY_ENVIRONMENT] : undefined
  if (own) {
    config.overrides.push(RAILWAY_ENVIRONMENT)
    read(own, ['environments', RAILWAY_ENVIRONMENT], RAILWAY_ENVIRONMENT)
  }

  return config
}
