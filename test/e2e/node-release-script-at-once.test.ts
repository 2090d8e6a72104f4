/**
 * A deploy hook running the app's own script holds what the script runs at once (src/languages/node/at-once.ts), and
 * the file a Node runtime runs is found past its options' values (src/languages/node/runner-args.ts).
 * test/fixtures/node-release-seed-script: src/db/pool.ts, pg Pool max 20.
 * - web `npm start` = `ts-node -P tsconfig.json src/server.ts`: -P takes tsconfig.json as its value, the file is
 *   src/server.ts, which queries the pool from its request handler: 20 (before: tsconfig.json was read as the file,
 *   web 0).
 * - release `npm run seed` = `ts-node -r tsconfig-paths/register src/db/seed.ts`: seed.ts awaits seedGardeners()
 *   (a for-of loop awaiting one INSERT per name, console.log beside it) and then PlotSeeder#run (a SELECT, then an
 *   INSERT, each awaited): one query at a time, and pg's Pool gives the idle client to the next query, so 1.
 *   Peak 20 + 1 = 21. (Before: `-r`'s value was taken for the file, the hook counted as an unread command, 1*.)
 * - Procfile.listed, `node -r dotenv/config scripts/warm.js`: its own Pool max 6, one Promise.all of three queries:
 *   min(3, 6) = 3, peak 23.
 * - Procfile.unknown, `tsx --tsconfig tsconfig.json scripts/import.ts`: lines.forEach(async …) starts one INSERT per
 *   line of a file, all at once: as many as the pool gives, 20, an assumption naming scripts/import.ts:7; peak 40.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCli} from '../helpers/cli.js'

const plan = (procfile: string) => planJson(procfileOf(procfile), ['--plan', 'standard-0', '--scale', 'web=1'])

describe('a deploy hook that runs the app’s own script, past the runtime’s options', () => {
  it('reads the file after `-P tsconfig.json` for web, and a seed awaited in turn holds one connection', () => {
    const r = plan('node-release-seed-script')
    expect(r.type('web').connectionsPerDyno).toBe(20)
    expect(r.type('release')).toMatchObject({connectionsPerDyno: 1, server: 'node'})
    expect(r.type('release').sources.threadsPerProcess.source).toMatchObject({kind: 'default', what: expect.stringContaining('awaits its queries one after another')})
    expect(r.deployPeak).toBe(21)
  })

  it('holds min(N, pool) for one Promise.all over N listed queries', () => {
    const r = plan('node-release-seed-script/Procfile.listed')
    expect(r.type('release').connectionsPerDyno).toBe(3)
    expect(r.type('release').sources.threadsPerProcess.source).toMatchObject({what: expect.stringContaining('scripts/warm.js:7')})
    expect(r.deployPeak).toBe(23)
  })

  it('counts the pool, as an assumption that says why, when the script starts one query per item at once', () => {
    const r = plan('node-release-seed-script/Procfile.unknown')
    expect(r.type('release').connectionsPerDyno).toBe(20)
    expect(r.type('release').sources.threadsPerProcess.source).toMatchObject({kind: 'assumed', why: expect.stringContaining('.forEach() at scripts/import.ts:7')})
    expect(r.deployPeak).toBe(40)
    const text = runCli(['plan', '--procfile', `${procfileOf('node-release-seed-script/Procfile.unknown')}`, '--plan', 'standard-0', '--scale', 'web=1'])
    expect(text.stdout).toMatch(/^release\s+node\s+1\s+1\s+20\*/m)
  })
})
