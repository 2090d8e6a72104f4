/**
 * Tree-sitter grammars (WebAssembly, through web-tree-sitter: no native build
 * step, the same on every platform), each loaded the first time a file of its
 * language is read, so a run that reads none pays nothing. A grammar's .wasm
 * ships in its npm package; it is found from node_modules at run time, also
 * from the esbuild bundle in dist/ (web-tree-sitter stays external there).
 * Parsing never runs the code it reads.
 */
import type {Language, Node, Parser, Tree} from 'web-tree-sitter'

import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'

import {liftoffOnly} from './liftoff.js'

/** Each grammar's package and the .wasm it ships. Add a language here and to package.json's dependencies. */
const GRAMMARS = {
  bash: 'tree-sitter-bash/tree-sitter-bash.wasm',
  'c-sharp': 'tree-sitter-c-sharp/tree-sitter-c_sharp.wasm',
  elixir: 'tree-sitter-elixir/tree-sitter-elixir.wasm',
  go: 'tree-sitter-go/tree-sitter-go.wasm',
  python: 'tree-sitter-python/tree-sitter-python.wasm',
  rust: 'tree-sitter-rust/tree-sitter-rust.wasm',
} as const

export type Grammar = keyof typeof GRAMMARS
export type {Node as TsNode, Tree as TsTree}

const nodeRequire = createRequire(import.meta.url)
const resolve = nodeRequire.resolve
let runtime: Promise<typeof import('web-tree-sitter')> | undefined
const parsers = new Map<Grammar, Promise<Parser>>()

async function load(grammar: Grammar): Promise<Parser> {
  // web-tree-sitter's CommonJS build, by require(), and each grammar's bytes read here for Language.load: its ES module
  // build (what import() loads) and Language.load(path) (it reads the file through import('node:fs/promises')) each
  // brought Node's ES module loader into the run, ≈ 25 of Node's modules: 421.6 → 403.5 M instructions of a plan of the
  // Django fixture (callgrind, main thread).
  runtime ??= Promise.resolve().then(async () => {
    const ts = nodeRequire('web-tree-sitter') as typeof import('web-tree-sitter')
    const wasm = resolve('web-tree-sitter/web-tree-sitter.wasm')
    liftoffOnly()
    await ts.Parser.init({locateFile: () => wasm})
    rememberNodes(ts.Node)
    return ts
  })
  const ts = await runtime
  const language: Language = await ts.Language.load(readFileSync(resolve(GRAMMARS[grammar])))
  const parser = new ts.Parser()
  parser.setLanguage(language)
  return parser
}

/**
 * Trees whose nodes are read many times: a Python module is evaluated once per process type that
 * imports it (its env decides its values), and a Procfile of 23 scripts that all import the app
 * walked the same trees 23 times. web-tree-sitter answers every `node.type`, `node.text`,
 * `childForFieldName(…)` and `namedChildren` by copying the node into WebAssembly memory and a new
 * Node object out of it: in such a run (ourresearch/oadoi) those copies were a third of 16 s.
 * For a tree registered here (never edited, never deleted) each node's answers are kept the first
 * time they are asked, keyed by the node's id, which no two nodes of a tree share.
 */
const ANSWERS = Symbol('conncalc node answers')

type Remembered = Tree & {[ANSWERS]?: Map<number, Answers>}

/** Keep the answers of `tree`'s nodes (a tree that lives for the run and is never edited). */
export function rememberTree(tree: Tree): void {
  ;(tree as Remembered)[ANSWERS] ??= new Map()
}

interface Answers {
  fields?: Map<string, Node | null>
  fieldLists?: Map<string, Node[]>
  namedChildren?: Node[]
  text?: string
  type?: string
}

/** A node object's answers, kept on the object too: the nodes handed out above are the same objects each time. */
const OWN_ANSWERS = Symbol('conncalc answers of this node')

function answersOf(node: Node): Answers | undefined {
  const own = (node as Node & {[OWN_ANSWERS]?: Answers})[OWN_ANSWERS]
  if (own) return own
  const byId = (node.tree as Remembered)[ANSWERS]
  if (!byId) return undefined
  let a = byId.get(node.id)
  if (!a) byId.set(node.id, (a = {}))
  ;(node as Node & {[OWN_ANSWERS]?: Answers})[OWN_ANSWERS] = a
  return a
}

let patched = false

function rememberNodes(NodeClass: typeof Node): void {
  if (patched) return
  patched = true
  const proto = NodeClass.prototype as unknown as Record<string, unknown>
  const getter = (name: string): ((this: Node) => unknown) => {
    const d = Object.getOwnPropertyDescriptor(proto, name)
    if (!d?.get) throw new Error(`web-tree-sitter's Node has no ${name} getter`)
    return d.get as (this: Node) => unknown
  }

  const type = getter('type')
  const text = getter('text')
  const namedChildren = getter('namedChildren')
  const childForFieldName = proto.childForFieldName as (this: Node, name: string) => Node | null
  const childrenForFieldName = proto.childrenForFieldName as (this: Node, name: string) => Node[]
  Object.defineProperty(proto, 'type', {
    configurable: true,
    get(this: Node) {
      const a = answersOf(this)
      return a ? (a.type ??= type.call(this) as string) : type.call(this)
    },
  })
  Object.defineProperty(proto, 'text', {
    configurable: true,
    get(this: Node) {
      const a = answersOf(this)
      return a ? (a.text ??= text.call(this) as string) : text.call(this)
    },
  })
  // Arrays are handed out as copies: a caller may sort or splice what it is given.
  Object.defineProperty(proto, 'namedChildren', {
    configurable: true,
    get(this: Node) {
      const a = answersOf(this)
      return a ? [...(a.namedChildren ??= namedChildren.call(this) as Node[])] : namedChildren.call(this)
    },
  })
  proto.childForFieldName = function (this: Node, name: string): Node | null {
    const a = answersOf(this)
    if (!a) return childForFieldName.call(this, name)
    a.fields ??= new Map()
    let hit = a.fields.get(name)
    if (hit === undefined) a.fields.set(name, (hit = childForFieldName.call(this, name)))
    return hit
  }

  proto.childrenForFieldName = function (this: Node, name: string): Node[] {
    const a = answersOf(this)
    if (!a) return childrenForFieldName.call(this, name)
    a.fieldLists ??= new Map()
    let hit = a.fieldLists.get(name)
    if (hit === undefined) a.fieldLists.set(name, (hit = childrenForFieldName.call(this, name)))
    return [...hit]
  }
}

/** The parser for a grammar, loaded once, on first use. */
export function loadGrammar(grammar: Grammar): Promise<Parser> {
  let p = parsers.get(grammar)
  if (!p) {
    p = load(grammar)
    parsers.set(grammar, p)
  }

  return p
}

/**
 * The first place the parser could not read: the innermost error (an ERROR node, or a token it
 * had to invent, MISSING) inside the first erroneous statement, so the line names the bad code
 * rather than the start of the block that contains it. Undefined for a valid file.
 */
export function firstSyntaxError(tree: Tree): {line: number; message: string} | undefined {
  let node: Node = tree.rootNode
  if (!node.hasError) return undefined
  for (;;) {
    const next: Node | undefined = node.children.find((c) => c.isError || c.isMissing || c.hasError)
    if (!next) break
    node = next
  }

  const line = node.startPosition.row + 1
  if (node.isMissing) return {line, message: `invalid syntax (\`${node.type}\` expected)`}
  const near = node.text.split('\n')[0].trim().slice(0, 30)
  return {line, message: near ? `invalid syntax near \`${near}\`` : 'invalid syntax'}
}
