/**
 * JavaScript/TypeScript config and entry files, read with a real parser
 * (@lezer/javascript, imported lazily) and the same safe-evaluation rules as
 * Python: literals, earlier `const`s, `process.env.X` with `||`/`??` defaults,
 * Number()/parseInt(), `os.cpus().length` (the dyno's nproc), arithmetic.
 * Calls and `new` expressions are collected with their evaluated arguments so
 * analyzers can find `new Pool({max})`, `throng({workers})`, `knex({pool})`.
 * Values share the Python evaluator's shapes (objects are dicts). Never runs code.
 */
import type {EvalValue, KnownValue, PyValue} from '../python/values.js'
import type {SyntaxNode, Tree} from '@lezer/common'

import type {Diagnostic} from '../../model/diagnostic.js'
import type {Env} from '../../model/env.js'
import {assumed, type Source, type Sourced} from '../../model/source.js'
import {asString, isDict, truthy} from '../python/evaluate.js'
import {lineIndex} from '../../util/lines.js'

export interface JsCall {
  args: EvalValue[]
  /** Import-resolved: `new Pool()` with `import {Pool} from "pg"` is "pg.Pool"; `require("knex")(cfg)` is "knex". */
  callee: string
  isNew: boolean
  line: number
}

export interface JsModule {
  calls: JsCall[]
  /** What `module.exports = …` assigned (CommonJS), if anything. */
  cjs?: EvalValue
  diagnostics: Diagnostic[]
  /** `module.exports` / `export default` value, and named exports. */
  exports: Map<string, EvalValue>
  file: string
  /** Module specifiers imported or required, as written ("./db", "pg"). */
  imports: string[]
  names: Map<string, EvalValue>
  parsed: boolean
}

export interface JsEvalOptions {
  env: Env
  /** The app's own module an import or require names (`./config`, `@/lib/db`), already evaluated; undefined when not followed. */
  imported?: (spec: string) => JsModule | undefined
  nproc?: Sourced<number>
}

/** A parsed file, before evaluation: the project loads what it imports first, then evaluates it. */
export interface ParsedJs {
  diagnostics: Diagnostic[]
  file: string
  /** Module specifiers of import/export-from declarations and literal require() calls. */
  specs: string[]
  text: string
  tree?: Tree
}

/** The callee of a function value: its args[0] is what the function returns. */
const FUNCTION = '(function)'
/** Strapi's config helper, imported from @strapi/utils or passed to config functions as `{env}`. */
const ENV_HELPER = '@strapi/utils.env'

/** What a function value returns (`module.exports = ({env}) => ({…})`); any other value as it is. */
export function returnedBy(v: EvalValue | undefined): EvalValue | undefined {
  return v?.kind === 'known' && typeof v.value === 'object' && v.value?.kind === 'call' && v.value.callee === FUNCTION ? v.value.args[0] : v
}

/** Identity helpers that return their argument (drizzle-kit, MikroORM, Medusa, Vite, Astro `defineConfig`). */
const IDENTITY = /(^|\.)define(Config|Configuration)$/

/** A module as `import * as x` (or `require`, for an ES module) sees it: its exports as an object. */
export function namespaceOf(m: JsModule, line = 1): EvalValue {
  return {file: m.file, kind: 'known', line, value: {entries: new Map(m.exports), kind: 'dict'}, via: []}
}

/** What `require(spec)` returns: `module.exports`, else the ES module's exports. */
export const requiredValue = (m: JsModule): EvalValue => m.cjs ?? namespaceOf(m)

let loading: Promise<typeof import('@lezer/javascript')> | undefined

const kids = (node: SyntaxNode): SyntaxNode[] => {
  const out: SyntaxNode[] = []
  for (let c = node.firstChild; c; c = c.nextSibling) if (!['BlockComment', 'LineComment'].includes(c.name)) out.push(c)
  return out
}

const PUNCT = new Set(['(', ')', '{', '}', '[', ']', ',', ';', ':', '.', 'Equals'])

class JsEvaluator {
  readonly calls: JsCall[] = []
  cjs?: EvalValue
  readonly exports = new Map<string, EvalValue>()
  /** The class being read and what it extends, so `super(opts)` in its constructor is `new Base(opts)`. */
  private readonly superclasses: string[] = []
  readonly imports: string[] = []
  readonly names = new Map<string, EvalValue>()
  private readonly aliases = new Map<string, string>()
  /** The `return` values seen in each function being evaluated, innermost last. */
  private readonly returns: EvalValue[][] = []
  private readonly lineOf: (offset: number) => number

  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly opts: JsEvalOptions,
  ) {
    this.lineOf = lineIndex(text)
  }

  private line(node: SyntaxNode): number {
    return this.lineOf(node.from)
  }

  private t(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to)
  }

  private known(node: SyntaxNode, value: PyValue, ...from: (EvalValue | undefined)[]): KnownValue {
    const via = from.flatMap((v) => (v?.kind === 'known' ? v.via : []))
    const missing = from.flatMap((v) => v?.missingEnv ?? [])
    return {file: this.file, kind: 'known', line: this.line(node), value, via, ...(missing.length > 0 ? {missingEnv: missing} : {})}
  }

  private unknown(node: SyntaxNode, reason?: string, ...from: (EvalValue | undefined)[]): EvalValue {
    const inner = from.find((v) => v?.kind === 'unknown')
    if (inner) return inner
    const snippet = this.t(node).replaceAll(/\s+/g, ' ').slice(0, 60)
    return {file: this.file, kind: 'unknown', line: this.line(node), reason: reason ?? `\`${snippet}\` is not something conncalc evaluates`}
  }

  visit(node: SyntaxNode): void {
    switch (node.name) {
      case 'VariableDeclaration': {
        const parts = kids(node)
        for (let i = 0; i < parts.length; i++) {
          const target = parts[i]
          if (target.name !== 'VariableDefinition' && target.name !== 'ObjectPattern') continue
          // `const x: T = …` (TypeScript) has a TypeAnnotation before Equals.
          let j = i + 1
          while (parts[j] && parts[j].name === 'TypeAnnotation') j++
          const init = parts[j]?.name === 'Equals' ? parts[j + 1] : undefined
          if (!init) continue
          const value = this.expr(init)
          if (target.name === 'VariableDefinition') this.names.set(this.t(target), value)
          else this.destructure(target, init, value)
          i = j + 1
        }

        return
      }

      case 'ImportDeclaration': {
        const from = kids(node).find((k) => k.name === 'String')
        const spec = from ? (asString(this.expr(from)) ?? '') : ''
        this.imports.push(spec)
        const parts = kids(node)
        const mod = this.opts.imported?.(spec)
        const star = parts.some((p) => p.name === 'Star')
        const bind = (local: string, exported: string | undefined, at: SyntaxNode): void => {
          if (!mod) return
          const v = exported === undefined ? namespaceOf(mod, this.line(at)) : mod.exports.get(exported)
          this.names.set(local, v ?? this.unknown(at, `\`${exported}\` is not an export of ${mod.file} conncalc can read`))
        }

        for (const p of parts) {
          if (p.name === 'VariableDefinition') {
            this.aliases.set(this.t(p), spec) // default or `* as x`
            bind(this.t(p), star ? undefined : 'default', p)
          }

          if (p.name === 'ImportGroup') {
            const group = kids(p)
            for (let g = 0; g < group.length; g++) {
              if (group[g].name !== 'VariableDefinition' && group[g].name !== 'VariableName') continue
              const imported = this.t(group[g])
              if (group[g + 1]?.name === 'as' && group[g + 2]) {
                this.aliases.set(this.t(group[g + 2]), `${spec}.${imported}`)
                bind(this.t(group[g + 2]), imported, group[g])
                g += 2
              } else {
                this.aliases.set(imported, `${spec}.${imported}`)
                bind(imported, imported, group[g])
              }
            }
          }
        }

        return
      }

      case 'FunctionDeclaration': {
        const name = node.getChild('VariableDefinition')
        const value = this.fn(node)
        if (name) this.names.set(this.t(name), value)
        return
      }

      case 'ClassDeclaration': {
        const parts = kids(node)
        const ext = parts.findIndex((p) => p.name === 'extends')
        const base = ext === -1 ? undefined : parts[ext + 1] && this.dotted(parts[ext + 1])
        const body = node.getChild('ClassBody')
        if (!base || !body) {
          for (const k of parts) this.visit(k)
          return
        }

        // A class that extends an imported client (`class PrismaService extends PrismaClient`) is that client,
        // made by the framework's DI: `super(opts)` is `new Base(opts)`, and no constructor is `new Base()`.
        const before = this.calls.length
        this.superclasses.push(base)
        this.visit(body)
        this.superclasses.pop()
        if (!this.calls.slice(before).some((c) => c.callee === base && c.isNew)) this.calls.push({args: [], callee: base, isNew: true, line: this.line(node)})
        return
      }

      case 'ExportDeclaration': {
        const parts = kids(node)
        if (parts[1]?.name === 'default' && parts[2]) {
          const v = ['FunctionDeclaration', 'ClassDeclaration'].includes(parts[2].name) ? undefined : this.expr(parts[2])
          if (!v) this.visit(parts[2])
          const name = parts[2].getChild('VariableDefinition')
          this.exports.set('default', v ?? (name ? this.names.get(this.t(name)) : undefined) ?? this.unknown(parts[2]))
          return
        }

        const fromNode = parts.find((p) => p.name === 'String')
        const from = fromNode ? this.opts.imported?.(asString(this.expr(fromNode)) ?? '') : undefined
        if (fromNode) this.imports.push(asString(this.expr(fromNode)) ?? '')
        if (parts[1]?.name === 'Star') {
          // `export * from './x'` (default excluded), `export * as ns from './x'`.
          const ns = parts.find((p) => p.name === 'VariableName' || p.name === 'VariableDefinition')
          if (from && ns) this.exports.set(this.t(ns), namespaceOf(from, this.line(node)))
          else if (from) for (const [k, v] of from.exports) if (k !== 'default') this.exports.set(k, v)
          return
        }

        const group = node.getChild('ExportGroup')
        if (group) {
          const g = kids(group).filter((k) => !PUNCT.has(k.name))
          for (let i = 0; i < g.length; i++) {
            const local = this.t(g[i])
            const exported = g[i + 1]?.name === 'as' && g[i + 2] ? this.t(g[i + 2]) : local
            if (exported !== local) i += 2
            const v = fromNode ? from?.exports.get(local) : this.names.get(local)
            if (v) this.exports.set(exported, v)
          }

          return
        }

        for (const p of parts.slice(1)) {
          this.visit(p)
          // `export const a = …, b = …`, `export function f`, `export class C`: named exports.
          const defs = p.name === 'VariableDeclaration' ? p.getChildren('VariableDefinition') : [p.getChild('VariableDefinition')].filter((d): d is SyntaxNode => d !== null)
          for (const d of defs) {
            const v = this.names.get(this.t(d))
            if (v) this.exports.set(this.t(d), v)
          }
        }

        return
      }

      case 'ExpressionStatement':
      case 'ReturnStatement': {
        for (const k of kids(node)) {
          if (k.name === 'return' || PUNCT.has(k.name)) continue
          const v = this.expr(k)
          if (node.name === 'ReturnStatement') this.returns.at(-1)?.push(v)
        }

        return
      }

      case 'Decorator': {
        // `@Module({imports: [TypeOrmModule.forRoot({…})]})`: the decorator's call and its arguments.
        for (const k of kids(node)) if (k.name !== '@') this.expr(k)
        return
      }

      default: {
        for (const k of kids(node)) this.visit(k)
      }
    }
  }

  /** `const {Pool} = require("pg")` / `const {max} = config`. */
  private destructure(pattern: SyntaxNode, init: SyntaxNode, value: EvalValue): void {
    const required = this.requireOf(init)
    for (const prop of kids(pattern)) {
      const def = prop.getChild('VariableDefinition')
      const key = prop.getChild('PropertyName')
      if (!def) continue
      const name = this.t(key ?? def)
      if (required !== undefined) this.aliases.set(this.t(def), `${required}.${name}`)
      if (isDict(value)) this.names.set(this.t(def), value.value.entries.get(name) ?? this.unknown(prop))
      else if (required === undefined) this.names.set(this.t(def), this.unknown(prop, `\`${this.t(def)}\` is destructured from \`${this.t(init).replaceAll(/\s+/g, ' ').slice(0, 60)}\`, which conncalc does not evaluate`, value))
    }
  }

  private requireOf(node: SyntaxNode): string | undefined {
    if (node.name !== 'CallExpression' || this.t(node.firstChild!) !== 'require') return undefined
    const arg = node.getChild('ArgList')?.getChild('String')
    return arg ? asString(this.expr(arg)) : undefined
  }

  /** Dotted, import-resolved name of a callee. */
  private dotted(node: SyntaxNode): string | undefined {
    if (node.name === 'VariableName') {
      const n = this.t(node)
      return this.aliases.get(n) ?? n
    }

    if (node.name === 'MemberExpression' && node.getChild('PropertyName')) {
      const base = this.dotted(node.firstChild!)
      return base ? `${base}.${this.t(node.getChild('PropertyName')!)}` : undefined
    }

    const req = this.requireOf(node)
    if (req !== undefined) return req
    return undefined
  }

  private env(node: SyntaxNode, name: string): EvalValue {
    const e = this.opts.env.get(name)
    const line = this.line(node)
    if (e) return {file: this.file, kind: 'known', line, value: e.value, via: [e.source]}
    return {file: this.file, kind: 'known', line, missingEnv: [{line, name}], value: null, via: []}
  }

  expr(node: SyntaxNode): EvalValue {
    switch (node.name) {
      case 'Number': {
        const n = Number(this.t(node).replaceAll('_', ''))
        return Number.isNaN(n) ? this.unknown(node) : this.known(node, n)
      }

      case 'String': {
        const raw = this.t(node)
        return this.known(node, raw.slice(1, -1).replaceAll(/\\(.)/g, '$1'))
      }

      case 'TemplateString': {
        return node.getChild('Interpolation') ? this.unknown(node, 'a template string with ${…} is not evaluated') : this.known(node, this.t(node).slice(1, -1))
      }

      case 'BooleanLiteral': {
        return this.known(node, this.t(node) === 'true')
      }

      case 'null': {
        return this.known(node, null)
      }

      case 'VariableName': {
        const v = this.names.get(this.t(node))
        return v ?? this.unknown(node, `\`${this.t(node)}\` is not defined in this file`)
      }

      case 'ParenthesizedExpression': {
        const inner = kids(node).find((k) => !PUNCT.has(k.name))
        return inner ? this.expr(inner) : this.unknown(node)
      }

      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSSatisfiesExpression': {
        return this.expr(node.firstChild!)
      }

      case 'ObjectExpression': {
        const entries = new Map<string, EvalValue>()
        let partial = false
        for (const prop of kids(node).filter((k) => k.name === 'Property')) {
          const parts = kids(prop)
          if (parts[0]?.name === 'Spread') {
            const s = this.expr(parts[1])
            if (isDict(s)) for (const [k, v] of s.value.entries) entries.set(k, v)
            else partial = true
            continue
          }

          const key = parts[0]
          const value = parts.find((p, i) => i > 0 && !PUNCT.has(p.name))
          const keyText = key.name === 'String' ? asString(this.expr(key)) : key.name === 'PropertyDefinition' ? this.t(key) : undefined
          if (keyText === undefined) {
            partial = true
            continue
          }

          if (value) entries.set(keyText, this.expr(value))
          else entries.set(keyText, this.names.get(keyText) ?? this.unknown(prop)) // shorthand `{max}`
        }

        return this.known(node, {entries, kind: 'dict', ...(partial ? {partial} : {})})
      }

      case 'ArrayExpression': {
        return this.known(node, {items: kids(node).filter((k) => !PUNCT.has(k.name)).map((k) => this.expr(k)), kind: 'list'})
      }

      case 'UnaryExpression': {
        const [op, operand] = kids(node)
        const v = this.expr(operand)
        if (v.kind !== 'known') return v
        if (this.t(op) === '!') return this.known(node, !truthy(v.value), v)
        const n = typeof v.value === 'number' ? v.value : typeof v.value === 'string' ? Number(v.value) : Number.NaN
        if (Number.isNaN(n)) return this.unknown(node, undefined, v)
        return this.known(node, this.t(op) === '-' ? -n : n, v)
      }

      case 'BinaryExpression': {
        return this.binary(node)
      }

      case 'ConditionalExpression': {
        const [cond, , a, , b] = kids(node)
        const c = this.expr(cond)
        if (c.kind !== 'known' || typeof c.value === 'object') return this.unknown(node, 'a condition conncalc cannot decide', c)
        return this.expr(truthy(c.value) ? a : b)
      }

      case 'AssignmentExpression': {
        const [target, , value] = kids(node)
        const v = this.expr(value)
        const name = this.t(target).replaceAll(/\s+/g, '')
        if (name === 'module.exports') {
          this.exports.set('default', v)
          this.cjs = v
        }
        else if (name.startsWith('exports.') || name.startsWith('module.exports.')) this.exports.set(name.split('.').pop()!, v)
        else if (target.name === 'VariableName') this.names.set(name, v)
        return v
      }

      case 'MemberExpression': {
        return this.member(node)
      }

      case 'CallExpression':
      case 'NewExpression': {
        return this.call(node)
      }

      case 'AwaitExpression': {
        const inner = kids(node).find((k) => k.name !== 'await')
        return inner ? this.expr(inner) : this.unknown(node)
      }

      case 'ArrowFunction':
      case 'FunctionExpression': {
        return this.fn(node)
      }

      case 'ClassExpression': {
        this.visit(node.getChild('ClassBody') ?? node)
        return this.unknown(node, 'a class')
      }

      default: {
        for (const k of kids(node)) if (k.name === 'CallExpression' || k.name === 'NewExpression') this.expr(k)
        return this.unknown(node)
      }
    }
  }

  /**
   * A function is kept as what it returns (its expression body, or its last
   * `return`): config factories — Strapi's `({env}) => ({…})`, NestJS
   * `useFactory: () => ({…})` — are read through `returnedBy()`. A destructured
   * `{env}` parameter is Strapi's env helper (`env('X', d)`, `env.int('X', d)`).
   */
  private fn(node: SyntaxNode): EvalValue {
    const params = node.getChild('ParamList')
    for (const p of params ? kids(params) : []) {
      if (p.name !== 'ObjectPattern') continue
      for (const prop of kids(p)) if (this.t(prop) === 'env') this.aliases.set('env', ENV_HELPER)
    }

    const body = kids(node).at(-1)
    this.returns.push([])
    let value: EvalValue | undefined
    if (body?.name === 'Block') this.visit(body)
    else if (body && body.name !== 'ParamList') value = this.expr(body)
    value ??= this.returns.at(-1)?.at(-1)
    this.returns.pop()
    return this.known(node, {args: value ? [value] : [], callee: FUNCTION, kind: 'call', kwargs: {}})
  }

  /** `env('X', d)`, `env.int('X', d)`, `env.bool(…)`: the variable, else the default, as `process.env.X ?? d` would. */
  private envHelper(node: SyntaxNode, kind: string, args: EvalValue[]): EvalValue {
    const name = asString(args[0])
    if (name === undefined) return this.unknown(node, 'an env() call without a literal variable name')
    const v = this.env(node, name)
    if (v.kind === 'known' && v.value !== null) {
      if (kind === 'int' || kind === 'float') {
        const n = Number(v.value)
        return Number.isNaN(n) ? this.unknown(node, `${name}=${JSON.stringify(v.value)} is not a number`) : this.known(node, kind === 'int' ? Math.trunc(n) : n, v)
      }

      return kind === 'bool' ? this.known(node, v.value === 'true', v) : v
    }

    const d = args[1]
    if (!d) return v
    return d.kind === 'known' ? {...d, missingEnv: [...(v.missingEnv ?? []), ...(d.missingEnv ?? [])]} : d
  }

  private member(node: SyntaxNode): EvalValue {
    const base = node.firstChild!
    const prop = node.getChild('PropertyName')
    const baseText = this.t(base).replaceAll(/\s+/g, '')
    if (baseText === 'process.env') {
      if (prop) return this.env(node, this.t(prop))
      const key = kids(node).find((k) => k.name === 'String')
      const name = key ? asString(this.expr(key)) : undefined
      return name ? this.env(node, name) : this.unknown(node)
    }

    if (prop && this.t(prop) === 'length' && base.name === 'CallExpression' && /(^|\.)cpus$/.test(this.dotted(base.firstChild!) ?? '')) {
      return this.cpus(node)
    }

    const obj = this.expr(base)
    let keyVia: Source[] = []
    const key = prop ? this.t(prop) : (() => {
      const k = kids(node).find((c, i) => i > 0 && !PUNCT.has(c.name))
      const v = k ? this.expr(k) : undefined
      if (v?.kind === 'known') keyVia = v.via
      return v?.kind === 'known' && (typeof v.value === 'string' || typeof v.value === 'number') ? String(v.value) : undefined
    })()
    if (isDict(obj) && key !== undefined) {
      // `config[process.env.NODE_ENV]`: the section is picked by that variable, and says so.
      const got = obj.value.entries.get(key)
      if (got?.kind === 'known' && keyVia.length > 0) return {...got, via: [...got.via, ...keyVia]}
      return got ?? this.unknown(node, `no "${key}" in the object at line ${obj.line}`)
    }
    return this.unknown(node, undefined, obj)
  }

  private cpus(node: SyntaxNode): EvalValue {
    const n = this.opts.nproc
    if (!n) return this.unknown(node, "depends on the dyno's CPU count, which is not known")
    return {file: this.file, kind: 'known', line: this.line(node), value: n.value, via: [n.source, ...(n.via ?? [])]}
  }

  private binary(node: SyntaxNode): EvalValue {
    const parts = kids(node)
    const op = this.t(parts[1])
    const a = this.expr(parts[0])
    if (op === '||' || op === '??' || op === '&&') {
      if (a.kind !== 'known' && op !== '&&') {
        // `connectionLimit ?? 20` where the left cannot be read, `globalThis.prisma || new PrismaClient()`:
        // the right side is the app's own fallback (and its calls are seen); taken, and labelled an assumption.
        const b = this.expr(parts[2])
        if (b.kind !== 'known') return this.unknown(node, undefined, a)
        const left = this.t(parts[0]).replaceAll(/\s+/g, ' ').slice(0, 40)
        return {...b, via: [...b.via, assumed(`\`${left}\` at ${this.file}:${a.line} cannot be read (${a.reason}); the value after \`${op}\` assumed`)]}
      }

      if (a.kind !== 'known' || typeof a.value === 'object' && a.value !== null) return this.unknown(node, undefined, a)
      const takeLeft = op === '||' ? truthy(a.value) : op === '??' ? a.value !== null : !truthy(a.value)
      if (takeLeft) return a
      const b = this.expr(parts[2])
      return b.kind === 'known' ? {...b, via: [...a.via, ...b.via], ...(a.missingEnv || b.missingEnv ? {missingEnv: [...(a.missingEnv ?? []), ...(b.missingEnv ?? [])]} : {})} : b
    }

    const b = this.expr(parts[2])
    if (a.kind !== 'known' || b.kind !== 'known') return this.unknown(node, undefined, a, b)
    const x = a.value
    const y = b.value
    if (typeof x === 'number' && typeof y === 'number') {
      const r = ({'%': x % y, '*': x * y, '**': x ** y, '+': x + y, '-': x - y, '/': x / y} as Record<string, number>)[op]
      if (r !== undefined && Number.isFinite(r)) return this.known(node, r, a, b)
    }

    if (op === '===' || op === '==') return this.known(node, x === y, a, b)
    if (op === '!==' || op === '!=') return this.known(node, x !== y, a, b)
    return this.unknown(node, undefined, a, b)
  }

  private call(node: SyntaxNode): EvalValue {
    const isNew = node.name === 'NewExpression'
    const calleeNode = kids(node).find((k) => k.name !== 'new')!
    const argList = node.getChild('ArgList')
    const args = argList ? kids(argList).filter((k) => !PUNCT.has(k.name)).map((k) => this.expr(k)) : []
    const callee = this.dotted(calleeNode) ?? this.t(calleeNode)
    if (callee === 'require') {
      const spec = asString(args[0])
      if (spec !== undefined) this.imports.push(spec)
      const mod = spec === undefined ? undefined : this.opts.imported?.(spec)
      return mod ? requiredValue(mod) : this.known(node, {args, callee: 'require', kind: 'call', kwargs: {}})
    }

    if (callee === 'super' && this.superclasses.length > 0) {
      this.calls.push({args, callee: this.superclasses.at(-1)!, isNew: true, line: this.line(node)})
      return this.unknown(node, 'a constructor call')
    }

    this.calls.push({args, callee, isNew, line: this.line(node)})
    if (IDENTITY.test(callee) && args.length === 1) return args[0]
    // The app's own function (`getConfig()`): what it returns, read once where it is defined; its parameters are not bound.
    const own = calleeNode.name === 'VariableName' ? this.names.get(this.t(calleeNode)) : undefined
    if (!isNew && own && returnedBy(own) !== own) return returnedBy(own) ?? this.unknown(node, `\`${callee}()\` returns nothing conncalc can read`)
    const helper = callee.startsWith(ENV_HELPER) ? /^(?:\.(int|float|bool|json|array))?$/.exec(callee.slice(ENV_HELPER.length)) : null
    if (helper) return this.envHelper(node, helper[1] ?? 'string', args)
    const first = args[0]
    if (callee === 'Number' || callee === 'parseInt' || callee === 'Number.parseInt') {
      if (first?.kind !== 'known') return first ?? this.unknown(node)
      if (typeof first.value === 'number') return this.known(node, Math.trunc(first.value), first)
      if (typeof first.value === 'string') {
        const n = callee === 'Number' ? (first.value.trim() === '' ? 0 : Number(first.value)) : Number.parseInt(first.value, 10)
        return Number.isNaN(n) ? this.unknown(node, `${callee}(${JSON.stringify(first.value)}) is NaN`, first) : this.known(node, n, first)
      }

      // Number(undefined) is NaN: falsy, so `Number(process.env.X) || 4` is 4; alone it stays an unset variable.
      if (first.value === null && first.missingEnv) return first
      return this.unknown(node, undefined, first)
    }

    if (/(^|\.)availableParallelism$/.test(callee) && /^(node:)?os\b/.test(callee)) return this.cpus(node)
    if (callee === 'Math.max' || callee === 'Math.min') {
      const ns = args.map((a) => (a.kind === 'known' && typeof a.value === 'number' ? a.value : undefined))
      if (ns.length > 0 && ns.every((n) => n !== undefined)) return this.known(node, callee === 'Math.max' ? Math.max(...(ns as number[])) : Math.min(...(ns as number[])), ...args)
    }

    return this.known(node, {args, callee, kind: 'call', kwargs: {}})
  }
}


/** Parse a JS/TS file and list what it imports; a syntax error is a diagnostic and no tree. */
export async function parseJs(file: string, text: string): Promise<ParsedJs> {
  loading ??= import('@lezer/javascript')
  const {parser} = await loading
  const ts = /\.(c|m)?tsx?$/.test(file)
  const tree = parser.configure({dialect: ts ? 'ts' : ''}).parse(text)
  let error: number | undefined
  const specs: string[] = []
  const str = (n: SyntaxNode | null): void => {
    if (n?.name === 'String') specs.push(text.slice(n.from + 1, n.to - 1))
  }

  tree.iterate({
    enter(n) {
      // `@Module({…})\nexport class AppModule {}` (NestJS): lezer leaves an empty error node between the
      // decorator and `export`, and still builds the class; that one is TypeScript, not a mistake.
      const decoratorBeforeExport = n.from === n.to && n.node.prevSibling?.name === 'Decorator' && /^\s*export\b/.test(text.slice(n.to))
      if (n.type.isError && error === undefined && !decoratorBeforeExport) error = n.from
      if (n.name === 'ImportDeclaration' || n.name === 'ExportDeclaration') str(n.node.getChild('String'))
      if (n.name === 'CallExpression' && text.slice(n.from, n.to).startsWith('require')) {
        const callee = n.node.firstChild
        if (callee && text.slice(callee.from, callee.to) === 'require') str(n.node.getChild('ArgList')?.getChild('String') ?? null)
      }
    },
  })
  if (error !== undefined) {
    const line = text.slice(0, error).split('\n').length
    return {diagnostics: [{code: 'unparsable-config', file, line, message: `not valid ${ts ? 'TypeScript' : 'JavaScript'}; conncalc reads nothing from this file`, severity: 'warning'}], file, specs: [], text}
  }

  return {diagnostics: [], file, specs, text, tree}
}

export function evaluateParsed(parsed: ParsedJs, opts: JsEvalOptions): JsModule {
  const {file, text, tree} = parsed
  if (!tree) return {calls: [], diagnostics: parsed.diagnostics, exports: new Map(), file, imports: [], names: new Map(), parsed: false}
  const ev = new JsEvaluator(file, text, opts)
  ev.visit(tree.topNode)
  return {calls: ev.calls, ...(ev.cjs ? {cjs: ev.cjs} : {}), diagnostics: [], exports: ev.exports, file, imports: ev.imports, names: ev.names, parsed: true}
}

export async function evaluateJs(file: string, text: string, opts: JsEvalOptions): Promise<JsModule> {
  return evaluateParsed(await parseJs(file, text), opts)
}
