/**
 * `Sequel.connect` in a job's `perform`, with no block and nothing that disconnects it (heroku/datademo's
 * AccountManagerAssignmentWorker): every job makes a new Sequel::Database that Database#initialize keeps in
 * Sequel::DATABASES, so its connection stays open and the worker's connections grow with the jobs it runs. Said, and the
 * worker's pool starred; the web process, which runs no job, is not (languages/ruby/sequel.ts connectPerJob).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (v: string) => planJson(procfileOf(`sequel-connect-per-job/${v}`), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x,worker=1:standard-1x'])
const starred = (r: ReturnType<typeof plan>, type: string) => JSON.stringify(r.type(type).sources).includes('"kind":"assumed"')

describe('Sequel.connect per job (fixture sequel-connect-per-job)', () => {
  it('a connect in perform: web 1 x min(3, 3) + worker min(3, 2) = 5, the worker starred with a warning naming the line', () => {
    const r = plan('leak')
    expect(r.total).toBe(5)
    expect([starred(r, 'web'), starred(r, 'worker')]).toEqual([false, true])
    const d = r.diagnostics.find((x) => x.message.includes('for every job'))
    expect(d).toMatchObject({code: 'unknown-config-value', file: 'app/jobs/report_job.rb', line: 7, processType: 'worker', severity: 'warning'})
  })

  it('memoized (@database ||=), the block form, and a connect the method disconnects: nothing said, nothing starred', () => {
    const r = plan('memo')
    expect(r.total).toBe(5)
    expect([starred(r, 'web'), starred(r, 'worker')]).toEqual([false, false])
    expect(r.diagnostics.some((x) => x.message.includes('for every job'))).toBe(false)
  })
})
