/**
 * Env files a Node process loads into process.env at run time, as python-dotenv's load_dotenv is read for Python
 * (languages/python/env-files.ts): `require('dotenv').config()` / `dotenv.config({path, override})`, `import
 * 'dotenv/config'`, `node -r dotenv/config` (and @dotenvx/dotenvx's same API), and Node's own `--env-file=PATH`.
 * Only a file the app ships is read (in the app's files, not kept out of git by a .gitignore).
 *
 * Precedence, from the sources: dotenv's populate() writes a key only when it is not in process.env unless `override`
 * is true (https://github.com/motdotla/dotenv/blob/v16.4.5/lib/main.js: `if (Object.prototype.hasOwnProperty.call(
 * processEnv, key)) { if (override === true) processEnv[key] = parsed[key] … } else processEnv[key] = parsed[key]`),
 * and Node's --env-file leaves a variable the environment sets (https://nodejs.org/api/cli.html#--env-filefile: "the
 * value from the environment takes precedence"). So the file sits below every layer the platform and the Procfile give,
 * and DATABASE_URL, which Heroku Postgres sets on every dyno, is not taken from it (withEnvFiles). The whole process is
 * read with the file's values: a module evaluated before the load (an ES module imported above it) is not told apart.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {JsModule, ParsedJs} from './js.js'
import {posix} from 'node:path'

import {asString, entry} from '../python/evaluate.js'
import {type LoadedEnvFile, readShippedEnvFile} from '../python/env-files.js'
import type {FileReader} from '../../model/files.js'

/** The env files the process loads (in load order), each read as the deploy has it; said when one cannot be read. */
export function dotenvLoads(files: FileReader, modules: readonly JsModule[], fromCommand: readonly string[], diagnostics: Diagnostic[], parsedOf: (m: JsModule) => ParsedJs | undefined): LoadedEnvFile[] {
  // The command line's first (entry.ts NodeEntry.envFiles: `node -r dotenv/config`, `--env-file=PATH`, dotenv-cli).
  const wanted: {override: boolean; path: string}[] = fromCommand.map((path) => ({override: false, path}))
  for (const m of modules) {
    if (m.imports.some((s) => /^(dotenv|@dotenvx\/dotenvx)\/config(\.js)?$/.test(s))) wanted.push({override: false, path: '.env'})
    for (const c of m.calls) {
      if (c.isNew || !/^(dotenv|@dotenvx\/dotenvx)(\.default)?\.config$/.test(c.callee)) continue
      const opts = c.args[0]
      const given = entry(opts, 'path')
      const path = given === undefined ? '.env' : (asString(given) ?? pathWritten(parsedOf(m), c.start, m.file))
      if (path === undefined) {
        // Said only when the app ships an env file it could be (a gitignored or absent one is not deployed anyway).
        const shipped = readShippedEnvFile(files, '.env')
        if (shipped && 'entries' in shipped && shipped.entries.length > 0) diagnostics.push({code: 'unknown-config-value', file: m.file, line: c.line, message: `cannot read the path dotenv.config() loads here (${given?.kind === 'unknown' ? given.reason : 'not a string'}): its variables are not read`, severity: 'info'})
        continue
      }

      const override = entry(opts, 'override')
      wanted.push({override: override?.kind === 'known' && override.value === true, path})
    }
  }

  const out: LoadedEnvFile[] = []
  for (const w of wanted) {
    // dotenv resolves the path from the process's working directory, the app root (`${process.cwd()}/.env` too).
    const path = w.path.replace(/^\.\//, '')
    if (out.some((o) => o.path === path)) continue
    const read = readShippedEnvFile(files, path)
    if (read && 'entries' in read && read.entries.length > 0) out.push({entries: read.entries, override: w.override, path: read.path})
  }

  return out
}

interface EsNode {
  [key: string]: unknown
  end: number
  start: number
  type: string
}

/**
 * The file a `dotenv.config({path})` names when the value is a path built from the process's folder or the module's:
 * `${process.cwd()}/.env`, `process.cwd() + '/.env'`, `path.join(process.cwd(), '.env')`, `path.resolve(__dirname,
 * '../.env')`, `path.resolve('.env')`; from the app root (the process's working directory). Read from the call's syntax.
 */
function pathWritten(parsed: ParsedJs | undefined, start: number | undefined, file: string): string | undefined {
  if (!parsed?.program || start === undefined) return undefined
  let call: EsNode | undefined
  const down = (n: EsNode): void => {
    if (call || n.start > start || n.end <= start) return
    if (n.start === start && n.type === 'CallExpression') {
      call = n
      return
    }

    for (const key in n) {
      if (key === 'parent') continue
      const v = n[key]
      for (const c of Array.isArray(v) ? v : [v]) if (c && typeof c === 'object' && typeof (c as EsNode).type === 'string') down(c as EsNode)
    }
  }

  down(parsed.program as unknown as EsNode)
  const opts = (call?.arguments as EsNode[] | undefined)?.[0]
  const prop = opts?.type === 'ObjectExpression' ? (opts.properties as EsNode[]).find((p) => p.type === 'Property' && (p.key as EsNode).type === 'Identifier' && (p.key as EsNode).name === 'path') : undefined
  const dir = posix.dirname(file)
  const str = (n: EsNode | undefined): string | undefined => {
    if (!n) return undefined
    if (n.type === 'Literal' && typeof n.value === 'string') return n.value
    if (n.type === 'Identifier' && n.name === '__dirname') return dir
    const callee = n.type === 'CallExpression' ? (n.callee as EsNode) : undefined
    const name = callee?.type === 'MemberExpression' && (callee.object as EsNode).type === 'Identifier' && (callee.property as EsNode).type === 'Identifier' ? `${(callee.object as EsNode).name as string}.${(callee.property as EsNode).name as string}` : callee?.type === 'Identifier' ? (callee.name as string) : undefined
    if (name === 'process.cwd' && (n.arguments as EsNode[]).length === 0) return '.'
    if (name !== undefined && /^(path\.)?(join|resolve)$/.test(name)) {
      const parts = (n.arguments as EsNode[]).map(str)
      return parts.length > 0 && parts.every((x) => x !== undefined) ? posix.join(...(parts as string[])) : undefined
    }

    if (n.type === 'BinaryExpression' && n.operator === '+') {
      const [a, b] = [str(n.left as EsNode), str(n.right as EsNode)]
      return a === undefined || b === undefined ? undefined : a + b
    }

    if (n.type === 'TemplateLiteral') {
      const quasis = n.quasis as EsNode[]
      const exprs = (n.expressions as EsNode[]).map(str)
      if (exprs.some((x) => x === undefined)) return undefined
      return quasis.map((q, i) => `${(q.value as {cooked: string}).cooked}${exprs[i] ?? ''}`).join('')
    }

    return undefined
  }

  const got = str(prop?.value as EsNode | undefined)
  if (got === undefined || got.startsWith('/')) return undefined
  const path = posix.normalize(got)
  return path.startsWith('..') ? undefined : path
}
