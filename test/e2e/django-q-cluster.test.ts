/**
 * Django Q's cluster, `python manage.py qcluster` (fixtures django-q-cluster/*), worked from django-q2's source
 * (django_q/cluster.py, conf.py, monitor.py, pusher.py, brokers/orm.py): the Sentinel forks Q_CLUSTER["workers"]
 * worker processes (default cpu_count()), a monitor that saves results through the ORM, and a pusher that polls
 * the broker; the Sentinel itself runs the scheduler (unless "scheduler": False). With the ORM broker the pusher
 * queries the database too. Before, qcluster was an unknown command counted 1 × 1, starred.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (v: string, scale: string[]) => planJson(procfileOf(`django-q-cluster/${v}`), ['--plan', 'standard-0', ...scale.flatMap((s) => ['--scale', s])])

describe('Django Q qcluster', () => {
  it('ORM broker: 3 workers + monitor + pusher + Sentinel = 6 per dyno, 2 dynos = 12; Q_CLUSTER_NAME=reports reads ALT_CLUSTERS: 2 workers + monitor + pusher = 4 (no scheduler)', () => {
    const r = plan('orm', ['web=1', 'worker=2', 'reports=1'])
    expect(r.type('worker')).toMatchObject({connections: 12, connectionsPerDyno: 6, processesPerDyno: 3, server: 'django-q', threadsPerProcess: 1})
    expect(r.type('reports')).toMatchObject({connections: 4, connectionsPerDyno: 4, processesPerDyno: 2})
    expect(r.total).toBe(2 + 12 + 4)
    expect(r.codes).not.toContain('unknown-command')
    expect(JSON.stringify(r.type('worker'))).not.toContain('"assumed"')
    expect(r.type('worker').extras.map((e) => e.kind)).toEqual(['django-q-monitor', 'django-q-pusher', 'django-q-scheduler'])
    expect(r.type('reports').extras.map((e) => e.kind)).toEqual(['django-q-monitor', 'django-q-pusher'])
  })

  it('Redis broker, scheduler off, workers from an unset env var with a default: 4 workers + the monitor = 5', () => {
    const r = plan('redis', ['web=1', 'worker=1'])
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 5, processesPerDyno: 4})
    expect(r.total).toBe(2 + 5)
    expect(r.type('worker').extras.map((e) => e.kind)).toEqual(['django-q-monitor'])
  })

  it('cookiecutter-style split settings: INSTALLED_APPS = DJANGO_APPS + list(THIRD_PARTY_APPS) + LOCAL_APPS, then += in production.py, which sets the Redis broker: 3 workers + monitor + the Sentinel\'s scheduler = 5', () => {
    // Before, list concatenation was not evaluated, so INSTALLED_APPS was unknown and qcluster an unknown command (1*).
    const r = plan('split-settings', ['web=1', 'worker=1'])
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 5, processesPerDyno: 3, server: 'django-q'})
    expect(r.type('worker').extras.map((e) => e.kind)).toEqual(['django-q-monitor', 'django-q-scheduler'])
    expect(r.codes).not.toContain('unknown-command')
    expect(r.total).toBe(2 + 5)
  })

  it('no Q_CLUSTER: one worker per CPU (performance-m: 2) + the monitor + the Sentinel\'s scheduler = 4; the Redis broker\'s pusher holds none', () => {
    const r = plan('defaults', ['web=1', 'worker=1:performance-m'])
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 4, processesPerDyno: 2})
    expect(JSON.stringify(r.type('worker').sources.processesPerDyno)).toContain("Django Q's default workers: the number of CPUs")
    expect(r.type('worker').extras.map((e) => e.kind)).toEqual(['django-q-monitor', 'django-q-scheduler'])
    expect(r.total).toBe(2 + 4)
  })

  it('Q_CLUSTER from a function of an installed package: said; the CPU count (standard-1x: 8) + monitor + an assumed ORM pusher + the Sentinel = 11*', () => {
    const r = plan('unread', ['web=1', 'worker=1'])
    expect(r.type('worker')).toMatchObject({connectionsPerDyno: 11, processesPerDyno: 8})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'desk/settings.py', line: 8, processType: 'worker'}))
    expect(JSON.stringify(r.type('worker').sources.processesPerDyno)).toContain('Q_CLUSTER at desk/settings.py:8 may set workers')
    expect(r.type('worker').extras.find((e) => e.kind === 'django-q-pusher')?.source.source.kind).toBe('assumed')
  })
})
