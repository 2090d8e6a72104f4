/**
 * ERB in YAML (database.yml, sidekiq.yml.erb), rendered with the safe
 * evaluator instead of Ruby. Line numbers stay put: a tag is replaced by its
 * value, and any newlines inside the tag are kept, so YAML line N is file line N.
 * `<% if %>` / `elsif` / `else` / `unless` … `<% end %>` are followed when the
 * safe evaluator can decide the condition; text in a branch not taken is
 * dropped (its newlines kept). A condition it cannot decide keeps every branch,
 * as if the tags were not there, and says so.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {SourceFile} from '../../model/files.js'
import {lineIndex} from '../../util/lines.js'
import {parseYaml, type YamlResult} from '../../util/yaml.js'
import {type EvalOptions, type EvalValue, evaluateRubySnippet, isSymbol, type Scope, truthy} from './evaluate.js'
import {evaluateOnce} from './eval-memo.js'

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
  if (typeof value !== 'string' || !value.includes(SENTINEL)) return undefined
  const m = SENTINEL_RE.exec(value)
  return m ? result.tags[Number(m[1])] : undefined
}

/** The `<%= %>` tags on a line (to source a YAML value written there). */
export const tagsOnLine = (result: ErbResult, line: number): ErbTag[] => result.tags.filter((t) => t.line === line)

function toOutput(v: EvalValue, index: number, unsetUnknown = false): string {
  if (v.kind === 'unknown') return sentinel(index)
  // Asked for: a value an unset variable flowed into stays a placeholder (`- [<%= ENV["QUEUE"] %>, 1]` would leave
  // `[, 1]`, which no YAML parser reads; the deployer sets it, or the program cannot start either).
  if (unsetUnknown && v.missingEnv && v.missingEnv.length > 0) return sentinel(index)
  const r = v.value
  if (r === null) return ''
  if (typeof r === 'string' || typeof r === 'number' || typeof r === 'boolean') return String(r)
  if (isSymbol(r)) return r.symbol
  return sentinel(index)
}

const keepNewlines = (s: string): string => {
  // Counted with indexOf, not a regular expression matched at every character.
  let newlines = 0
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) newlines++
  return '\n'.repeat(newlines)
}

/**
 * Is a tag alone on its line(s) — only blanks before it on its first line and after it on its
 * last — and not the value of a key or list item opened on the line before (`pool:` then the tag)?
 */
function standsAlone(before: string, after: string): boolean {
  const lines = before.split('\n')
  if (lines.at(-1)!.trim() !== '' || after.split('\n')[0].trim() !== '') return false
  const previous = lines.slice(0, -1).reverse().find((l) => l.trim() !== '' && !l.trim().startsWith('#'))
  return !previous || !/(:|^\s*-)\s*$/.test(previous.replace(/\s#.*$/, ''))
}

/** An open `<% if %>` (decided or not), or a block conncalc does not follow (`<% items.each do |i| %>`). */
type Frame = {active: boolean; decided: boolean; kind: 'if'; taken: boolean} | {kind: 'block'}

type Control = {cond: string; kind: 'elsif' | 'if' | 'unless'} | {kind: 'block' | 'else' | 'end'}

/** A `<% … %>` tag that opens, continues or closes control flow, if it is one. */
function controlOf(code: string): Control | undefined {
  const c = code.trim()
  if (c === 'else') return {kind: 'else'}
  if (c === 'end' || c === 'end;') return {kind: 'end'}
  const m = /^(if|unless|elsif)\s+([\s\S]+?)(?:\s+then)?$/.exec(c)
  // `<% if x then y = 1 end %>` is a whole statement, evaluated as one.
  if (m && !/\bend$/.test(c)) return {cond: m[2], kind: m[1] as 'elsif' | 'if' | 'unless'}
  if (/\bdo(\s*\|[^|]*\|)?$/.test(c) || /\{(\s*\|[^|]*\|)?$/.test(c)) return {kind: 'block'}
  return undefined
}

export async function renderErb(text: string, opts: ErbOptions & {file: string; unsetUnknown?: boolean}): Promise<ErbResult> {
  if (!text.includes('<%')) return {diagnostics: [], tags: [], text}
  const scope: Scope = new Map()
  const diagnostics: Diagnostic[] = []
  const tags: ErbTag[] = []
  const frames: Frame[] = []
  const re = /<%(%|#|=|-)?([\s\S]*?)-?%>/g
  const lineAt = lineIndex(text)
  const active = (): boolean => frames.every((f) => f.kind === 'block' || f.active)
  const info = (line: number, message: string, severity: 'info' | 'warning' = 'info') =>
    diagnostics.push({code: 'unknown-config-value', file: opts.file, line, message, severity})
  const notFollowed = (code: string, line: number) =>
    info(line, `ERB \`<%${code.trimEnd()} %>\` is not evaluated; the text around it is read as if it were not there`)

  // Heroku Postgres sets DATABASE_URL in every dyno: `<% if ENV["DATABASE_URL"] %>` takes that branch there (its value,
  // written into the YAML, stays as the env gives it).
  const presentEnv = opts.presentEnv ?? new Set(['DATABASE_URL'])
  /** The condition's truth (or its truthiness when only that is known), or undefined when the evaluator cannot decide it. */
  const decide = async (cond: string, line: number): Promise<boolean | undefined> => {
    const r = await evaluateRubySnippet(cond, {...opts, firstLine: line, presentEnv, scope})
    if (r.diagnostics.length > 0) return undefined
    return r.value.kind === 'known' ? truthy(r.value.value) : r.value.truthy
  }

  /** Follows one control tag; false when it is not one conncalc can follow. */
  const control = async (c: Control, code: string, line: number): Promise<boolean> => {
    const top = frames.at(-1)
    if (c.kind === 'block') {
      frames.push({kind: 'block'})
      return false
    }

    if (c.kind === 'end') {
      frames.pop()
      return top?.kind === 'if'
    }

    if (c.kind === 'if' || c.kind === 'unless') {
      const outer = active()
      const v = outer ? await decide(c.cond, line) : false
      if (v === undefined) {
        info(line, `cannot decide the ERB condition \`${c.cond.trim()}\`; the text of every branch is read, as if the tags were not there`, 'warning')
        frames.push({active: true, decided: false, kind: 'if', taken: true})
      } else {
        const yes = c.kind === 'if' ? v : !v
        frames.push({active: outer && yes, decided: true, kind: 'if', taken: yes})
      }

      return true
    }

    if (top?.kind !== 'if') return false
    if (!top.decided) return true // every branch is kept
    const outer = frames.slice(0, -1).every((f) => f.kind === 'block' || f.active)
    if (c.kind === 'else') {
      top.active = outer && !top.taken
      top.taken = true
      return true
    }

    if (c.kind !== 'elsif') return false
    if (top.taken) {
      top.active = false
      return true
    }

    const v = outer ? await decide(c.cond, line) : false
    if (v === undefined) {
      info(line, `cannot decide the ERB condition \`${c.cond.trim()}\`; the text of this and later branches is read, as if the tags were not there`, 'warning')
      top.decided = false
      top.active = true
      return true
    }

    top.active = outer && v
    top.taken = v
    return true
  }

  let out = ''
  let last = 0
  // Tags are looked for only up to the last `%>`: past it no tag can close, and trying each
  // `<%` there would scan to the end of the file once per `<%` (quadratic on unclosed tags).
  const close = text.lastIndexOf('%>')
  const searched = close === -1 ? '' : text.slice(0, close + 2)
  for (let m = re.exec(searched); m; m = re.exec(searched)) {
    const between = text.slice(last, m.index)
    out += active() ? between : keepNewlines(between)
    last = m.index + m[0].length
    const [whole, kind, code] = m
    const line = lineAt(m.index)
    if (kind === '%') {
      out += active() ? whole.replace('<%%', '<%') : keepNewlines(whole) // literal "<%"
      continue
    }

    if (kind === '#') {
      out += keepNewlines(whole)
      continue
    }

    const c = kind === '=' ? undefined : controlOf(code)
    if (c) {
      if (!(await control(c, code, line))) notFollowed(code, line)
      out += keepNewlines(whole)
      continue
    }

    if (!active()) {
      out += keepNewlines(whole)
      continue
    }

    const r = await evaluateRubySnippet(code, {...opts, firstLine: line, scope})
    if (kind === '=') {
      const index = tags.length
      const value = r.diagnostics.length > 0 ? {...r.value, reason: `ERB control flow or invalid Ruby in \`<%=${code}%>\``} : r.value
      let output = toOutput(value, index, opts.unsetUnknown)
      if (value.kind === 'unknown' && standsAlone(out, text.slice(last))) {
        // A tag alone on its lines inserts YAML (`<%= IO.read(file) if File.exist?(file) %>`), not a
        // value: what it adds is unknown, and a placeholder there would break the YAML around it.
        output = `#${output}`
        info(line, `ERB \`<%= ${code.trim().replaceAll(/\s+/g, ' ')} %>\` inserts text conncalc cannot evaluate; the YAML is read without it, so keys it would add or override are not seen`, 'warning')
      }

      tags.push({code: code.trim(), line, output, value})
      out += output + keepNewlines(whole)
    } else {
      // `<% … %>` runs code: assignments are kept.
      if (r.diagnostics.length > 0) notFollowed(code, line)
      out += keepNewlines(whole)
    }
  }

  const rest = text.slice(last)
  const open = rest.indexOf('<%')
  if (open !== -1) info(lineAt(last + open), 'an ERB tag opened here is never closed (no `%>` after it), which Ruby would refuse; conncalc reads the text from here as it is', 'warning')
  out += active() ? rest : keepNewlines(rest)
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
export type ErbOptions = Pick<EvalOptions, 'appEnv' | 'env' | 'knownCalls' | 'presentEnv' | 'process' | 'processors'>

/**
 * `scope` (the app's file reader): types that would read the same answers share one rendering
 * (eval-memo.ts); the result is shared, so it is read, never changed. `unsetUnknown`: a tag whose value an unset
 * variable decides is a placeholder (unknownTag finds it), not the empty text Ruby would write for its nil.
 */
export async function readYamlErb(file: SourceFile, opts: ErbOptions, scope?: object, unsetUnknown = false): Promise<YamlErb> {
  return evaluateOnce(scope, unsetUnknown ? 'yaml-erb-unset' : 'yaml-erb', file, opts, async (inputs) => {
    const erb = await renderErb(file.text, {...opts, ...inputs, file: file.path, unsetUnknown})
    const yaml = parseYaml(erb.text, file.path)
    return {diagnostics: [...erb.diagnostics, ...yaml.diagnostics], erb, file: file.path, yaml}
  })
}
