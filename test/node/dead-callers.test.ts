/**
 * A pool made in a function that the process's code does call, but only from inside other functions nothing calls.
 *
 * A shared model package builds its query pool at import (`new Sequelize(url, {pool: {max: 10}})`) and re-exports its
 * test helpers with its index (`export * as tester from './tester/index.js'`): `bootstrap()` makes a second Sequelize
 * (default pool max 5, https://github.com/sequelize/sequelize/blob/v6/src/dialects/abstract/connection-manager.js), and
 * is called by `seed()` and `seedAll()`, which only the tests call. The process imports the package and reads those
 * modules, so the call to bootstrap() is read, but it sits in bodies that never run: the second pool opens no connection
 * (was 15, where the process opens 10). A chain of such helpers (a helper calling a helper calling bootstrap()) is
 * followed, and so is a file only the tests import. A caller at a module's top level, or one that some running code
 * calls, keeps it counted; a library's method of the same name (`faker.seed(1)`) or the word in a string is no call.
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = JSON.stringify({dependencies: {pg: '^8.11.3', sequelize: '^6.32.1'}, type: 'module'}, null, 2)
const database = 'import {Sequelize} from "sequelize"\nexport const sequelize = new Sequelize(process.env.DATABASE_URL, {pool: {max: 10}})\n'
const bootstrap = [
  'import {Sequelize} from "sequelize"',
  '',
  'let db',
  'export const bootstrap = async (truncate = false) => {',
  '  if (!db) {',
  '    db = new Sequelize({dialect: "postgres", database: "test"})',
  '  }',
  '  if (truncate) await db.truncate()',
  '  return db',
  '}',
].join('\n')
const seed = 'import {bootstrap} from "./bootstrap.js"\n\nexport async function seed(name, values) {\n  const db = await bootstrap()\n  return db.models[name].create(values)\n}\n'
const seedAll = 'import {bootstrap} from "./bootstrap.js"\n\nexport const seedAll = async () => {\n  const db = await bootstrap(true)\n  return db\n}\n'
const tester = 'export * from "./bootstrap.js"\nexport * from "./seed.js"\nexport * from "./seedAll.js"\n'
const index = 'export {sequelize} from "./database.js"\nexport * as tester from "./tester/index.js"\n'
const server = 'import {sequelize} from "./model/index.js"\nawait sequelize.authenticate()\n'
const spec = 'import {tester} from "../src/model/index.js"\nawait tester.seed("User", {name: "a"})\nawait tester.seedAll()\n'
const files = {'package.json': pkg, 'src/model/database.js': database, 'src/model/index.js': index, 'src/model/tester/bootstrap.js': bootstrap, 'src/model/tester/index.js': tester, 'src/model/tester/seed.js': seed, 'src/model/tester/seedAll.js': seedAll, 'src/server.js': server, 'test/seed.spec.js': spec}
const run = (more: Record<string, string> = {}) => analyzeWith(node, 'node src/server.js', {...files, ...more}, {}, 'standard-1x')

describe('a pool made only from functions nothing calls', () => {
  it('bootstrap() called only inside seed() and seedAll(), which only tests call: its pool not counted, said naming them', async () => {
    const found = await run()
    expect(found.pools?.map((p) => p.pool.value)).toEqual([10])
    expect(found.diagnostics).toContainEqual(
      expect.objectContaining({
        file: 'src/model/tester/bootstrap.js',
        line: 6,
        message: expect.stringContaining('`bootstrap()` (src/model/tester/bootstrap.js:4) makes it, and it is named only in `seed()` (src/model/tester/seed.js:3), `seedAll()` (src/model/tester/seedAll.js:3): functions no code of the app calls'),
        severity: 'info',
      }),
    )
  })

  it('a chain: seed() called only inside seedMany(), which nothing calls: not counted either', async () => {
    const many = 'import {seed} from "./seed.js"\nexport async function seedMany(rows) {\n  for (const r of rows) await seed("User", r)\n}\n'
    const found = await run({'src/model/tester/index.js': `${tester}export * from "./many.js"\n`, 'src/model/tester/many.js': many})
    expect(found.pools?.map((p) => p.pool.value)).toEqual([10])
  })

  it('seedAll() called in a file only the tests import (`src/test-server.js`, not named as a test): not counted; imported by the server, counted', async () => {
    const helper = 'import {seedAll} from "./model/tester/index.js"\nexport async function testServer() {\n  const db = await seedAll()\n  return db\n}\n'
    const found = await run({'src/test-server.js': helper, 'test/server.spec.js': 'import {testServer} from "../src/test-server.js"\nawait testServer()\n'})
    expect(found.pools?.map((p) => p.pool.value)).toEqual([10])
    const loaded = await run({'src/server.js': `${server}import {testServer} from "./test-server.js"\nawait testServer()\n`, 'src/test-server.js': helper})
    expect(loaded.pools?.map((p) => p.pool.value).sort()).toEqual([10, 5].sort())
  })

  it('the server calls a library\'s own `seed` (`faker.seed(1)`, faker a dependency) and says "seed" in a string: still not counted', async () => {
    const withLib = JSON.stringify({dependencies: {'@faker-js/faker': '^9.0.0', pg: '^8.11.3', sequelize: '^6.32.1'}, type: 'module'}, null, 2)
    const found = await run({'package.json': withLib, 'src/server.js': `import {faker} from "@faker-js/faker"\n${server}faker.seed(1)\nconsole.log("seed done")\n`})
    expect(found.pools?.map((p) => p.pool.value)).toEqual([10])
    // The same call on the app's own namespace (`tester.seed(…)` from its model package) is a use: counted.
    const own = await run({'src/server.js': `import {tester} from "./model/index.js"\n${server}await tester.seed("User", {})\n`})
    expect(own.pools?.map((p) => p.pool.value).sort()).toEqual([10, 5].sort())
  })

  it('seed() called by the server at start-up (top level): counted, 10 + 5', async () => {
    const found = await run({'src/server.js': `${server}import {tester} from "./model/index.js"\nawait tester.seedAll()\n`})
    expect(found.pools?.map((p) => p.pool.value).sort()).toEqual([10, 5].sort())
  })

  it('seedAll() called inside start(), which the server calls: counted', async () => {
    const found = await run({'src/server.js': `${server}import {seedAll} from "./model/tester/index.js"\nasync function start() {\n  await seedAll()\n}\nawait start()\n`})
    expect(found.pools?.map((p) => p.pool.value).sort()).toEqual([10, 5].sort())
  })
})
