/**
 * gobuffalo/pop (Buffalo's ORM): `pop.Connect(env)` reads database.yml and opens the named section's
 * connection with sqlx, then `db.SetMaxOpenConns(details.Pool)` (gobuffalo/pop@9fb0ec6 connection.go, Open) —
 * so the section's `pool:` is the database/sql cap, and no `pool:` (0) is database/sql's "no limit".
 * - The file: the first database.yml on pop's lookup paths that is in the app: "" (the dyno's cwd, the app
 *   root), then ./config (gobuffalo/pop@40f27d2 config.go lookupPaths; APP_PATH / POP_PATH put a folder first).
 * - It is a Go template first: `{{env "X"}}` and `{{envOr "X" "default"}}` (config.go LoadFrom, envy.Get).
 * - The section: `pop.Connect`'s argument — a string, or a variable set from `envy.Get("GO_ENV", "development")`
 *   / `os.Getenv("GO_ENV")` — and "development" when it is empty (connection.go Connect, defaults.String).
 * - The server: the section's `url:` env var (model/other-server.ts); no url, or DATABASE_URL: the plan's.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Env} from '../../model/env.js'
import type {FileReader} from '../../model/files.js'
import type {PoolEntry} from '../../model/process.js'

import {assumed, fromDefault, fromFile, type Source, sourced} from '../../model/source.js'
import {serverOfUrlVar} from '../../util/pg-url.js'
import {parseYaml} from '../../util/yaml.js'

export const POP_OPEN = 'https://github.com/gobuffalo/pop/blob/9fb0ec63898ce7cc469258b4aa47376b6eeee923/connection.go#L92-L101'
const POP_CONFIG = 'https://github.com/gobuffalo/pop/blob/40f27d2e1bb88f8e7c59592204f269ec7f15737b/config.go#L21'

/** The section `pop.Connect(…)` opens, read from the code's text: its name, and where it came from. */
interface Section {
  file: string
  line: number
  name?: string
  via: Source[]
  why?: string
}

/** Every `pop.Connect(…)` call in the code read: the section each opens, and where it came from. */
function sectionsOf(files: FileReader, read: string[], env: Env): Section[] {
  const out: Section[] = []
  for (const path of read) {
    const text = files.read(path)?.text ?? ''
    if (!text.includes('pop.Connect(')) continue
    for (const m of text.matchAll(/\bpop\.Connect\(\s*(?:"([^"]*)"|([A-Za-z_]\w*))\s*\)/g)) {
      const line = text.slice(0, m.index).split('\n').length
      if (/^\s*\/\//.test(text.split('\n')[line - 1] ?? '')) continue
      if (m[1] !== undefined) {
        out.push({file: path, line, name: m[1] || 'development', via: [fromFile(path, line)]})
        continue
      }

      const set = new RegExp(`\\b${m[2]}\\s*:?=\\s*(?:envy\\.Get\\(\\s*"(\\w+)"\\s*,\\s*"([^"]*)"\\s*\\)|os\\.Getenv\\(\\s*"(\\w+)"\\s*\\))`).exec(text)
      if (!set) {
        out.push({file: path, line, via: [], why: `\`${m[2]}\`, given to pop.Connect at ${path}:${line}, is not read`})
        continue
      }

      const name = set[1] ?? set[3]
      const given = env.get(name)
      const setLine = text.slice(0, set.index).split('\n').length
      if (given?.value) out.push({file: path, line, name: given.value, via: [given.source]})
      else {
        const fallback = set[2] ?? ''
        out.push({file: path, line, name: fallback || 'development', via: [fromFile(path, setLine), assumed(`${name} is not set here: ${fallback ? `the default "${fallback}" at ${path}:${setLine}` : `pop.Connect's default "development"`} is the section read (set ${name} with --env to read another)`)]})
      }
    }
  }

  // pop keeps one connection per section (Connections[name], opened once): the same section twice is one pool.
  return out.filter((s, i) => s.name === undefined || out.findIndex((o) => o.name === s.name) === i)
}

/** The pools of the `pop.Connect` calls in the code read, one per section (none when the code does not call it). */
export function popPools(files: FileReader, read: string[], env: Env, processType: string, diagnostics: Diagnostic[]): PoolEntry[] {
  return sectionsOf(files, read, env).map((section) => popPool(files, section, env, processType, diagnostics))
}

/** The pool one `pop.Connect` opens. */
function popPool(files: FileReader, section: Section, env: Env, processType: string, diagnostics: Diagnostic[]): PoolEntry {
  const file = ['database.yml', 'config/database.yml'].find((f) => files.exists(f))
  const opened = `pop ${section.file}:${section.line}`
  const unknown = (message: string, at?: {file: string; line?: number}): PoolEntry => {
    diagnostics.push({code: 'unknown-config-value', file: at?.file ?? section.file, fix: `tell conncalc the pool: --assume ${processType}=1:N:N`, line: at ? at.line : section.line, message: `${processType}: ${message}; 1 connection is counted until you say`, processType, severity: 'warning'})
    return {database: opened, pool: sourced(1, fromFile(section.file, section.line), [assumed(`${message}; 1 connection counted`)]), server: 'DATABASE_URL'}
  }

  if (!file) return unknown(`pop.Connect at ${section.file}:${section.line} reads database.yml, which is not in the app (pop looks in the app root and config/, ${POP_CONFIG})`)
  if (section.name === undefined) return unknown(`${section.why}: which database.yml section pop opens is not known`)
  // The Go template: env values in, their names kept for the url's server.
  const urlVars = new Map<number, string>()
  const source = files.read(file)
  // There but unreadable (binary, no permission): the reader has said so; its sections are not known.
  if (!source) return unknown(`pop.Connect at ${section.file}:${section.line} reads ${file}, which cannot be read`, {file})
  const text = source.text.split('\n').map((l, i) => l.replaceAll(/\{\{-?\s*(env|envOr)\s+"(\w+)"(?:\s+"([^"]*)")?\s*-?\}\}/g, (_, fn: string, name: string, dflt?: string) => {
    if (/^\s*url\s*:/.test(l)) urlVars.set(i + 1, name)
    return env.get(name)?.value ?? (fn === 'envOr' ? (dflt ?? '') : '')
  })).join('\n')
  const yaml = parseYaml(text, file)
  if (yaml.errors.length > 0) return unknown(`${file} is not valid YAML after its {{env}} templates (${yaml.errors[0].message}): pop.Connect fails to load it`, {file, line: yaml.errors[0].line})
  const doc = yaml.value as Record<string, unknown> | undefined
  const deets = doc?.[section.name]
  if (!deets || typeof deets !== 'object') return unknown(`${file} has no "${section.name}" section, which pop.Connect opens (${section.via.length > 1 ? 'from the default' : 'named'} at ${section.file}:${section.line})`)
  const d = deets as Record<string, unknown>
  const urlLine = yaml.lineOf([section.name, 'url'])
  const server = urlLine !== undefined && urlVars.has(urlLine) ? serverOfUrlVar(urlVars.get(urlLine), env) : 'DATABASE_URL'
  const poolLine = yaml.lineOf([section.name, 'pool'])
  const pool = d.pool
  const via = [fromDefault('pop opens the section with sqlx and calls SetMaxOpenConns(pool)', POP_OPEN), ...section.via]
  if (typeof pool === 'number' && Number.isInteger(pool) && pool > 0) return {database: opened, pool: sourced(pool, fromFile(file, poolLine ?? 1), via), server}
  if (pool !== undefined && pool !== 0) return unknown(`\`pool: ${String(pool)}\` in ${file}'s ${section.name} section is not an integer: pop fails to load the file`, {file, line: poolLine})
  diagnostics.push({
    code: 'unbounded-pool',
    file,
    fix: `add \`pool: N\` to ${file}'s ${section.name} section and tell conncalc: --assume ${processType}=1:N:N`,
    line: yaml.lineOf([section.name]),
    message: `${processType}: ${file}'s ${section.name} section sets no pool, so pop's SetMaxOpenConns(0) leaves database/sql with no limit: only the requests in flight — and at last the database's max_connections — bound it; conncalc counts 1 until you give --assume`,
    processType,
    severity: 'warning',
  })
  return {database: opened, pool: sourced(1, fromFile(file, yaml.lineOf([section.name]) ?? 1), [...via, assumed('no pool: in the section: database/sql has no cap; 1 connection counted until --assume says more')]), server}
}
