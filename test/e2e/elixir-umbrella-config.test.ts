/**
 * An umbrella's config/config.exs imports its children's configs with a wildcard, as `mix new --umbrella`
 * generates under Mix.Config: `import_config "../apps/STAR/config/config.exs"`, STAR a `*` (fixture phoenix-umbrella-wildcard;
 * blockscout/blockscout@2b10658a5606 in 2018). Mix.Config expands the wildcard and imports every match
 * (elixir-lang/elixir lib/mix/lib/mix/config.ex, __import__!). Before, the pattern was taken as one file name,
 * reported missing, and the repo's pool_size never read: Ecto's default 10, assumed.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (...args: string[]) => planJson(procfileOf('phoenix-umbrella-wildcard'), ['--plan', 'standard-0', ...args])

describe('an umbrella config importing every ../apps/<child>/config/config.exs through a wildcard', () => {
  it("reads each child's config and its prod.exs: Ledger.Repo pool_size 6, web 2 dynos × 6 = 12, importer 6, total 18", () => {
    const r = plan('--scale', 'web=2', 'importer=1')
    // One BEAM per dyno; Ecto opens pool_size connections at start: POOL_SIZE unset → "6" (apps/ledger/config/prod.exs:6).
    expect(r.type('web')).toMatchObject({connections: 12, poolPerProcess: 6, processesPerDyno: 1})
    expect(r.type('web').sources['pool.Ledger.Repo']).toMatchObject({source: {file: 'apps/ledger/config/prod.exs', kind: 'file', line: 6}, value: 6})
    expect(r.type('importer').poolPerProcess).toBe(6)
    expect(r.total).toBe(18)
    // Nothing is reported missing: the wildcard is not a file name.
    expect(r.diagnostics).not.toContainEqual(expect.objectContaining({code: 'missing-config', file: 'config/config.exs'}))
  })

  it('POOL_SIZE from the env decides in the child config: 2 × 9 + 9 = 27', () => {
    const r = plan('--scale', 'web=2', 'importer=1', '--env', 'POOL_SIZE=9')
    expect(r.type('web')).toMatchObject({connections: 18, poolPerProcess: 9})
    expect(r.total).toBe(27)
  })
})
