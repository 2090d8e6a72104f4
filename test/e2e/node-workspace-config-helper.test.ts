/**
 * A pool sized by a config helper of a workspace package that depends on no database library
 * (test/fixtures/node-workspace-config-helper, the shape of render-examples/answer-arena): @quizbowl/db makes
 * `postgres(url, {max: envNumber('DB_POOL_MAX', 3)})` with envNumber from @quizbowl/core, which lists no database
 * library. conncalc does not walk such packages when large (a domain package can be thousands of modules); a small one (at
 * most 40 code files) is read: web 3; DB_POOL_MAX=7: 7. Before: postgres.js's default 10, starred ("'@quizbowl/core' is the
 * workspace package packages/core, which depends on no database library; conncalc does not read it"). A core package of
 * more than 40 code files is still not read: 10, starred, naming `@quizbowl/core.envNumber()` as not computed.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('node-workspace-config-helper')
const plan = (files: Record<string, string> = {}, env: string[] = []) => planJson(join(app(files), 'Procfile'), ['--limit', '100', '--scale', 'web=1', ...env.flatMap((e) => ['--env', e])])

describe('node: a small workspace package with the pool size helper', () => {
  it("reads envNumber('DB_POOL_MAX', 3): 3; with DB_POOL_MAX=7: 7", () => {
    expect(plan().type('web')).toMatchObject({connections: 3, poolPerProcess: 3})
    expect(plan({}, ['DB_POOL_MAX=7']).type('web')).toMatchObject({connections: 7})
  })

  it('a core package of more than 40 code files is not read: 10, starred', () => {
    const many = Object.fromEntries(Array.from({length: 41}, (_, i) => [`packages/core/src/domain/m${i}.js`, `module.exports = ${i}\n`]))
    const r = plan(many)
    expect(r.type('web')).toMatchObject({connections: 10})
    expect(JSON.stringify(r.type('web').sources)).toContain('`@quizbowl/core.envNumber()` returns, which conncalc does not compute')
    expect(r.codes).toContain('unknown-config-value')
  })
})
