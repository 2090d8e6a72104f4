/**
 * One binary, several programs: a `main` that dispatches on its first argument — a clap derive
 * `match Command::parse() { Command::Server => server::run(), … }` or a plain
 * `match args[1].as_str() { "server" => server::run(), … }` — runs only the arm the Procfile's
 * argument chooses. The binary's modules (`mod server;` beside main.rs) that only the other arms name
 * are other programs' code and are not read for this process type.
 *
 * A clap subcommand's name is its variant's name in kebab-case unless `#[command(name = "…")]`
 * (or clap 3's `#[clap(name = "…")]`) says otherwise (https://docs.rs/clap/4/clap/_derive/index.html#command-attributes:
 * "name: … When not present … the variant name, case-converted with rename_all", default kebab-case).
 * An argument that matches no arm, a `#[command(flatten)]` variant that could take it, or a main with no
 * such match: nothing is left out (every module is read, as before).
 */
import type {FileReader} from '../../model/files.js'
import type {TsNode} from '../../util/tree-sitter.js'

export interface Dispatch {
  /** The arm chosen: its pattern and line in the entry file. */
  arm: {line: number; text: string}
  file: string
  /** Module files (`dir/name.rs`, `dir/name/…`) of modules only other arms name. */
  skipped: string[]
  subcommand: string
}

const kebab = (s: string): string => s.replaceAll(/([a-z0-9])([A-Z])/g, '$1-$2').replaceAll('_', '-').toLowerCase()

/** The argument a Procfile gives the binary as its subcommand: the first that is not a flag (flags before it taken as valueless). */
export function subcommandArg(argv: string[]): string | undefined {
  const rest = argv[0] === 'cargo' ? argv.slice((argv.indexOf('--') + 1 || argv.length)) : argv.slice(1)
  return rest.find((a) => !a.startsWith('-'))
}

/** Module names declared `mod x;` (a file beside the entry) in the entry file, and their folder. */
function modules(root: TsNode): string[] {
  const out: string[] = []
  for (const c of root.namedChildren) {
    if (c?.type === 'mod_item' && !c.childForFieldName('body')) {
      const name = c.childForFieldName('name')?.text
      if (name) out.push(name)
    }
  }

  return out
}

/** Names a node's code starts paths from (`server::run()` → server). */
function pathRoots(n: TsNode, into: Set<string>): void {
  const stack = [n]
  while (stack.length > 0) {
    const x = stack.pop()!
    if (x.type === 'scoped_identifier' || x.type === 'scoped_type_identifier') {
      let first: TsNode | null = x
      while (first && (first.type === 'scoped_identifier' || first.type === 'scoped_type_identifier')) first = first.childForFieldName('path')
      if (first?.type === 'identifier') into.add(first.text)
    }

    for (const c of x.namedChildren) if (c) stack.push(c)
  }
}

/** The clap derive enum `name`: variant → subcommand name; `flatten` when a variant takes the others' arguments. */
function clapVariants(root: TsNode, name: string): {flatten: boolean; names: Map<string, string>} | undefined {
  for (const c of root.namedChildren) {
    if (c?.type !== 'enum_item' || c.childForFieldName('name')?.text !== name) continue
    const names = new Map<string, string>()
    let flatten = false
    let attrs: string[] = []
    for (const v of c.childForFieldName('body')?.namedChildren ?? []) {
      if (!v) continue
      if (v.type === 'attribute_item') {
        attrs.push(v.text)
        continue
      }

      if (v.type !== 'enum_variant') continue
      const variant = v.childForFieldName('name')?.text ?? ''
      const named = attrs.map((a) => /^#\[\s*(?:command|clap)\s*\(.*\bname\s*=\s*"([^"]+)"/.exec(a)?.[1]).find(Boolean)
      if (attrs.some((a) => /^#\[\s*(?:command|clap)\s*\(.*\bflatten\b/.test(a))) flatten = true
      else names.set(variant, named ?? kebab(variant))
      attrs = []
    }

    return {flatten, names}
  }

  return undefined
}

/** The dispatch `main` makes on the subcommand `arg`, when the entry file decides it. */
export function dispatchOf(files: FileReader, entry: string, root: TsNode, arg: string): Dispatch | undefined {
  const mods = modules(root)
  if (mods.length === 0) return undefined
  const main = root.namedChildren.find((c) => c?.type === 'function_item' && c.childForFieldName('name')?.text === 'main')
  if (!main) return undefined
  const matches: TsNode[] = []
  const stack: TsNode[] = [main]
  while (stack.length > 0) {
    const x = stack.pop()!
    if (x.type === 'match_expression') matches.push(x)
    for (const c of x.namedChildren) if (c) stack.push(c)
  }

  for (const m of matches) {
    const arms = (m.childForFieldName('body')?.namedChildren ?? []).filter((a): a is TsNode => a?.type === 'match_arm')
    if (arms.length < 2) continue
    // Each arm: the subcommand names it takes (undefined: a wildcard or a pattern not read).
    const taken = arms.map((a) => {
      const pattern = a.childForFieldName('pattern')?.text ?? ''
      const strings = [...pattern.matchAll(/"([^"\\]*)"/g)].map((s) => s[1])
      if (strings.length > 0) return {names: strings, pattern}
      const variant = /^(?:Some\()?\s*(?:(\w+)::)?(\w+)\s*(?:[({]|\)|$)/.exec(pattern.replaceAll(/\s+/g, ' ').trim())
      if (!variant?.[1]) return {names: undefined, pattern}
      const clap = clapVariants(root, variant[1])
      if (!clap) return {names: undefined, pattern}
      if (clap.flatten && !clap.names.has(variant[2])) return {flatten: true, names: undefined, pattern}
      const name = clap.names.get(variant[2])
      return {flatten: clap.flatten, names: name ? [name] : undefined, pattern}
    })
    const chosen = taken.findIndex((t) => t.names?.includes(arg))
    if (chosen < 0) continue
    const used = arms.map((a) => {
      const s = new Set<string>()
      const value = a.childForFieldName('value')
      if (value) pathRoots(value, s)
      return s
    })
    const others = new Set(used.flatMap((s, i) => (i === chosen ? [] : [...s])))
    const only = mods.filter((mod) => others.has(mod) && !used[chosen].has(mod))
    const dir = entry.split('/').slice(0, -1).join('/')
    const base = /(^|\/)(main|lib|mod)\.rs$/.test(entry) ? dir : entry.slice(0, -3)
    const skipped = only.flatMap((mod) => [`${base ? `${base}/` : ''}${mod}.rs`, `${base ? `${base}/` : ''}${mod}`]).filter((p) => files.exists(p) || files.folders(p).length > 0 || files.list(p).length > 0)
    const arm = arms[chosen]
    return {arm: {line: arm.startPosition.row + 1, text: arm.childForFieldName('pattern')?.text ?? ''}, file: entry, skipped, subcommand: arg}
  }

  return undefined
}
