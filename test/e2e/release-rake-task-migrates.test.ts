/**
 * A release command that runs the app's own rake task, whose task runs Rails' migration itself (fixture
 * rails-release-rake-task-migrates, ActiveRecord 7.1.3): `Rake::Task["db:migrate"].invoke` in its action, or
 * `db:migrate` as a prerequisite. The Migrator then holds its advisory-lock connection beside the migration's, as a
 * plain `rails db:migrate` release does (ActiveRecord ≥ 6.0, migration.rb with_advisory_lock_connection): 2, not 1.
 * Hand count: web puma single mode, threads 3, pool 3 → 3; release 1 + 1 = 2; deploy peak 3 + 2 = 5.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf, runCliInProcess} from '../helpers/cli.js'

describe("a release rake task of the app that runs db:migrate (fixture rails-release-rake-task-migrates)", () => {
  it('Rake::Task["db:migrate"].invoke under an if: 2, the lock starred (the condition is not decided)', () => {
    const r = planJson(procfileOf('rails-release-rake-task-migrates'))
    expect(r.type('web')).toMatchObject({connections: 3})
    expect(r.type('release')).toMatchObject({connectionsPerProcess: 2})
    expect(r.type('release').extras.map((x) => x.kind)).toEqual(['migration-advisory-lock'])
    expect(r.total).toBe(3)
    expect(r.deployPeak).toBe(5)
    const out = runCliInProcess(['plan', '--procfile', procfileOf('rails-release-rake-task-migrates'), '--explain'])
    expect(out.stdout).toContain('lib/tasks/deploy.rake:5: `db:migrate` runs only under a condition conncalc does not decide; counted as if it runs')
  })

  it('db:migrate as a prerequisite (`task warm: [:environment, "db:migrate"]`): 2, read, not starred', () => {
    const r = planJson(procfileOf('rails-release-rake-task-migrates/Procfile.prereq'))
    expect(r.type('release')).toMatchObject({connectionsPerProcess: 2})
    expect(JSON.stringify(r.type('release').extras)).not.toContain('"assumed"')
    expect(r.deployPeak).toBe(5)
    const out = runCliInProcess(['plan', '--procfile', procfileOf('rails-release-rake-task-migrates/Procfile.prereq'), '--explain'])
    expect(out.stdout).toContain('← lib/tasks/deploy.rake:12')
  })

  it('a task of the app that migrates nothing stays 1', () => {
    const r = planJson(procfileOf('rails-release-rake-task-migrates/Procfile.none'))
    expect(r.type('release')).toMatchObject({connectionsPerProcess: 1})
    expect(r.type('release').extras).toEqual([])
    expect(r.deployPeak).toBe(4)
  })
})
