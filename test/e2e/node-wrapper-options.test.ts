/**
 * A command run through cross-env or dotenv-cli keeps its own options: only the wrapper's words (cross-env's leading
 * `NAME=value` assignments, https://github.com/kentcdodds/cross-env#usage; dotenv-cli's options before the command or `--`,
 * https://github.com/entropitor/dotenv-cli#usage) are its. ether/etherpad-lite's shape: `"prod": "cross-env
 * NODE_ENV=production node --require tsx/cjs node/server.ts"`. Before: every word starting with `-` was dropped, so
 * `node tsx/cjs node/server.ts` ran "tsx/cjs" (not in the app: one connection assumed, 1*).
 *
 * Made-up app: node/server.ts makes one pg Pool of max 7, and Node's event loop can check out every pooled connection.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const appWith = (prod: string) =>
  app({
    Procfile: 'web: npm run prod\n',
    '.env': 'POOL_MAX=7\n',
    'package.json': JSON.stringify({dependencies: {'cross-env': '^7.0.3', 'dotenv-cli': '^7.4.0', pg: '^8.11.0', tsx: '^4.19.0'}, scripts: {prod}}, null, 2),
    'node/server.ts': ["import pg from 'pg'", 'export const pool = new pg.Pool({max: 7})', "setInterval(() => pool.query('select 1'), 1000)", ''].join('\n'),
  })

const web = (prod: string) => planJson(join(appWith(prod), 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x']).type('web')

describe('Node: options of the command a wrapper runs', () => {
  it('`cross-env NODE_ENV=production node --require tsx/cjs node/server.ts` runs node/server.ts: 7', () => {
    expect(web('cross-env NODE_ENV=production node --require tsx/cjs node/server.ts')).toMatchObject({connections: 7})
    // Read from the code, nothing assumed (before: "conncalc read no code for this process", assumed).
    expect(JSON.stringify(web('cross-env NODE_ENV=production node --require tsx/cjs node/server.ts').sources)).not.toContain('"kind":"assumed"')
  })

  it('`dotenv -e .env -- node --import tsx node/server.ts` and `dotenv -e .env node -r tsx/cjs node/server.ts`: 7', () => {
    expect(web('dotenv -e .env -- node --import tsx node/server.ts')).toMatchObject({connections: 7})
    expect(web('dotenv -e .env node -r tsx/cjs node/server.ts')).toMatchObject({connections: 7})
  })
})
