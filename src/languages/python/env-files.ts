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

import {Env} from '../../model/env.js'
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
