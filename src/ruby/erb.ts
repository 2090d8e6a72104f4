/**
 * ERB in YAML (database.yml, sidekiq.yml.erb), rendered with the safe
 * evaluator instead of Ruby. Line numbers stay put: a tag is replaced by its
 * value, and any newlines inside the tag are kept, so YAML line N is file line N.
 */
import type {Diagnostic} from '../model/diagnostic.js'
import type {SourceFile} from '../model/files.js'
import {lineIndex} from '../util/lines.js'
import {parseYaml, type YamlResult} from '../util/yaml.js'
import {type EvalOptions, type EvalValue, evaluateRubySnippet, isSymbol, type Scope} from './evaluate.js'

/** One `<%= … %>` tag: where it was, what it evaluated to, and the text put in its place. */
export interface ErbTag {
  code: string
  line: number
  output: string
  value: EvalValue
}

export interface ErbResult {
  diagnostics: Diagnostic[]
  tags: ErbTag[]
  text: string
}

// A placeholder for a tag whose value is unknown; `unknownTag` maps it back.
const SENTINEL = '__conncalc_unknown_erb_'
const sentinel = (i: number): string => `${SENTINEL}${i}__`
const SENTINEL_RE = new RegExp(`${SENTINEL}(\\d+)__`)

/** The unknown tag a rendered value came from, if it contains a placeholder. */
export function unknownTag(result: ErbResult, value: unknown): ErbTag | undefined {
  if (typeof value !== 'string') return undefined
  const m = SENTINEL_RE.exec(value)
  return m ? result.tags[Number(m[1])] : undefined
}

/** The `<%= %>` tags on a line (to source a YAML value written there). */
export const tagsOnLine = (result: ErbResult, line: number): ErbTag[] => result.tags.filter((t) => t.line === line)

function toOutput(v: EvalValue, index: number): string {
  if (v.kind === 'unknown') return sentinel(index)
  const r = v.value
  if (r === null) return ''
  if (typeof r === 'string' || typeof r === 'number' || typeof r === 'boolean') return String(r)
  if (isSymbol(r)) return r.symbol
  return sentinel(index)
}

const keepNewlines = (s: string): string => s.replaceAll(/[^\n]/g, '')

export async function renderErb(text: string, opts: ErbOptions & {file: string}): Promise<ErbResult> {
  if (!text.includes('<%')) return {diagnostics: [], tags: [], text}
  const scope: Scope = new Map()
  const diagnostics: Diagnostic[] = []
  const tags: ErbTag[] = []
  const re = /<%(%|#|=|-)?([\s\S]*?)-?%>/g
  const lineAt = lineIndex(text)
  let out = ''
  let last = 0
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out += text.slice(last, m.index)
    last = m.index + m[0].length
    const [whole, kind, code] = m
    const line = lineAt(m.index)
    if (kind === '%') {
      out += whole.replace('<%%', '<%') // literal "<%"
      continue
    }

    if (kind === '#') {
      out += keepNewlines(whole)
      continue
    }

    const r = await evaluateRubySnippet(code, {...opts, firstLine: line, scope})
    if (kind === '=') {
      const index = tags.length
      const value = r.diagnostics.length > 0 ? {...r.value, reason: `ERB control flow or invalid Ruby in \`<%=${code}%>\``} : r.value
      const output = toOutput(value, index)
      tags.push({code: code.trim(), line, output, value})
      out += output + keepNewlines(whole)
    } else {
      // `<% … %>` runs code: assignments are kept; control flow (`<% if … %>`) is not followed.
      if (r.diagnostics.length > 0) {
        diagnostics.push({
          code: 'unknown-config-value',
          file: opts.file,
          line,
          message: `ERB \`<%${code.trimEnd()} %>\` is not evaluated; the text around it is read as if it were not there`,
          severity: 'info',
        })
      }

      out += keepNewlines(whole)
    }
  }

  out += text.slice(last)
  return {diagnostics, tags, text: out}
}

/** A YAML file that may contain ERB (database.yml, sidekiq.yml): rendered, then parsed. */
export interface YamlErb {
  diagnostics: Diagnostic[]
  erb: ErbResult
  file: string
  yaml: YamlResult
}

/** What ERB code is evaluated with: the app environment, the env, and calls known for the process. */
export type ErbOptions = Pick<EvalOptions, 'appEnv' | 'env' | 'knownCalls'>

export async function readYamlErb(file: SourceFile, opts: ErbOptions): Promise<YamlErb> {
  const erb = await renderErb(file.text, {...opts, file: file.path})
  const yaml = parseYaml(erb.text, file.path)
  return {diagnostics: [...erb.diagnostics, ...yaml.diagnostics], erb, file: file.path, yaml}
}
