/**
 * `make TARGET` on a Procfile line or in a script (`web: make run-web`): what GNU make runs. It reads the Makefile
 * (GNUmakefile, makefile, Makefile, or `-f FILE`) in the folder (`-C DIR`), makes the target's prerequisites that are
 * rules of the file first (each once, depth first, in order), then runs the target's recipe lines one after another,
 * each in a shell of its own (`/bin/sh -c LINE`), stopping at the first that fails. With no target, the default goal:
 * the first rule's target that does not start with `.` (or `.DEFAULT_GOAL`). Before a line reaches the shell, make
 * expands its `$(VAR)` / `${VAR}` (the file's variables, then the command line's and the environment's), `$$` to `$`,
 * `$@` to the target; a leading `@`, `-` or `+` is make's, not the shell's (GNU make manual, "Writing Recipes in Rules").
 * Pure: text in, the recipe lines out, each at its Makefile line; what cannot be read says why.
 */
import {posix} from 'node:path'

import type {FileReader} from '../model/files.js'

const MAKE_REF = 'https://www.gnu.org/software/make/manual/make.html#Recipes'
export {MAKE_REF}

/** One recipe line as the shell gets it, with the Makefile line it starts on. */
export interface MakeLine {
  /** The file the line is in, when an `include`d one rather than the Makefile read. */
  file?: string
  line: number
  text: string
}

export interface MakeRun {
  /** The Makefile read, from the app root. */
  file: string
  /** The folder make runs in (`-C DIR`), from the process's folder; '' there. */
  dir: string
  goal: string
  lines: MakeLine[]
  /** Variables given on make's command line (`make run PORT=80`): in the recipes' environment too. */
  vars: {name: string; value: string}[]
}

/** Options of make that take a value (make --help). */
const VALUE_OPTIONS = new Set(['-C', '-f', '-I', '-j', '-l', '-o', '-W', '--directory', '--file', '--makefile', '--include-dir', '--jobs', '--load-average', '--old-file', '--what-if', '--assume-old', '--assume-new', '--new-file'])

interface Rule {
  line: number
  prereqs: string[]
  recipe: MakeLine[]
  /** A pattern rule's stem (`$*`): the part of the target `%` matched. */
  stem?: string
}

interface Parsed {
  defaultGoal?: string
  /** Each target's rules in order: their prerequisites add up; the last recipe given is the one run (make warns of the other). */
  rules: Map<string, Rule[]>
  /** Variables as written (expanded when used); one set inside an ifeq/ifdef block is unknown. */
  vars: Map<string, {conditional: boolean; value: string}>
}

/**
 * What `make …` runs, or undefined when the command is not make or no Makefile is there; `{why}` when the Makefile is
 * there but what it runs cannot be read (no such target, an unread make function in a recipe).
 */
export function makeRun(argv: readonly string[], files: FileReader, cwd: string, lookup: (name: string) => string | undefined): MakeRun | {file: string; line: number; why: string} | undefined {
  const name = argv[0]?.split('/').pop()
  if (name !== 'make' && name !== 'gmake') return undefined
  let dir = ''
  let file: string | undefined
  const goals: string[] = []
  const vars: {name: string; value: string}[] = []
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]
    const long = /^(--directory|--file|--makefile)=(.*)$/.exec(a)
    if (long) {
      if (long[1] === '--directory') dir = posix.join(dir, long[2])
      else file = long[2]
    } else if (VALUE_OPTIONS.has(a)) {
      const v = argv[++i] ?? ''
      if (a === '-C' || a === '--directory') dir = posix.join(dir, v)
      else if (a === '-f' || a === '--file' || a === '--makefile') file = v
    } else if (/^-C./.test(a)) dir = posix.join(dir, a.slice(2))
    else if (/^-f./.test(a)) file = a.slice(2)
    else if (a.startsWith('-')) continue
    else if (/^[A-Za-z_][\w.-]*=/.test(a)) vars.push({name: a.slice(0, a.indexOf('=')), value: a.slice(a.indexOf('=') + 1)})
    else goals.push(a)
  }

  const base = posix.join(cwd, dir).replace(/^\.$/, '')
  const at = (n: string): string => (base === '' ? n : `${base}/${n}`)
  const path = file === undefined ? ['GNUmakefile', 'makefile', 'Makefile'].map((n) => at(n)).find((p) => files.exists(p)) : at(file)
  const text = path === undefined ? undefined : files.read(path)?.text
  if (path === undefined || text === undefined) return undefined
  // `include FILE` / `-include` / `sinclude`: read where the line is, from make's folder (GNU make manual, "Including Other Makefiles").
  const parsed = parse(text, (name) => {
    const p = posix.normalize(at(name))
    const f = p.startsWith('..') ? undefined : files.read(p)
    return f ? {path: p, text: f.text} : undefined
  })
  const goal = goals[0] ?? parsed.defaultGoal ?? [...parsed.rules.keys()].find((t) => !t.startsWith('.') && !t.includes('%'))
  if (goal === undefined) return {file: path, line: 1, why: `${path} has no target to make`}
  if (!ruleOf(parsed, goal)) return {file: path, line: 1, why: `${path} has no rule for \`${goal}\``}
  // Several goals are made one after another, as one list.
  const order: string[] = []
  const visit = (t: string, seen: string[]): void => {
    if (order.includes(t) || seen.includes(t)) return
    const rule = ruleOf(parsed, t)
    if (!rule) return // a file prerequisite, not a rule: nothing to run
    for (const p of rule.prereqs) visit(p, [...seen, t])
    order.push(t)
  }

  for (const g of goals.length > 0 ? goals : [goal]) {
    if (!ruleOf(parsed, g)) return {file: path, line: 1, why: `${path} has no rule for \`${g}\``}
    visit(g, [])
  }

  const given = new Map(vars.map((v) => [v.name, v.value]))
  const lines: MakeLine[] = []
  for (const t of order) {
    const rule = ruleOf(parsed, t)!
    for (const r of rule.recipe) {
      const expanded = expand(r.text, t, rule.prereqs, parsed, given, lookup, 0, rule.stem)
      if ('why' in expanded) return {file: r.file ?? path, line: r.line, why: `${r.file ?? path}:${r.line}: ${expanded.why}`}
      // `@` (do not echo), `-` (ignore errors), `+` (run under -n) are make's prefixes.
      const shell = expanded.text.replace(/^[\s@+-]+/, '')
      if (shell.trim() !== '') lines.push({...(r.file ? {file: r.file} : {}), line: r.line, text: shell})
    }
  }

  return {dir: base, file: path, goal, lines, vars}
}

function ruleOf(parsed: Parsed, target: string): Rule | undefined {
  const defs = parsed.rules.get(target)
  if (!defs || defs.every((d) => d.recipe.length === 0)) {
    // A pattern rule (`run-%:`) makes a target no explicit rule gives a recipe: the one whose stem is shortest (GNU make
    // 3.82+, "How Patterns Match"); `%` in its prerequisites is the stem too.
    let best: {rule: Rule; stem: string} | undefined
    for (const [t, rs] of parsed.rules) {
      const pct = t.indexOf('%')
      if (pct === -1 || t.indexOf('%', pct + 1) !== -1) continue
      const [pre, post] = [t.slice(0, pct), t.slice(pct + 1)]
      if (target.length <= pre.length + post.length || !target.startsWith(pre) || !target.endsWith(post)) continue
      const stem = target.slice(pre.length, target.length - post.length)
      const withRecipe = rs.filter((d) => d.recipe.length > 0).at(-1)
      if (withRecipe && (!best || stem.length < best.stem.length)) best = {rule: withRecipe, stem}
    }

    if (best) return {line: best.rule.line, prereqs: [...(defs ?? []).flatMap((d) => d.prereqs), ...best.rule.prereqs.map((p) => p.replace('%', best.stem))], recipe: best.rule.recipe, stem: best.stem}
  }

  if (!defs) return undefined
  const withRecipe = defs.filter((d) => d.recipe.length > 0).at(-1)
  return {line: (withRecipe ?? defs[0]).line, prereqs: defs.flatMap((d) => d.prereqs), recipe: withRecipe?.recipe ?? []}
}

type Include = (name: string) => undefined | {path: string; text: string}

function parse(text: string, include?: Include, into?: Parsed & {file?: string; nesting: number}): Parsed {
  const rules = into?.rules ?? new Map<string, Rule[]>()
  const vars = into?.vars ?? new Map<string, {conditional: boolean; value: string}>()
  let defaultGoal: string | undefined = into?.defaultGoal
  let current: Rule | undefined
  let depth = 0
  const file = into?.file
  const raw = text.split('\n')
  for (let i = 0; i < raw.length; i++) {
    const start = i
    let line = raw[i]
    if (line.startsWith('\t') && current) {
      // A recipe line; a backslash-newline goes to the shell as a continuation (the next line's tab is make's).
      let body = line.slice(1)
      while (body.endsWith('\\') && i + 1 < raw.length) body = `${body.slice(0, -1)} ${raw[++i].replace(/^\t/, '')}`
      if (!body.trimStart().startsWith('#')) current.recipe.push({...(file ? {file} : {}), line: start + 1, text: body})
      continue
    }

    while (line.endsWith('\\') && i + 1 < raw.length) line = `${line.slice(0, -1)} ${raw[++i].trim()}`
    const bare = line.replace(/(^|[^\\])#.*$/, '$1').trim()
    if (bare === '') continue
    if (/^(ifeq|ifneq|ifdef|ifndef)\b/.test(bare)) {
      depth++
      continue
    }

    if (/^endif\b/.test(bare)) {
      depth = Math.max(0, depth - 1)
      continue
    }

    if (/^else\b/.test(bare)) continue
    const inc = /^(-?include|sinclude)\s+(.+)$/.exec(bare)
    if (inc && depth === 0) {
      current = undefined
      // Each file named (`$(VAR)` of a plain variable filled in), its rules and variables read as if written here.
      const names = inc[2].replaceAll(/\$[({]([\w.-]+)[)}]/g, (m, v: string) => vars.get(v)?.value ?? m).split(/\s+/).filter(Boolean)
      for (const n of names) {
        const found = !n.includes('$') && !/[*?[]/.test(n) && (into?.nesting ?? 0) < 8 ? include?.(n) : undefined
        if (!found) continue
        const inner = parse(found.text, include, {defaultGoal, file: found.path, nesting: (into?.nesting ?? 0) + 1, rules, vars})
        defaultGoal = inner.defaultGoal
      }

      continue
    }

    const assign = /^(?:export\s+|override\s+)*([A-Za-z_][\w.-]*)\s*(::?=|:::=|\?=|\+=|!=|=)\s*(.*)$/.exec(bare)
    if (assign) {
      current = undefined
      const [, name, op, value] = assign
      const had = vars.get(name)
      const conditional = depth > 0 || op === '!=' || (had?.conditional ?? false)
      if (op === '?=' && had) continue
      vars.set(name, {conditional, value: op === '+=' && had ? `${had.value} ${value}` : op === '!=' ? '' : value})
      if (name === '.DEFAULT_GOAL') defaultGoal = value.trim()
      continue
    }

    const rule = /^([^:=]+?)\s*::?\s*(?!=)(.*)$/.exec(bare)
    if (rule && depth === 0) {
      const targets = rule[1].split(/\s+/).filter(Boolean)
      const [deps, inline] = rule[2].split(';', 2)
      // `target: VAR = value` sets a variable for that target: no recipe here.
      if (/^\s*[A-Za-z_][\w.-]*\s*[:?+]?=/.test(deps)) {
        current = undefined
        continue
      }

      const next: Rule = {line: start + 1, prereqs: deps.split(/\s+/).filter(Boolean), recipe: inline?.trim() ? [{...(file ? {file} : {}), line: start + 1, text: inline.trim()}] : []}
      for (const t of targets) if (!t.startsWith('.')) rules.set(t, [...(rules.get(t) ?? []), next])
      current = next
      continue
    }

    current = undefined
  }

  return {...(defaultGoal ? {defaultGoal} : {}), rules, vars}
}

/** Make's expansion of a recipe line: `$(VAR)`, `${VAR}`, `$V`, `$$`, `$@`, `$<`, `$^`; a make function is not read. */
function expand(text: string, target: string, prereqs: string[], parsed: Parsed, given: Map<string, string>, lookup: (name: string) => string | undefined, depth: number, stem?: string): {text: string} | {why: string} {
  if (depth > 10) return {why: 'variables refer to each other too deeply'}
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c !== '$') {
      out += c
      continue
    }

    const n = text[i + 1]
    if (n === '$') {
      out += '$'
      i++
      continue
    }

    if (n === '@' || n === '<' || n === '^' || (n === '*' && stem !== undefined)) {
      out += n === '@' ? target : n === '<' ? (prereqs[0] ?? '') : n === '*' ? stem : prereqs.join(' ')
      i++
      continue
    }

    let name: string
    if (n === '(' || n === '{') {
      const close = matching(text, i + 1)
      if (close === -1) return {why: `an unclosed \`$${n}\``}
      name = text.slice(i + 2, close)
      i = close
    } else if (n !== undefined && /\w/.test(n)) {
      name = n
      i++
    } else {
      out += c
      continue
    }

    if (/\s|,/.test(name.trim()) || name.includes(':')) return {why: `\`$(${name})\` is a make function or substitution conncalc does not expand`}
    // $(MAKE) is the make running (a recursive make).
    const own = given.get(name) ?? parsed.vars.get(name) ?? (name === 'MAKE' ? 'make' : undefined)
    if (own !== undefined && typeof own === 'object' && own.conditional) return {why: `$(${name}) is set inside an ifeq/ifdef block (or by a shell command), which conncalc does not decide`}
    const value = typeof own === 'string' ? own : own?.value
    if (value !== undefined) {
      const inner = expand(value, target, prereqs, parsed, given, lookup, depth + 1, stem)
      if ('why' in inner) return inner
      out += inner.text
      continue
    }

    // Not a make variable: the environment's, as make imports it; one not known here is left for the shell to say.
    const env = lookup(name)
    out += env ?? `\${${name}}`
  }

  return {text: out}
}

/** The index of the `)` / `}` closing the one at `open`, nesting counted. */
function matching(text: string, open: number): number {
  const o = text[open]
  const c = o === '(' ? ')' : '}'
  let depth = 0
  for (let i = open; i < text.length; i++) {
    if (text[i] === o) depth++
    else if (text[i] === c && --depth === 0) return i
  }

  return -1
}
