/**
 * A dispatch on the words minimist, mri or yargs-parser leave in `_` (`const argv = minimist(process.argv.slice(2))`;
 * `switch (argv._[0])`, `const [cmd = 'web'] = argv._`, `if (args._[0] === 'worker')`): `_` holds the words that are not
 * options (https://github.com/minimistjs/minimist#var-argv--parseargsargs-opts), so `node run.js --verbose=1 worker`
 * runs the worker arm (cli-commands.ts, CliProgram.argv.parsed). `--name value` may take the next word as its value
 * (minimist does so unless the option is declared boolean): an option written that way before the word makes the
 * choice unknown (the largest arm, starred). pg Pool max as written in each arm.
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {describeSourced} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

const files = {
  'package.json': JSON.stringify({dependencies: {minimist: '1.2.8', mri: '1.2.0', pg: '8.11.0', 'yargs-parser': '21.1.1'}}),
  'run.js': [
    "const {Pool} = require('pg')",
    "const minimist = require('minimist')",
    'const argv = minimist(process.argv.slice(2))',
    'let pool',
    'switch (argv._[0]) {',
    "  case 'worker':",
    '    pool = new Pool({max: 3})',
    '    break',
    "  case 'clock':",
    '    pool = new Pool({max: 2})',
    '    break',
    '  default:',
    '    pool = new Pool({max: 7})',
    '}',
    'module.exports = pool',
  ].join('\n'),
  'jobs.mjs': [
    "import pg from 'pg'",
    "import mri from 'mri'",
    'const args = mri(process.argv.slice(2))',
    "const [task = 'drain'] = args._",
    "export const pool = task === 'import' ? new pg.Pool({max: 9}) : new pg.Pool({max: 4})",
  ].join('\n'),
  'tool.js': [
    "const {Pool} = require('pg')",
    "const parse = require('yargs-parser')",
    'const args = parse(process.argv.slice(2))',
    "if (args._[1] === 'reindex') module.exports = new Pool({max: 5})",
    'else module.exports = new Pool({max: 1})',
  ].join('\n'),
}
const total = async (command: string) => (await analyzeWith(node, command, files, {}, 'standard-1x')).pools?.reduce((a, p) => a + p.pool.value, 0)

describe("a dispatch on minimist's `_`", () => {
  it('options are not words of `_`: each process counts its arm', async () => {
    expect(await total('node run.js worker')).toBe(3)
    expect(await total('node run.js --verbose=2 clock')).toBe(2)
    expect(await total('node run.js -v --port=3000 clock --queue fast')).toBe(2)
    expect(await total('node run.js')).toBe(7)
    expect(await total('node run.js -- worker')).toBe(3)
  })

  it('mri, with a fallback; yargs-parser at _[1]', async () => {
    expect(await total('node jobs.mjs import')).toBe(9)
    expect(await total('node jobs.mjs')).toBe(4)
    expect(await total('node tool.js search reindex')).toBe(5)
    expect(await total('node tool.js search')).toBe(1)
  })

  it('`--name value` before the word: which word is `_[0]` is not certain; the largest arm, starred', async () => {
    const a = await analyzeWith(node, 'node run.js --queue fast worker', files, {}, 'standard-1x')
    expect(a.pools?.map((p) => p.pool.value)).toEqual([7])
    expect(describeSourced(a.pools![0].pool)).toContain('assumption')
    expect(a.diagnostics.map((d) => d.message).join('\n')).toContain('may take the next word as its value')
  })
})
