import {spawnSync} from 'node:child_process'
import {createRequire} from 'node:module'
import {describe, expect, it} from 'vitest'

import {v8Flags} from '../../src/util/v8-flags.js'
import {ROOT} from '../helpers/cli.js'

describe("V8's flags without node:v8", () => {
  it("gives V8's own code-cache stamp, as node:v8 does", () => {
    const nodeV8 = createRequire(import.meta.url)('node:v8') as typeof import('node:v8')
    expect(v8Flags().cachedDataVersionTag()).toBe(nodeV8.cachedDataVersionTag())
  })

  it('a first run of a Rails app under --pending-deprecation shows no deprecation warning and the same plan', () => {
    const args = ['plan', '--procfile', 'examples/rails/Procfile', '--plan', 'essential-0', '--scale', 'web=2', 'worker=1']
    const env = {COLUMNS: '100', CONNCALC_PARSE_CACHE: '0', NO_COLOR: '1', PATH: process.env.PATH ?? ''}
    const plain = spawnSync(process.execPath, ['--', `${ROOT}bin/run.js`, ...args], {cwd: ROOT, encoding: 'utf8', env})
    const pending = spawnSync(process.execPath, ['--pending-deprecation', '--throw-deprecation', '--', `${ROOT}bin/run.js`, ...args], {cwd: ROOT, encoding: 'utf8', env})
    expect(pending.stderr).toBe('')
    expect(pending.status).toBe(plain.status)
    expect(pending.stdout).toBe(plain.stdout)
    expect(plain.stdout).toMatch(/^web +puma +2 +2 +3 +5 /m)
  })
})
