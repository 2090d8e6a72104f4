/**
 * `if __name__ == "__main__":` in a module a server imports (test/fixtures/python-main-blocks): an imported module's
 * `__name__` is its dotted name, not "__main__" (https://docs.python.org/3/library/__main__.html#name-main), so that
 * block never runs in gunicorn's or Celery's processes, nor the functions only it calls. app.py's `big` engine (40) and
 * helpers.main()'s ThreadedConnectionPool (5 opened at creation), and tasks.py's `reports` engine (15), were counted in
 * web and worker (14 each); they are not. startup.warm() is called under startup.py's __main__ block and by app.py at
 * import: its engine is web's. `python helpers.py` runs helpers.py as the program: its pool is counted.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('python-main-blocks'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'job=1:standard-1x', 'worker=1:standard-1x'])

describe('pools made only when a module runs as the program', () => {
  const r = plan()

  it('web (gunicorn app:app): app.py\'s import-time engine (3) and startup.warm()\'s (2), which app.py calls too: 2 processes x (1 + 1)', () => {
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 4, poolPerProcess: 5})
    expect(Object.keys(r.type('web').sources).filter((k) => k.startsWith('pool.')).sort()).toEqual(['pool.engine app.py:8', 'pool.engine startup.py:7'])
  })

  it('job (python helpers.py): helpers.py is __main__, so main() runs: its pool opens 5', () => {
    expect(r.type('job')).toMatchObject({connectionsPerDyno: 5, poolPerProcess: 10})
  })

  it('worker (celery -A tasks -c 2): tasks.py\'s engine of 1, not its __main__ block\'s or helpers\'', () => {
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 2, poolPerProcess: 1})
    expect(r.total).toBe(11)
  })
})
