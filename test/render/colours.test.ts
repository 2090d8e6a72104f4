/**
 * A view printed without colour gets render/colours.ts's PLAIN instead of chalk (which it then
 * never loads): it must print exactly what chalk at level 0 printed.
 */
import {Chalk} from 'chalk'
import {describe, expect, it} from 'vitest'

import {colours, PLAIN} from '../../src/render/colours.js'

const chalk = new Chalk({level: 0})
const STYLES = ['blue', 'bold', 'cyan', 'dim', 'green', 'magenta', 'red', 'yellow'] as const
// One argument (a string, a number, an empty string, undefined, null, an object), several, none.
const ARGUMENTS: unknown[][] = [['web 12'], [3], [''], [undefined], [null], [{a: 1}], ['a', 2, 'b'], [], ['line\nnext']]

describe('PLAIN: chalk at level 0, without chalk', () => {
  it.each(STYLES)('%s and its chained styles print what chalk prints', (style) => {
    for (const args of ARGUMENTS) {
      expect(PLAIN[style](...args)).toBe(chalk[style](...args))
      for (const then of STYLES) expect(PLAIN[style][then](...args)).toBe(chalk[style][then](...args))
    }
  })

  it('called itself, it joins its arguments as chalk does; its level is 0', () => {
    for (const args of ARGUMENTS) expect(PLAIN(...args)).toBe(chalk(...args))
    expect(PLAIN.level).toBe(0)
    expect(PLAIN.red.bold.level).toBe(0)
  })

  it('a style taken off it and called alone (as the stacked bar does) prints the same', () => {
    const [plainCyan, chalkCyan] = [PLAIN.cyan, chalk.cyan]
    expect(plainCyan('\u2588\u2588')).toBe(chalkCyan('\u2588\u2588'))
  })
})

describe('colours()', () => {
  it('is PLAIN at level 0, and chalk at level 1', async () => {
    expect(await colours(0)).toBe(PLAIN)
    const coloured = await colours(1)
    expect(coloured.level).toBe(1)
    expect(coloured.red.bold('x')).toBe(new Chalk({level: 1}).red.bold('x'))
    expect(coloured.red('x')).toBe('\u001B[31mx\u001B[39m')
  })
})
