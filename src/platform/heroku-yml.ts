/**
 * heroku.yml, the manifest of an app on Heroku's container stack
 * (https://devcenter.heroku.com/articles/build-docker-images-heroku-yml): `setup` (add-ons and
 * config vars created with the app), `build` (a Dockerfile per process type, and `config`, the
 * build args), `release` (the release phase's command and image) and `run` (each process type's
 * command, or a `{command, image}` pair). Pure: text in, manifest out, every value with its line.
 */
import type {Diagnostic} from '../model/diagnostic.js'
import type {EnvEntry} from '../model/env.js'

import {fromEnv} from '../model/source.js'
import {parseYaml} from '../util/yaml.js'
import {isObject} from '../util/objects.js'

export const HEROKU_YML_REF = 'https://devcenter.heroku.com/articles/build-docker-images-heroku-yml'

/** `build: docker: TYPE:` — the Dockerfile that builds that type's image. */
export interface HerokuYmlImage {
  dockerfile: string
  line: number
  /** A stage of a multi-stage Dockerfile (`{dockerfile: Dockerfile, target: builder}`). */
  target?: string
}

/** A `run:` entry, or `release:`: a command (or none: the image's CMD), in an image. */
export interface HerokuYmlProcess {
  command?: string
  /** `image: worker`: the image of that build type. */
  image?: string
  line: number
  name: string
}

export interface HerokuYml {
  /** `setup: addons:` — each plan, and the name it is attached `as` (DATABASE → DATABASE_URL). */
  addons: {as?: string; line: number; plan: string}[]
  /** `build: config:` — build args the Dockerfiles' ARGs take. */
  buildConfig: EnvEntry[]
  diagnostics: Diagnostic[]
  /** Set when the file is not valid YAML (or not a mapping): nothing else is. */
  error?: {line: number; message: string}
  images: Map<string, HerokuYmlImage>
  /** `run:` entries that are not a command or a {command, image} mapping (`web: 5`): said, not run. */
  invalid: string[]
  release?: HerokuYmlProcess
  run: HerokuYmlProcess[]
  /** `setup: config:` — config vars set when the app is created from the manifest. */
  setupConfig: EnvEntry[]
}


/** A scalar config value as the env holds it (`RAILS_MAX_THREADS: 5` is "5"). */
const scalar = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined)

/**
 * A `command:` value: a string, or a list. The docs show one command line per list (`- ./deployment-tasks.sh`);
 * a list of words (`[bundle, exec, puma]`) is one command, and a list of command lines (`- python manage.py
 * migrate`, `- python manage.py collectstatic`) is read as those commands one after another.
 */
function commandText(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string')) return undefined
  const items = v.map((x) => x.trim()).filter(Boolean)
  const lines = items.length > 1 && items.every((x) => /\s/.test(x))
  return items.join(lines ? ' && ' : ' ') || undefined
}

/** A value that is not a command, as the message names it: `5`, `true`, empty, a list. */
function shown(v: unknown): string {
  if (v === null || v === undefined || (typeof v === 'string' && v.trim() === '')) return 'empty'
  if (Array.isArray(v)) return 'a list'
  const text = String(v)
  return `\`${text.length > 40 ? `${text.slice(0, 39)}…` : text}\``
}

export function parseHerokuYml(text: string, path = 'heroku.yml'): HerokuYml {
  const out: HerokuYml = {addons: [], buildConfig: [], diagnostics: [], images: new Map(), invalid: [], run: [], setupConfig: []}
  const yaml = parseYaml(text, path)
  if (yaml.errors.length > 0) {
    out.error = {line: yaml.errors[0].line, message: `not valid YAML (${yaml.errors[0].message})`}
    return out
  }

  const data = yaml.value
  if (data === undefined || data === null) return out
  if (!isObject(data)) {
    out.error = {line: 1, message: 'not a mapping of setup, build, release and run'}
    return out
  }

  const line = (...keys: (number | string)[]): number => yaml.lineOf(keys) ?? 1
  const warn = (at: number, message: string): void => {
    out.diagnostics.push({code: 'unparsable-config', file: path, line: at, message: `${path}: ${message}`, severity: 'warning'})
  }

  const setup = isObject(data.setup) ? data.setup : {}
  if (Array.isArray(setup.addons)) {
    for (const [i, a] of setup.addons.entries()) {
      const plan = typeof a === 'string' ? a : isObject(a) && typeof a.plan === 'string' ? a.plan : undefined
      const as = isObject(a) && typeof a.as === 'string' ? {as: a.as} : {}
      if (plan) out.addons.push({...as, line: line('setup', 'addons', i), plan})
    }
  }

  const configOf = (section: string, v: unknown): EnvEntry[] => {
    if (v === undefined) return []
    if (!isObject(v)) {
      warn(line(section, 'config'), `${section}.config is not a mapping of variables; not used`)
      return []
    }

    return Object.entries(v).flatMap(([name, value]) => {
      const s = scalar(value)
      return s === undefined ? [] : [{name, source: fromEnv(name, `${path}:${line(section, 'config', name)}`), value: s}]
    })
  }

  out.setupConfig = configOf('setup', setup.config)
  const build = isObject(data.build) ? data.build : {}
  out.buildConfig = configOf('build', build.config)
  if (build.docker !== undefined && !isObject(build.docker)) warn(line('build', 'docker'), 'build.docker is not a mapping of process types to Dockerfiles; not used')
  for (const [type, spec] of Object.entries(isObject(build.docker) ? build.docker : {})) {
    const at = line('build', 'docker', type)
    if (typeof spec === 'string' && spec.trim() !== '') out.images.set(type, {dockerfile: spec.trim(), line: at})
    else if (isObject(spec) && typeof spec.dockerfile === 'string') out.images.set(type, {dockerfile: spec.dockerfile.trim(), line: at, ...(typeof spec.target === 'string' ? {target: spec.target} : {})})
    else warn(at, `build.docker.${type} names no Dockerfile; not used`)
  }

  const processOf = (name: string, spec: unknown, at: number, where: string): HerokuYmlProcess | undefined => {
    if (typeof spec === 'string' && spec.trim()) return {command: spec.trim(), line: at, name}
    if (isObject(spec)) {
      const command = commandText(spec.command)
      if (spec.command !== undefined && command === undefined) warn(at, `${where}.command is not a command line or a list of strings; the image's CMD is used`)
      return {line: at, name, ...(command === undefined ? {} : {command}), ...(typeof spec.image === 'string' ? {image: spec.image} : {})}
    }

    warn(at, `${where} is ${shown(spec)}, not a command line or a {command, image} mapping; not used`)
    return undefined
  }

  if (data.release !== undefined) out.release = processOf('release', data.release, line('release'), 'release')
  if (data.run !== undefined && !isObject(data.run)) warn(line('run'), 'run is not a mapping of process types to commands; not used')
  for (const [type, spec] of Object.entries(isObject(data.run) ? data.run : {})) {
    const p = processOf(type, spec, line('run', type), `run.${type}`)
    if (p) out.run.push(p)
    else out.invalid.push(type)
  }

  return out
}
