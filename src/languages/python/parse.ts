/**
 * Python read with tree-sitter-python (util/tree-sitter.ts): it accepts every
 * valid program of Python 3 up to 3.13 (bare `yield`, `match`, PEP 695 type
 * parameters, PEP 701 f-strings) and says exactly where an invalid one fails.
 * Loaded the first time a .py file is read, never at start-up. Never runs the code.
 */
import {firstSyntaxError, loadGrammar, rememberTree, type TsNode, type TsTree} from '../../util/tree-sitter.js'

export type PyNode = TsNode

export interface ParsedPython {
  /** Where tree-sitter-python says the file is not valid Python; absent for a valid file. */
  error?: {line: number; message: string}
  tree: TsTree
}

/**
 * One tree per file text: a function defined in one module and called from another
 * evaluates its body later, so trees stay alive for the run (a run reads a bounded set of files).
 */
const cache = new Map<string, {result: ParsedPython; text: string}>()

export async function parsePython(path: string, text: string): Promise<ParsedPython> {
  const hit = cache.get(path)
  if (hit && hit.text === text) return hit.result
  const parser = await loadGrammar('python')
  const tree = parser.parse(text)
  if (!tree) throw new Error(`tree-sitter returned no tree for ${path}`)
  rememberTree(tree)
  const error = firstSyntaxError(tree)
  const result: ParsedPython = {tree, ...(error ? {error} : {})}
  cache.set(path, {result, text})
  return result
}
