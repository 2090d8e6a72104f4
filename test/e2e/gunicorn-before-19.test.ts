/**
 * gunicorn reads WEB_CONCURRENCY from 19.0 on (commit a8ce74b2, 19.0:gunicorn/config.py:518
 * `default = int(os.environ.get('WEB_CONCURRENCY', 1))`); before that its `workers` default is 1
 * (18.0:gunicorn/config.py:492-499), whatever the heroku/python buildpack or the user sets.
 * Fixtures test/fixtures/gunicorn-before-19/*: Django with one `default` alias, gunicorn sync workers,
 * one thread each, so one connection per worker; standard-1x, where the buildpack sets WEB_CONCURRENCY=2.
 * - pinned: gunicorn==18.0 in requirements.txt. web `gunicorn notes.wsgi` → 1 worker × 1 = 1 (not 2);
 *   admin `gunicorn -w 3` → the flag still counts: 3 × 1 = 3. With --env WEB_CONCURRENCY=4: still 1 and 3.
 * - included: requirements.txt is only `-r requirements/base.txt`, which pins gunicorn==0.17.4 → 1.
 * - current: gunicorn==19.0 → the buildpack's WEB_CONCURRENCY=2: 2 × 1 = 2.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (v: string, ...args: string[]) => planJson(procfileOf(`gunicorn-before-19/${v}`), ['--plan', 'standard-0', ...args])

describe('gunicorn before 19.0 does not read WEB_CONCURRENCY', () => {
  it('gunicorn 18.0: 1 worker on standard-1x (not the buildpack\'s 2); -w 3 still gives 3', () => {
    const r = plan('pinned', '--scale', 'web=1:standard-1x', 'admin=1:standard-1x')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 1, processesPerDyno: 1})
    expect(r.type('web').sources.processesPerDyno.source).toMatchObject({kind: 'default'})
    expect(r.type('web').sources.processesPerDyno.source.what).toContain('gunicorn 18.0 (requirements.txt:2) does not read WEB_CONCURRENCY')
    expect(r.type('admin')).toMatchObject({connectionsPerDyno: 3, processesPerDyno: 3})
    expect(r.total).toBe(4)
  })

  it('gunicorn 18.0 ignores a WEB_CONCURRENCY the user sets too', () => {
    const r = plan('pinned', '--scale', 'web=1:standard-1x', 'admin=1:standard-1x', '--env', 'WEB_CONCURRENCY=4')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 1, processesPerDyno: 1})
    expect(r.total).toBe(4)
  })

  it('a pin in a file requirements.txt includes with -r counts (gunicorn 0.17.4 → 1 worker)', () => {
    const r = plan('included', '--scale', 'web=1:standard-1x')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 1, processesPerDyno: 1})
    expect(r.type('web').sources.processesPerDyno.source.what).toContain('gunicorn 0.17.4 (requirements/base.txt:2)')
  })

  it('gunicorn 19.0 reads the buildpack\'s WEB_CONCURRENCY=2 on standard-1x: 2 × 1 = 2', () => {
    const r = plan('current', '--scale', 'web=1:standard-1x')
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 2, processesPerDyno: 2})
  })
})
