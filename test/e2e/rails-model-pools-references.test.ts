/**
 * Which classes that open a pool of their own the app uses, read as Ruby constants (fixture
 * rails-model-pools-references, made up; Rails 7.0, Puma single mode 4 threads, primary pool 4):
 * - Billing::LedgerEntry `establish_connection ENV["DATABASE_URL"]` (no ?pool=: ActiveRecord's default 5), used as
 *   `Billing::LedgerEntry.where` in app/jobs/close_books_job.rb: counted, min(5, 4) = 4.
 * - ExportBatch, the same, named only as `class_name: "ExportBatch"` in app/models/user.rb: ActiveRecord constantizes
 *   that string when the association is used, which conncalc does not follow: counted, min(5, 4) = 4, starred.
 * - ReportingRecord, the same, named only in a comment, inside a log message and in its own body: a pool connects on
 *   checkout only (ConnectionPool#checkout), so nothing ever connects it: in the ceiling only (5).
 * Total 4 + 4 + 4 = 12; ceiling 4 + 5 + 5 + 5 = 19. (The text search before this counted ReportingRecord too: 16.)
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('pools of classes the app names as constants, in strings, or only in comments', () => {
  const r = planJson(procfileOf('rails-model-pools-references'), ['--plan', 'standard-0'])
  const web = r.type('web')

  it('counts the constant-referenced and the string-named classes, and the comment-only one in the ceiling', () => {
    expect([web.connections, web.ceiling, r.total]).toEqual([12, 19, 12])
    expect(web.databases).toEqual(['primary', 'ExportBatch', 'LedgerEntry'])
    expect(web.extras).toMatchObject([{ceilingOnly: true, count: 5, kind: 'unreferenced-model-pool'}])
    expect(web.extras[0].reason).toContain('ReportingRecord')
  })

  it('stars the pool of the class named only in a string, saying where', () => {
    const via = (name: string) => JSON.stringify(web.sources[`pool.${name}`])
    expect(via('ExportBatch')).toContain('"kind":"assumed"')
    expect(via('ExportBatch')).toContain('app/models/user.rb:2 names it in \\"ExportBatch\\"')
    expect(via('LedgerEntry')).not.toContain('"kind":"assumed"')
    expect(r.type('web').sources).not.toHaveProperty('pool.ReportingRecord')
  })
})
