/**
 * A flag tested with indexOf on the process's arguments (`process.argv.indexOf('--worker') !== -1`, `> -1`, `>= 0`; its
 * absence `=== -1`, `< 0`), directly in an `if` or through a name, is the same test as `.includes('--worker')`
 * (cli-commands.ts, CliProgram.argv): each process takes the arm its command line gives, the other's pools are not
 * counted. pg Pool max as written in each arm.
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const files = {
  'package.json': JSON.stringify({dependencies: {pg: '8.11.0'}}),
  'run.js': [
    "const {Pool} = require('pg')",
    "const isWorker = process.argv.indexOf('--worker') !== -1",
    'const pools = []',
    'if (isWorker) pools.push(new Pool({max: 3}))',
    'else pools.push(new Pool({max: 7}))',
    "if (process.argv.indexOf('--clock') > -1) pools.push(new Pool({max: 2}))",
    "if (process.argv.slice(2).indexOf('--no-cache') === -1) pools.push(new Pool({max: 1}))",
    'module.exports = pools',
  ].join('\n'),
}
const total = async (command: string) => (await analyzeWith(node, command, files, {}, 'standard-1x')).pools?.reduce((a, p) => a + p.pool.value, 0)

describe('process.argv.indexOf flag tests', () => {
  it('each process counts the arms its flags take', async () => {
    // --worker: 3, no --clock, --no-cache absent: + 1.
    expect(await total('node run.js --worker')).toBe(4)
    // neither: 7 + 1.
    expect(await total('node run.js')).toBe(8)
    // --clock --no-cache: 7 + 2.
    expect(await total('node run.js --clock --no-cache')).toBe(9)
  })
})
