/**
 * Lazy access to a real Python parser (@lezer/python). It is imported the
 * first time a .py file is read, never at module load, so a Rails-only run
 * never pays for it. Parsing never runs the code.
 */
import type {SyntaxNode, Tree} from '@lezer/common'

import {lineIndex} from '../../util/lines.js'

export type PyNode = SyntaxNode

export interface ParsedPython {
  /** Syntax errors lezer recovered from, 1-based lines. */
  errors: {line: number; message: string}[]
  lineOf(pos: number): number
  text: string
  textOf(node: PyNode): string
  tree: Tree
}

let loading: Promise<typeof import('@lezer/python')> | undefined

const cache = new Map<string, {result: ParsedPython; text: string}>()

export async function parsePython(path: string, text: string): Promise<ParsedPython> {
  const hit = cache.get(path)
  if (hit && hit.text === text) return hit.result
  loading ??= import('@lezer/python')
  const {parser} = await loading
  const tree = parser.parse(text)
  const lineOf = lineIndex(text)
  const errors: ParsedPython['errors'] = []
  tree.iterate({
    enter(n) {
      if (!n.type.isError || errors.length >= 5) return
      const near = text.slice(n.from, Math.min(n.to, n.from + 30)).split('\n')[0]
      errors.push({line: lineOf(n.from), message: near ? `invalid syntax near \`${near}\`` : 'invalid syntax (unexpected end of a statement)'})
    },
  })
  const result: ParsedPython = {errors, lineOf, text, textOf: (node) => text.slice(node.from, node.to), tree}
  cache.set(path, {result, text})
  return result
}
