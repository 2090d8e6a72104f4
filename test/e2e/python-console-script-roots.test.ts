/**
 * Console-script entry functions are roots of their own process (fixture python-console-script-roots).
 * `gunicorn ledger.web:app --workers 2` (sync, 1 thread; psycopg2 opened per call, no pool): the web module imports
 * ledger.settlement (it builds `app.settlement_runner = SettlementRunner(app)`), whose Settlement.settle_all maps
 * settle_account over `spread()`'s multiprocessing.dummy.Pool(6). Who calls it: settle_all ← Settlement.run ←
 * `self._open().run()` in SettlementRunner.run_settlement (_open builds a Settlement) ← `app.settlement_runner.
 * run_settlement()` in main() of ledger/cli/settle.py, the console script ledger-settle (pyproject [project.scripts]),
 * a module the web never imports. So the pool runs only in the settle process:
 * - web: 2 processes × 1 = 2 (was 2 × (1 + 6) = 14, the pool counted in every gunicorn process);
 * - settle: main thread 1 + the pool's 6 (its tasks query) = 7;
 * - prewarm (ledger-prewarm): a ThreadPoolExecutor(max_workers=8) whose only task, fetch, calls urlopen and no database:
 *   counted once, 1 + 1 = 2 (was 1 + 8 = 9: the quiet rule held only in web and job servers).
 * Total 11 (was 30).
 * The web's /settlement/preview route calls `self._draft().run()`: _draft builds a Settlement too but returns
 * `Preview(draft)`, so `.run()` there is Preview.run (one query in the request thread), not Settlement.run: the factory
 * rule reads the method's return (was: any method that builds the class taken as returning it, web 2 × (1 + 6*) = 14).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('console-script entry functions as roots (fixture python-console-script-roots)', () => {
  const r = planJson(procfileOf('python-console-script-roots'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x,settle=1:standard-1x,prewarm=1:standard-1x'])

  it('does not count in web a pool only a console script reaches', () => {
    expect(r.type('web')).toMatchObject({connections: 2, connectionsPerProcess: 1, processesPerDyno: 2, threadsPerProcess: 1})
    expect(JSON.stringify(r.type('web'))).not.toContain('multiprocessing.dummy.Pool')
    expect(r.type('web').extraPerProcess).toBe(0)
  })

  it('counts it in the console script that runs it, and a quiet pool once in a script', () => {
    expect(r.type('settle')).toMatchObject({connections: 7, threadsPerProcess: 7})
    expect(r.type('prewarm')).toMatchObject({connections: 2, threadsPerProcess: 2})
    expect(JSON.stringify(r.type('prewarm'))).toContain('its tasks (fetch) make no database call conncalc sees: counted once, not per thread')
    expect(r.total).toBe(11)
  })
})
