import {describe, expect, it} from 'vitest'

import {firstSyntaxError, loadGrammar, rememberTree} from '../../src/util/tree-sitter.js'

describe('tree-sitter grammars', () => {
  it('loads a grammar once, lazily, and parses with it', async () => {
    const [a, b] = await Promise.all([loadGrammar('python'), loadGrammar('python')])
    expect(a).toBe(b)
    const tree = a.parse('@contextmanager\ndef scope():\n    yield\n\npool_size = 15\n')!
    expect(firstSyntaxError(tree)).toBeUndefined()
    expect(tree.rootNode.namedChildren.map((n) => n.type)).toEqual(['decorated_definition', 'expression_statement'])
    tree.delete()
  })

  it('names the line of the innermost error, not the block around it', async () => {
    const parser = await loadGrammar('python')
    const tree = parser.parse('import os\n\nclass Config:\n    def pool(self):\n        return (1 +\n\n    size = 5\n')!
    // The unclosed `(` on line 5 swallows what follows; the error starts there, inside the class.
    expect(firstSyntaxError(tree)?.line).toBe(5)
    tree.delete()
  })

  it('keeps each node\'s answers with that node, for two remembered trees read in turns', async () => {
    const parser = await loadGrammar('python')
    const a = parser.parse('pool_size = 15\nworkers = 2\n')!
    const b = parser.parse('def pool():\n    return 5\n')!
    rememberTree(a)
    rememberTree(b)
    const read = (t: typeof a): string[] =>
      t.rootNode.namedChildren.flatMap((n) => {
        const inner = n.namedChildren[0]
        return [n.type, inner.type, inner.childForFieldName('left')?.text ?? inner.childForFieldName('name')?.text ?? '']
      })
    // Asked three times, alternating: the first answers are kept, never mixed between the trees.
    for (let i = 0; i < 3; i++) {
      expect(read(a)).toEqual(['expression_statement', 'assignment', 'pool_size', 'expression_statement', 'assignment', 'workers'])
      expect(read(b)).toEqual(['function_definition', 'identifier', ''])
    }
  })
})
