/**
 * A command that names a package.json script the package does not have (entry.ts NodeEntry.missingScript). npm runs
 * only the package's scripts (https://docs.npmjs.com/cli/commands/npm-run-script) and stops with "Missing script" when
 * the name is not one, `start` aside (its default is `node server.js`): the process exits at start, 0 connections, said.
 * yarn, pnpm and bun may run a binary of that name instead, which conncalc cannot see: unknown, starred. Before, both
 * read the package's usual entry file (server.js here) and counted its pool unstarred, as if the script ran it.
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {describeSourced} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

const files = {
  'package.json': JSON.stringify({dependencies: {pg: '8.11.0'}, name: 'shop', scripts: {start: 'node server.js', worker: 'node jobs.js'}}, null, 2),
  'jobs.js': "const {Pool} = require('pg')\nmodule.exports = new Pool({max: 3})\n",
  'server.js': "const {Pool} = require('pg')\nmodule.exports = new Pool({max: 5})\n",
}
const run = (command: string) => analyzeWith(node, command, files, {}, 'standard-1x')

describe('a script the package does not have', () => {
  it('npm run X / npm test: npm exits at start, 0 connections, a warning', async () => {
    for (const command of ['npm run jobs', 'npm run-script jobs', 'npm test']) {
      const a = await run(command)
      expect(a.threadsPerProcess.value).toBe(0)
      expect(a.pools).toEqual([])
      expect(describeSourced(a.threadsPerProcess)).toContain('has no "')
      expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'missing-config', message: expect.stringContaining('npm stops with "Missing script"'), severity: 'warning'}))
    }
  })

  it('the scripts that are there still run: npm start (5), npm run worker (3)', async () => {
    expect((await run('npm start')).threadsPerProcess.value).toBe(5)
    expect((await run('npm run worker')).threadsPerProcess.value).toBe(3)
  })

  it('pnpm run X, yarn X: a binary conncalc cannot see; the usual entry file is not read in its place, the pool is assumed', async () => {
    for (const command of ['pnpm run jobs', 'yarn jobs', 'bun run jobs']) {
      const a = await run(command)
      // pg in package.json, no code read: pg's default 10, starred; not server.js's 5 unstarred.
      expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['pg', 10]])
      expect(describeSourced(a.processesPerDyno)).toContain('has no "jobs" script')
      expect(describeSourced(a.threadsPerProcess)).toContain('assumption')
    }
  })
})
