/**
 * Tree-sitter grammars (WebAssembly, through web-tree-sitter: no native build
 * step, the same on every platform), each loaded the first time a file of its
 * language is read, so a run that reads none pays nothing. A grammar's .wasm
 * ships in its npm package; it is found from node_modules at run time, also
 * from the esbuild bundle in dist/ (web-tree-sitter stays external there).
 * Parsing never runs the code it reads.
 */
import type {Language, Node, Parser, Tree} from 'web-tree-sitter'

import {createRequire} from 'node:module'

/** Each grammar's package and the .wasm it ships. Add a language here and to package.json's dependencies. */
const GRAMMARS = {
  bash: 'tree-sitter-bash/tree-sitter-bash.wasm',
  'c-sharp': 'tree-sitter-c-sharp/tree-sitter-c_sharp.wasm',
  elixir: 'tree-sitter-elixir/tree-sitter-elixir.wasm',
  go: 'tree-sitter-go/tree-sitter-go.wasm',
  python: 'tree-sitter-python/tree-sitter-python.wasm',
} as const

export type Grammar = keyof typeof GRAMMARS
export type {Node as TsNode, Tree as TsTree}

const resolve = createRequire(import.meta.url).resolve
let runtime: Promise<typeof import('web-tree-sitter')> | undefined
const parsers = new Map<Grammar, Promise<Parser>>()

async function load(grammar: Grammar): Promise<Parser> {
  runtime ??= import('web-tree-sitter').then(async (ts) => {
    const wasm = resolve('web-tree-sitter/web-tree-sitter.wasm')
    await ts.Parser.init({locateFile: () => wasm})
    return ts
  })
  const ts = await runtime
  const language: Language = await ts.Language.load(resolve(GRAMMARS[grammar]))
  const parser = new ts.Parser()
  parser.setLanguage(language)
  return parser
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
