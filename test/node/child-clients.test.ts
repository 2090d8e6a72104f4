/**
 * PostgreSQL's client programs started by the app as child processes hold their connections beside its pools while
 * they run (pools.ts childClients): HaiMinh2410/social-media-platform's backup job, `execAsync(\`pg_dump "${dbUrl}" -f …\`)`
 * with `execAsync = promisify(exec)`: +1 (pg_dump: one connection, https://www.postgresql.org/docs/current/app-pgdump.html;
 * -j N: N + 1). Before: not counted. Other programs (a convert, a git) add nothing; a client given another database's URL
 * (SOURCE_DATABASE_URL, unset here: not the platform's) is not on this plan; one whose database is not read (a template
 * command line) is counted on the plan's, starred.
 */
import {describe, expect, it} from 'vitest'

import {node} from '../../src/languages/node/node.js'
import {analyzeWith} from '../analyzers/helpers.js'

const run = (files: Record<string, string>) => analyzeWith(node, 'node src/worker.js', files, {NODE_ENV: 'production'}, 'standard-1x')
const extras = (a: Awaited<ReturnType<typeof run>>) => a.extrasPerProcess?.map((e) => [e.reason, e.count.value])
const pkg = JSON.stringify({dependencies: {pg: '^8.13.1'}})
const pool = "const {Pool} = require('pg')\nconst pool = new Pool({connectionString: process.env.DATABASE_URL, max: 5})\n"

describe('PostgreSQL client programs the app starts', () => {
  it('pg_dump through a promisified exec with a template command: +1; spawn pg_dump -j 4: +5', async () => {
    const a = await run({
      'package.json': pkg,
      'src/worker.js': [
        pool.trimEnd(),
        "const {exec, spawn} = require('node:child_process')",
        "const {promisify} = require('node:util')",
        'const execAsync = promisify(exec)',
        'async function backup(file) {',
        '  await execAsync(`pg_dump "${process.env.DATABASE_URL}" -f "${file}"`)',
        "  spawn('pg_dump', ['-j', '4', '-Fd', '-f', file, process.env.DATABASE_URL])",
        "  await execAsync('convert in.png out.jpg')",
        "  spawn('psql', [process.env.SOURCE_DATABASE_URL, '--command', 'SELECT 1'])",
        '  return pool.query("SELECT 1")',
        '}',
        'setInterval(() => backup("/tmp/db.dump"), 86400000)',
      ].join('\n'),
    })
    expect(extras(a)).toEqual([
      ['pg_dump child process (src/worker.js:7)', 1],
      ['pg_dump child process (src/worker.js:8)', 5],
    ])
    const starred = (a.extrasPerProcess ?? []).map((e) => (e.count.via ?? []).some((v) => v.kind === 'assumed'))
    expect(starred).toEqual([true, false])
  })

  it('no PostgreSQL program: nothing added', async () => {
    const a = await run({'package.json': pkg, 'src/worker.js': `${pool}require('child_process').execSync('git rev-parse HEAD')\n`})
    expect(extras(a) ?? []).toEqual([])
  })
})
