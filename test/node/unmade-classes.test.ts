/**
 * A pool made by each instance of a class (in its constructor or a field) that no code of this process instantiates.
 *
 * A shared package exports a connector class whose only `new` is in its own static factory
 * (cds-snc/platform-forms-client's PostgresConnector: `static fromSecret(id) { … return new PostgresConnector(url) }`,
 * a private constructor making a postgres.js client); the server imports the package for something else and never names
 * the class. Before, its pool was counted, starred "one instance assumed" (20 where the process opens 10). Now, when no
 * code of the app names the class outside its own body (tests aside), nothing makes an instance: not counted, said. Named
 * only by a program of its own (a file a package.json script runs), the pool is that program's: not counted. Named by a
 * module something may load, or re-exported under another name, or `export default`: counted, starred, as before.
 * postgres.js's default max is 10 (https://github.com/porsager/postgres#connection-details).
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const pkg = JSON.stringify({dependencies: {postgres: '^3.4.7'}, type: 'module'}, null, 2)
const connector = [
  'import postgres from "postgres"',
  'import {secret} from "./secrets.js"',
  '',
  'export class PostgresConnector {',
  '  static async fromSecret(id) {',
  '    return new PostgresConnector(await secret(id))',
  '  }',
  '',
  '  constructor(url) {',
  '    this.sql = postgres(url, {max: 4})',
  '  }',
  '',
  '  query() {',
  '    return this.sql',
  '  }',
  '}',
].join('\n')
const secrets = 'export async function secret(id) {\n  return process.env[id]\n}\n'
const index = 'export {PostgresConnector} from "./postgres-connector.js"\nexport {secret} from "./secrets.js"\n'
const server = 'import postgres from "postgres"\nimport {secret} from "./connectors/index.js"\nexport const sql = postgres(process.env.DATABASE_URL)\nconsole.log(typeof secret)\n'
const files = {'package.json': pkg, 'src/connectors/index.js': index, 'src/connectors/postgres-connector.js': connector, 'src/connectors/secrets.js': secrets, 'src/server.js': server}
const starred = (p: {pool: {source: {kind: string}; via?: {kind: string}[]}}): boolean => [p.pool.source, ...(p.pool.via ?? [])].some((s) => s.kind === 'assumed')
const run = (more: Record<string, string> = {}) => analyzeWith(node, 'node src/server.js', {...files, ...more}, {}, 'standard-1x')

describe('a pool in a class no code instantiates', () => {
  it('named only in its own body (its static factory) and re-exported: the server\'s 10; the connector\'s 4 not counted, said', async () => {
    const found = await run()
    expect(found.pools?.map((p) => [p.pool.value, starred(p)])).toEqual([[10, false]])
    expect(found.diagnostics).toContainEqual(expect.objectContaining({file: 'src/connectors/postgres-connector.js', line: 10, message: expect.stringContaining('it is made by each instance of PostgresConnector (src/connectors/postgres-connector.js:4), and no code of the app names that class outside its own body'), severity: 'info'}))
  })

  it('named only by a script a package.json script runs: that program\'s pool, not counted', async () => {
    const found = await run({'package.json': JSON.stringify({dependencies: {postgres: '^3.4.7'}, scripts: {report: 'node scripts/report.js'}, type: 'module'}), 'scripts/report.js': 'import {PostgresConnector} from "../src/connectors/index.js"\nconst c = await PostgresConnector.fromSecret("REPORT_DB")\nawait c.query()`select 1`\n'})
    expect(found.pools?.map((p) => [p.pool.value, starred(p)])).toEqual([[10, false]])
    expect(found.diagnostics).toContainEqual(expect.objectContaining({message: expect.stringContaining('scripts/report.js:2 (package.json\'s "report" script runs it (`node scripts/report.js`))')}))
  })

  it('named by a module something may load, or re-exported under another name: counted, starred', async () => {
    const loose = await run({'src/jobs/report.js': 'import {PostgresConnector} from "../connectors/index.js"\nexport const connect = () => PostgresConnector.fromSecret("REPORT_DB")\n'})
    expect(loose.pools?.map((p) => [p.pool.value, starred(p)])).toEqual([
      [10, false],
      [4, true],
    ])
    const renamed = await run({'src/connectors/index.js': 'export {PostgresConnector as Pg} from "./postgres-connector.js"\nexport {secret} from "./secrets.js"\n'})
    expect(renamed.pools?.map((p) => [p.pool.value, starred(p)])).toEqual([
      [10, false],
      [4, true],
    ])
  })
})
