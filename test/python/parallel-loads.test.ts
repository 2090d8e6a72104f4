/**
 * Python evaluations share the running-evaluation stack and the call depth (languages/python/shared-eval.ts), so
 * PythonProject runs them one at a time even when a caller loads several modules at once (Promise.all): restore28
 * saw polarsource/polar end with "python shared evaluation: … does not follow its replay" (exit 3) from such a
 * caller. Here three process types' projects load the same three entry modules, the first one after another and
 * the others all at once; each reads its own env (SIZE), and the later ones reuse the first's evaluations where
 * their answers agree (the module's questions replayed, shared-eval.ts).
 */
import {describe, expect, it} from 'vitest'

import {Env, layer} from '../../src/model/env.js'
import {memoryFiles} from '../../src/model/files.js'
import {PythonProject} from '../../src/languages/python/modules.js'
import {asInteger} from '../../src/languages/python/evaluate.js'
import type {PyModule} from '../../src/languages/python/values.js'

const helpers = Array.from({length: 12}, (_, j) => `\n\ndef helper${j}(n):\n    if n > ${j}:\n        return make_pool(n)\n    return n\n`).join('')
const files = memoryFiles({
  'conf.py': 'import os\n\nBASE = int(os.environ.get("BASE", "2"))\n\n\ndef make_pool(n):\n    return n + BASE\n',
  ...Object.fromEntries(
    ['a', 'b', 'c'].map((m, i) => [
      `${m}.py`,
      `import os\n\nfrom conf import make_pool\n${helpers}\n\nSIZE = make_pool(helper${i + 3}(int(os.environ.get("SIZE", "${i + 1}"))))\nOTHER = make_pool(helper${i + 6}(${i + 10}))\n`,
    ]),
  ),
})

const env = (vars: Record<string, string>): Env => new Env([layer('Procfile:1', Object.entries(vars).map(([name, value]) => ({name, source: {file: 'Procfile', kind: 'file', line: 1}, value})))])
const sizes = (ms: (PyModule | undefined)[]): (number | undefined)[][] => ms.map((m) => [asInteger(m?.names.get('SIZE')), asInteger(m?.names.get('OTHER'))])

describe('Python modules loaded at once', () => {
  it('evaluate as when loaded one after another, each type with its own env', async () => {
    const entries = ['a.py', 'b.py', 'c.py']
    const first = new PythonProject({env: env({}), files})
    const one: (PyModule | undefined)[] = []
    for (const e of entries) one.push(await first.load(e))
    // a: SIZE = make_pool(helper3(1)): 1 > 3 is false, so 1, and make_pool adds BASE 2: 3; OTHER = make_pool(helper6(10)):
    // 10 > 6, so make_pool(10) = 12, + 2 = 14. b: helper4(2) = 2, + 2 = 4; 11 + 2 + 2 = 15. c: 3 + 2 = 5; 12 + 2 + 2 = 16.
    expect(sizes(one)).toEqual([
      [3, 14],
      [4, 15],
      [5, 16],
    ])
    // The same env (these reuse the first's evaluations), then SIZE=9 (a, b, c evaluated again), then BASE=5 (conf too).
    const same = await Promise.all(entries.map((e) => new PythonProject({env: env({}), files}).load(e)))
    expect(sizes(same)).toEqual(sizes(one))
    const nine = new PythonProject({env: env({SIZE: '9'}), files})
    // SIZE 9 is above 3, 4 and 5: make_pool(9) = 11, + 2 = 13 in each.
    expect(sizes(await Promise.all(entries.map((e) => nine.load(e))))).toEqual([
      [13, 14],
      [13, 15],
      [13, 16],
    ])
    const five = new PythonProject({env: env({BASE: '5'}), files})
    // BASE 5: a 1 + 5 = 6, 10 + 5 + 5 = 20; b 2 + 5, 11 + 10; c 3 + 5, 12 + 10.
    expect(sizes(await Promise.all(entries.map((e) => five.load(e))))).toEqual([
      [6, 20],
      [7, 21],
      [8, 22],
    ])
  })
})
