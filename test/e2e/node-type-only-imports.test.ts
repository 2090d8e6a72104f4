/**
 * An import the TypeScript compiler removes loads nothing: `import type {…}`, `import {type X}`, and an import whose
 * names are used only as types (`typeof legacy`, `let p: typeof audit`, an interface's field) or not at all. tsc elides them by
 * default, and esbuild (tsx), swc and Babel follow it (https://esbuild.github.io/content-types/#typescript-caveats);
 * the module they name is not loaded for them, so the pools it makes at import are not made. A tsconfig with
 * verbatimModuleSyntax keeps every import but `import type` (https://www.typescriptlang.org/tsconfig/#verbatimModuleSyntax).
 * A decorated class's constructor parameter types are values (emitDecoratorMetadata writes them), so they load.
 * Made-up Express app run with tsx.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const json = (dir: string) => planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])

const pool = (name: string, max: number) => ["import {Pool} from 'pg'", `export const ${name} = new Pool({connectionString: process.env.DATABASE_URL, max: ${max}})`, `export type ${name[0].toUpperCase()}${name.slice(1)}Row = {id: number}`].join('\n')

const files = {
  Procfile: 'web: npx tsx src/server.ts\n',
  'package.json': JSON.stringify({dependencies: {express: '^4.21.0', pg: '^8.13.0', tsx: '^4.19.0', 'reflect-metadata': '^0.2.2'}, engines: {node: '22.x'}}, null, 2),
  'tsconfig.json': JSON.stringify({compilerOptions: {target: 'es2022', module: 'nodenext', strict: true, experimentalDecorators: true, emitDecoratorMetadata: true}}, null, 2),
  'src/db.ts': pool('main', 6),
  'src/legacy.ts': pool('legacy', 9),
  'src/reports.ts': pool('reports', 4),
  'src/audit.ts': pool('audit', 5),
  'src/jobs.ts': pool('jobs', 3),
  'src/spare.ts': pool('spare', 8),
  'src/metrics.ts': ["import {Pool} from 'pg'", 'const store = new Pool({connectionString: process.env.DATABASE_URL, max: 2})', 'export class MetricsStore {', '  count() {', "    return store.query('select count(*) from hits')", '  }', '}'].join('\n'),
  'src/server.ts': [
    "import 'reflect-metadata'",
    "import express from 'express'",
    "import {main} from './db'",
    "import {legacy} from './legacy'",
    "import type {ReportsRow} from './reports'",
    "import {type AuditRow, audit} from './audit'",
    "import {jobs, type JobsRow} from './jobs'",
    "import {MetricsStore} from './metrics'",
    "import {spare} from './spare'",
    '',
    'interface Context {',
    '  legacy: typeof legacy',
    '  rows: ReportsRow[]',
    '}',
    'let auditPool: typeof audit | undefined',
    'const seen: AuditRow[] = []',
    '',
    'function Injectable(): ClassDecorator {',
    '  return () => {}',
    '}',
    '',
    '@Injectable()',
    'class Metrics {',
    '  constructor(private readonly store: MetricsStore) {}',
    '}',
    '',
    'const app = express()',
    "app.get('/', async (req, res) => res.json((await main.query('select 1')).rows))",
    "app.post('/jobs', async (req, res) => res.json((await jobs.query('select 1')).rows as JobsRow[]))",
    'app.listen(process.env.PORT)',
  ].join('\n'),
}

describe('imports the TypeScript compiler removes load nothing', () => {
  it('counts the pools of modules imported as values only', () => {
    const r = json(app(files))
    expect(r.exit).toBe(0)
    // main 6 + jobs 3 + metrics 2 (a decorated class's constructor type, a value under emitDecoratorMetadata) = 11.
    // Not made: legacy 9 (typeof in an interface), reports 4 (import type), audit 5 (`{type AuditRow, audit}`, audit only
    // in `typeof`), spare 8 (imported, never used). Before: 6 + 9 + 4 + 5 + 3 + 2 + 8 = 37.
    expect(r.total).toBe(11)
    const pools = JSON.stringify(r.type('web'))
    expect(pools).not.toContain('src/legacy.ts')
    expect(pools).not.toContain('src/audit.ts')
    expect(pools).not.toContain('src/spare.ts')
    expect(pools).toContain('src/metrics.ts')
  })

  it('a name called only in a comment is not a use: `// seed.query(…)`, ` * backfill.query(…)` leave their imports removed', () => {
    // seed 7 is called only in a line comment and backfill 1 only in a block comment: tsc removes both imports. live 12
    // is called in a comment and in the code: kept. main 6 + jobs 3 + metrics 2 + live 12 = 23. Before: 30 (seed counted,
    // its name matched as written in the comment; backfill too).
    const server = files['src/server.ts'].replace(
      "import {spare} from './spare'",
      ["import {spare} from './spare'", "import {seed} from './seed'", "import {backfill} from './backfill'", "import {live} from './live'"].join('\n'),
    )
    const body = [
      "// seed.query('insert into hits default values') // run once by hand",
      '/*',
      " * backfill.query('update hits set n = 0')",
      ' */',
      "// live.query('select 2')",
      "app.get('/live', async (req, res) => res.json((await live.query('select 2')).rows))",
      'app.listen(process.env.PORT)',
    ].join('\n')
    const r = json(app({...files, 'src/backfill.ts': pool('backfill', 1), 'src/live.ts': pool('live', 12), 'src/seed.ts': pool('seed', 7), 'src/server.ts': server.replace('app.listen(process.env.PORT)', body)}))
    expect(r.total).toBe(23)
    const pools = JSON.stringify(r.type('web'))
    expect(pools).not.toContain('src/seed.ts')
    expect(pools).not.toContain('src/backfill.ts')
    expect(pools).toContain('src/live.ts')
  })

  it('with verbatimModuleSyntax only `import type` is removed', () => {
    const dir = app({...files, 'tsconfig.json': JSON.stringify({extends: './tsconfig.base.json'}), 'tsconfig.base.json': JSON.stringify({compilerOptions: {verbatimModuleSyntax: true, experimentalDecorators: true}})})
    // 6 + 9 + 5 + 3 + 2 + 8 = 33: the value imports stay (legacy, audit, spare); reports' `import type` goes.
    expect(json(dir).total).toBe(33)
  })
})
