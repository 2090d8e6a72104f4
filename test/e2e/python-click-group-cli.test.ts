/**
 * A click group or Typer app run with a command (fixture python-click-group-cli): click's Group.invoke runs only the
 * callback of the command its first argument names (click core.py resolve_command), Typer builds such a group from its
 * `@app.command()` functions, named after the function with underscores as dashes (typer main.py get_command_name).
 * The engine (shop/db.py) is a QueuePool of 20 + 0, so it caps nothing here; each process counts its main thread plus
 * the pools its one command starts (started-threads.ts):
 * - worker: `shopctl worker` (console script shopctl = shop.cli:cli): worker() starts ThreadPoolExecutor(4): 1 + 4 = 5
 *   (was 1 + 4 + 12 = 17: sync_prices' helper pool counted too);
 * - prices: `python -m shop sync-prices` (shop/__main__.py calls cli() imported from shop.cli): sync_prices() calls
 *   refresh_all(), whose pool of 12 only that command reaches: 1 + 12 = 13 (was 17);
 * - nightly: `shopadmin nightly` (Typer app shop.admin:app): nightly() starts nothing: 1 (was 1 + 3 = 4, rebuild_index's pool);
 * - tasks: `shopctl $SHOP_TASK` with SHOP_TASK unset: no command named, so which runs is not known: every command's
 *   pools are read, 1 + 4 + 12 = 17, starred and said.
 * Total 5 + 13 + 1 + 17 = 36 (was 55).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const scale = ['worker', 'prices', 'nightly', 'tasks'].flatMap((t) => ['--scale', `${t}=1:standard-1x`])

describe('a click group or Typer app running one command (fixture python-click-group-cli)', () => {
  it('counts only the named command\'s threads; an unnamed command reads them all, starred', () => {
    const r = planJson(procfileOf('python-click-group-cli'), ['--plan', 'standard-0', ...scale])
    expect(r.type('worker')).toMatchObject({connections: 5, poolPerProcess: 20, threadsPerProcess: 5})
    expect(r.type('prices')).toMatchObject({connections: 13, threadsPerProcess: 13})
    expect(r.type('nightly')).toMatchObject({connections: 1, threadsPerProcess: 1})
    expect(r.type('tasks')).toMatchObject({connections: 17, threadsPerProcess: 17})
    expect(r.total).toBe(36)
    const sources = (t: string) => JSON.stringify(r.type(t).sources.threadsPerProcess)
    expect(sources('worker')).toContain('`shopctl worker`: the click group cli (shop/cli.py) runs only the command its first argument names, worker() in shop/cli.py')
    expect(sources('prices')).toContain('shop/__main__.py calls cli() of shop/cli.py at its top level')
    expect(sources('nightly')).toContain('Typer names a command after its function')
    expect(r.type('worker').sources.threadsPerProcess.via ?? []).not.toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.type('tasks').sources.threadsPerProcess.via).toContainEqual(expect.objectContaining({kind: 'assumed', why: expect.stringContaining('`shopctl` names no command of the click group cli (shop/cli.py), so conncalc cannot tell which one runs')}))
  })
})
