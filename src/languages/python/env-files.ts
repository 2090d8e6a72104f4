/**
 * Env files the app's Python code reads at run time: python-dotenv's `load_dotenv()`, django-dotenv's
 * `read_dotenv()`, django-environ's `Env.read_env()` (each writes the file's variables into os.environ),
 * python-decouple's `config()` (reads `.env` when os.environ lacks the name) and pydantic-settings' `env_file`
 * (reads it for that settings class). Only a file the app ships is read: one in the app's files that no .gitignore
 * keeps out of git (a git-based deploy never has a gitignored file; a developer's local `.env` usually is one).
 *
 * Precedence, from each library's source: load_dotenv(override=False), read_dotenv(override=False) and
 * read_env(overwrite=False) keep a variable already set (os.environ.setdefault), so the file sits below every layer
 * the platform and the Procfile give, and the first file loaded wins; with override/overwrite=True it replaces them
 * and the last file loaded wins. DATABASE_URL, which Heroku Postgres sets on every dyno (evaluate.ts
 * DATABASE_URL_ASSUMED), is not taken from a file loaded without override: the platform's value is there first.
 */
import type {EnvEntry, EnvLayer} from '../../model/env.js'
import type {FileReader} from '../../model/files.js'
import type {Source} from '../../model/source.js'

import {Env, entrySources} from '../../model/env.js'
import {assumed, fromDefault} from '../../model/source.js'
import {joinPath} from '../../util/app-path.js'
import {gitIgnoredBy} from '../../util/git-ignore.js'
import {parseEnvFile} from '../../util/env-file.js'

/** One env file loaded into os.environ, in the order the code loaded it. */
export interface LoadedEnvFile {
  entries: EnvEntry[]
  /** The loader replaces variables already set (override=True / overwrite=True). */
  override: boolean
  path: string
}

/** An env file as the deploy has it: its variables, kept out of git by a .gitignore line, or not in the app. */
export type EnvFileRead = {entries: EnvEntry[]; path: string} | {ignoredBy: string; path: string} | undefined

/** Read `path` (relative to the app root) as an env file, when the app ships it. */
export function readShippedEnvFile(files: FileReader, given: string): EnvFileRead {
  // A path out of the app's folder (`../.env` of a monorepo's backend) is not deployed with it.
  const path = joinPath('', given)
  if (path === undefined || path === '') return undefined
  const file = files.read(path)
  if (!file) return undefined
  const ignoredBy = gitIgnoredBy(files, path)
  if (ignoredBy) return {ignoredBy, path}
  return {entries: parseEnvFile(file.text, path).entries, path}
}

/** `base` with the env files the code loaded: override ones above it (the last loaded on top), the others below (the first loaded first). */
export function withEnvFiles(base: Env, loaded: readonly LoadedEnvFile[]): Env {
  if (loaded.length === 0) return base
  const layer = (l: LoadedEnvFile): EnvLayer => ({label: l.path, vars: new Map(l.entries.filter((e) => l.override || e.name !== 'DATABASE_URL').map((e) => [e.name, e]))})
  const over = loaded.filter((l) => l.override).reverse().map((l) => layer(l))
  const under = loaded.filter((l) => !l.override).map((l) => layer(l))
  return new Env([...over, ...base.layers, ...under])
}

/** python-dotenv's `${NAME}` / `${NAME:-default}` (variables.py _posix_variable: the name runs to a `}` or `:`). */
const POSIX_VARIABLE = /\$\{([^}:]*)(?::-([^}]*))?\}/g

const PYTHON_DOTENV_REF = 'https://github.com/theskumar/python-dotenv/blob/v1.0.1/src/dotenv/main.py'

/**
 * A file's values as python-dotenv gives them with interpolate=True (the default of load_dotenv() and dotenv_values(),
 * which pydantic-settings' env_file reads through): `${NAME}` and `${NAME:-default}` expand in every value, quoted or
 * not; `$NAME` without braces stays as written (variables.py). Each name is looked up, in main.py resolve_variables, in
 * the values the file set above it and in os.environ: os.environ first when the load keeps variables already set
 * (override=False), the file first otherwise (override=True, and dotenv_values). A name set nowhere expands to its
 * default (else ""): on a dyno a config var conncalc does not see may set it, so such a value is an assumption, said.
 * `lookup` answers os.environ as the process has it when the file loads (the platform's and earlier files' layers).
 */
export function interpolateDotenv(entries: readonly EnvEntry[], override: boolean, path: string, lookup: (name: string) => EnvEntry | undefined): EnvEntry[] {
  const own = new Map<string, EnvEntry>()
  return entries.map((e) => {
    const out = e.value.includes('${') ? expandEntry(e, override, path, own, lookup) : e
    own.set(e.name, out)
    return out
  })
}

function expandEntry(e: EnvEntry, override: boolean, path: string, own: Map<string, EnvEntry>, lookup: (name: string) => EnvEntry | undefined): EnvEntry {
  const via: Source[] = []
  const unset: string[] = []
  let unknown: string | undefined
  const written = e.value.length > 40 ? `${e.value.slice(0, 37)}...` : e.value
  const value = e.value.replaceAll(POSIX_VARIABLE, (_all, name: string, dflt: string | undefined) => {
    const got = override ? (own.get(name) ?? lookup(name)) : (lookup(name) ?? own.get(name))
    if (got?.unknown) unknown ??= `${e.name} in ${path} expands \`${written}\`, and ${got.unknown}`
    if (got) {
      via.push(...entrySources(got))
      return got.value
    }

    unset.push(dflt === undefined ? `${name} (set nowhere conncalc reads; python-dotenv gives "")` : `${name} (set nowhere conncalc reads; its default "${dflt}" taken)`)
    return dflt ?? ''
  })
  if (unknown) return {...e, unknown}
  const note = fromDefault(`python-dotenv expands \`${written}\` (${e.name} at ${e.source.kind === 'env' ? e.source.from : path})`, PYTHON_DOTENV_REF)
  if (unset.length > 0) return {...e, source: assumed(`${e.name} at ${e.source.kind === 'env' ? e.source.from : path} is \`${written}\`, which python-dotenv expands; ${unset.join(', ')}: a config var may set it on the dyno`), value, via: [note, ...via]}
  return {...e, value, via: [...(e.via ?? []), note, ...via]}
}
