/**
 * What CPython rejects that tree-sitter-python reads (rejected-syntax.ts): Python 2 syntax on Python 3 (What's New
 * In Python 3.0, https://docs.python.org/3/whatsnew/3.0.html) and syntax newer than the version the app names
 * (What's New In Python 3.8 / 3.10 / 3.11 / 3.12).
 */
import {describe, expect, it} from 'vitest'

import {parsePython} from '../../src/languages/python/parse.js'
import {rejectedSyntax} from '../../src/languages/python/rejected-syntax.js'

const v = (minor: number, major = 3) => ({file: 'runtime.txt', line: 1, major, minor})
const check = async (text: string, version: ReturnType<typeof v> | null = v(11)) => rejectedSyntax(await parsePython(`t${Math.random()}.py`, text), version ?? undefined)

describe('rejectedSyntax', () => {
  it('Python 2 literals and statements, on any Python 3', async () => {
    for (const [text, what] of [
      ['x = 0777\n', 'a Python 2 octal literal (`0777`; Python 3 writes 0o777)'],
      ['x = 10L\n', 'a Python 2 long literal (`10L`)'],
      ['x = `y`\n', 'Python 2 backquotes'],
      ['x = ur"a"\n', "a Python 2 ur'' string prefix"],
      ['exec "x = 1"\n', 'a Python 2 exec statement'],
      ['raise ValueError, "bad"\n', 'a Python 2 raise'],
      ['try:\n    pass\nexcept ValueError, e:\n    pass\n', 'a Python 2 except clause'],
    ] as const) {
      expect((await check(text))?.what).toContain(what)
      expect((await check(text))?.kind).toBe('python2')
    }
  })

  it('what Python 3 also compiles is not flagged: print >>f, x (an expression), 0, 00, 0o7, 0x1F, print(...), 3.14\'s except E, e:', async () => {
    for (const text of ['print >>f, "x"\n', 'x = 0\ny = 00\nz = 0o7\nw = 0x1F\n', 'print ("a")\nprint\n']) expect(await check(text)).toBeUndefined()
    expect(await check('try:\n    pass\nexcept ValueError, e:\n    pass\n', v(14))).toBeUndefined()
    expect(await check('try:\n    pass\nexcept ValueError, e:\n    pass\n', null)).toBeUndefined()
  })

  it('syntax newer than the version named, with the minor that has it', async () => {
    expect(await check('if (n := 1):\n    pass\n', v(7))).toMatchObject({kind: {newer: 8}, line: 1})
    expect(await check('try:\n    pass\nexcept* ValueError:\n    pass\n', v(10))).toMatchObject({kind: {newer: 11}, line: 3})
    expect(await check('type Id = int\n', v(11))).toMatchObject({kind: {newer: 12}})
    expect(await check('def f[T](x: T):\n    return x\n', v(11))).toMatchObject({kind: {newer: 12}})
    expect(await check('x = f"{d["k"]}"\n', v(11))).toMatchObject({kind: {newer: 12}})
    // Other quotes inside, or an outer triple quote, compiled before 3.12 too.
    expect(await check('x = f"{d[\'k\']}"\ny = f"""{d["k"]}"""\n', v(11))).toBeUndefined()
    expect(await check('x = f"{d["k"]}"\ntype Id = int\n', v(12))).toBeUndefined()
  })

  it('an app that names Python 2 runs Python 2: its print statements compile', async () => {
    expect(await check('print "x"\n', v(7, 2))).toBeUndefined()
  })
})

describe('rejectedSyntax: annotations', () => {
  it("an annotation's List[int] (tree-sitter's type_parameter too) is not PEP 695 type parameters", async () => {
    expect(await check('from typing import Dict, List\n\ndef f(x: List[int]) -> Dict[str, int]:\n    y: List[str] = []\n    return {}\n', v(9))).toBeUndefined()
    expect(await check('class Box[T]:\n    pass\n', v(11))).toMatchObject({kind: {newer: 12}, what: 'type parameters (`[T]`, Python 3.12)'})
  })
})
