import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {describeSourced, isAssumption} from '../../src/model/source.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = JSON.stringify({dependencies: {pg: '^8.13.0'}}, null, 2)
const run = (files: Record<string, string>, env: Record<string, string> = {}) => analyzeWith(node, 'node server.ts', {'package.json': pkg, ...files}, env, 'standard-2x')

describe('class fields', () => {
  it('a static field is evaluated when the class is declared and read as `Class.field`', async () => {
    const server = "import {Pool} from 'pg'\nclass DbConfig {\n  static max = Number(process.env.DB_POOL_MAX ?? 4)\n}\nexport const pool = new Pool({connectionString: process.env.DATABASE_URL, max: DbConfig.max})\n"
    // DB_POOL_MAX unset → 4 (was: "no max in the object", pg's 10 assumed); set to 9 → 9.
    expect((await run({'server.ts': server})).pools?.map((p) => p.pool.value)).toEqual([4])
    expect((await run({'server.ts': server}, {DB_POOL_MAX: '9'})).pools?.map((p) => p.pool.value)).toEqual([9])
  })

  it('an instance field that makes a pool runs per `new`, not when the class is declared: with no `new` read, one instance is an assumption', async () => {
    const repo = "import {Pool} from 'pg'\nexport class Repo {\n  pool = new Pool({connectionString: process.env.DATABASE_URL, max: 3})\n}\n"
    // admin.ts (not loaded by this process, and no program of its own) names Repo: it may make one; a class no code names
    // outside its body is not counted at all (test/node/unmade-classes.test.ts).
    const unmade = await run({'admin.ts': "import {Repo} from './repo'\nexport const repo = () => new Repo()\n", 'repo.ts': repo, 'server.ts': "import {Repo} from './repo'\nexport {Repo}\n"})
    // No `new Repo()` read: 3, marked as resting on one assumed instance (was a plain repo.ts:3).
    expect(unmade.pools?.map((p) => p.pool.value)).toEqual([3])
    expect(isAssumption(unmade.pools![0].pool)).toBe(true)
    expect(describeSourced(unmade.pools![0].pool)).toContain('made by each instance of Repo (repo.ts:2)')
    // Two `new`s: two pools, 3 + 3 = 6, no assumption.
    const made = await run({'repo.ts': repo, 'server.ts': "import {Repo} from './repo'\nexport const a = new Repo()\nexport const b = new Repo()\n"})
    expect(made.pools?.map((p) => p.pool.value)).toEqual([3, 3])
    expect(made.pools!.some((p) => isAssumption(p.pool))).toBe(false)
    // A decorated class (a DI provider) is made by the framework, once: said, not assumed.
    const injected = await run({'repo.ts': repo.replace('export class', "import {Injectable} from '@nestjs/common'\n@Injectable()\nexport class"), 'server.ts': "import {Repo} from './repo'\nexport {Repo}\n"})
    expect(injected.pools?.map((p) => p.pool.value)).toEqual([3])
    expect(isAssumption(injected.pools![0].pool)).toBe(false)
    expect(describeSourced(injected.pools![0].pool)).toContain("the framework's dependency injection makes it")
  })
})
