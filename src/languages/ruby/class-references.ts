/**
 * Where the app names a class of its own, read with Prism rather than as text: a constant reference (`Owner.find`,
 * `class Invoice < Owner`, `Billing::Owner.count`) is a use; a word in a comment is not; a string or symbol that names
 * it exactly (`class_name: "Owner"`, `"Owner".constantize`, `has_many :owners`) may be one, which
 * conncalc does not follow: said, and counted. Files in app/, lib/ and config/ (.rb and .rake parsed; .erb read inside
 * its `<% %>` tags), once per app and class.
 */
import type {AnalyzerContext} from '../common/types.js'
import {filesUnder, onceForFiles} from '../../model/files.js'
import {parseRuby, type RubyNode} from './prism.js'

export type ClassUse =
  | {file: string; kind: 'constant'; line: number}
  | {file: string; kind: 'none'}
  | {file: string; kind: 'string'; line: number; text: string}

const underscore = (s: string): string => s.replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').replace(/([a-z\d])([A-Z])/g, '$1_$2').toLowerCase()

/** A constant path as written (`::Billing::Owner` → `Billing::Owner`) names `owner` (written `Owner` or `Billing::Owner` where it is declared). */
function namesOwner(path: string, owner: string): boolean {
  const p = path.replace(/^::/, '')
  return p === owner || owner.endsWith(`::${p}`) || p.endsWith(`::${owner}`)
}

/**
 * How `owner` (declared in `file`) is used elsewhere: the first constant reference, else the first string or symbol that
 * may name it, else none. A file Prism cannot parse is read as text: any line naming the word outside a comment is a use.
 */
export function classUse(ctx: AnalyzerContext, owner: string, file: string, depth: number): Promise<ClassUse> {
  return onceForFiles(ctx.files, `activerecord-class-use:${owner}:${file}`, () => findUse(ctx, owner, file, depth))
}

async function findUse(ctx: AnalyzerContext, owner: string, file: string, depth: number): Promise<ClassUse> {
  const last = owner.split('::').at(-1) ?? owner
  const word = new RegExp(`(?<![A-Za-z0-9_])${last.replaceAll(/[^A-Za-z0-9_]/g, '')}(?![A-Za-z0-9_])`)
  const snake = underscore(last)
  const symbolNames = new Set([snake, `${snake}s`, `${snake}es`, last])
  const textMentions = (text: string): boolean => word.test(text) || text.includes(snake)
  let stringUse: ClassUse | undefined
  for (const dir of ['app', 'lib', 'config']) {
    for (const path of filesUnder(ctx.files, dir, (p) => /\.(?:rb|rake|erb)$/.test(p), {maxDepth: depth}).paths) {
      const text = ctx.files.read(path)?.text
      if (!text || !textMentions(text)) continue
      if (path.endsWith('.erb')) {
        for (const m of text.matchAll(/<%(?!#)([\s\S]*?)%>/g)) {
          if (m[1].split('\n').some((l) => !/^\s*#/.test(l) && word.test(l))) return {file: path, kind: 'constant', line: text.slice(0, m.index).split('\n').length}
        }

        continue
      }

      const found = await usesIn(path, text, owner, last, symbolNames, path === file)
      if (found?.kind === 'constant') return found
      stringUse ??= found
    }
  }

  return stringUse ?? {file, kind: 'none'}
}

async function usesIn(path: string, text: string, owner: string, last: string, symbolNames: ReadonlySet<string>, declaring: boolean): Promise<ClassUse | undefined> {
  const parsed = await parseRuby(path, text)
  if (parsed.errors.length > 0) {
    // Not Ruby Prism can read: as text, as before (the declaration's own line aside).
    const declares = new RegExp(`^\\s*class\\s+(?:[A-Z][A-Za-z0-9_]*::)*${last}\\b`)
    const word = new RegExp(`(?<![A-Za-z0-9_])${last}(?![A-Za-z0-9_])`)
    const at = text.split('\n').findIndex((l) => !/^\s*#/.test(l) && word.test(l) && !(declaring && declares.test(l)))
    return at >= 0 ? {file: path, kind: 'constant', line: at + 1} : undefined
  }

  const P = parsed.prism
  let stringUse: ClassUse | undefined
  let constant: ClassUse | undefined
  const lineOf = (n: RubyNode): number => parsed.lineOf(n.location.startOffset)
  const visit = (node: RubyNode, inOwnBody: boolean): void => {
    if (constant) return
    if (node instanceof P.ClassNode || node instanceof P.ModuleNode) {
      // The name being declared (and its namespace) is not a use; a superclass is.
      const own = declaring && namesOwner(parsed.textOf(node.constantPath), owner)
      if (node instanceof P.ClassNode && node.superclass) visit(node.superclass, inOwnBody)
      if (node.body) visit(node.body, inOwnBody || own)
      return
    }

    if (node instanceof P.ConstantPathNode) {
      // The whole path names the class or not; its namespace part (`Owner::Helpers`) does not check a connection out.
      if (!inOwnBody && namesOwner(parsed.textOf(node), owner)) constant = {file: path, kind: 'constant', line: lineOf(node)}
      return
    }

    if (node instanceof P.ConstantReadNode) {
      if (!inOwnBody && node.name === last) constant = {file: path, kind: 'constant', line: lineOf(node)}
      return
    }

    // In its own file, strings are the class's own (a table name, `class_name:` of a self-reference).
    if (!declaring && !stringUse) {
      if (node instanceof P.StringNode) {
        const v = node.unescaped.value
        // Only a string that is a class name (`"Owner"`, `"Billing::Owner"`) can be constantized; a message mentioning it is not a use.
        if (/^(?:::)?[A-Z][A-Za-z0-9_]*(?:::[A-Z][A-Za-z0-9_]*)*$/.test(v) && namesOwner(v, owner)) stringUse = {file: path, kind: 'string', line: lineOf(node), text: parsed.textOf(node)}
      } else if (node instanceof P.SymbolNode && symbolNames.has(node.unescaped.value)) {
        stringUse = {file: path, kind: 'string', line: lineOf(node), text: parsed.textOf(node)}
      }
    }

    for (const child of node.compactChildNodes()) visit(child, inOwnBody)
  }

  visit(parsed.program, false)
  return constant ?? stringUse
}
