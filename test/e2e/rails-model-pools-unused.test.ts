/**
 * Pools of model classes that never connect on the platform (fixture rails-model-pools-unused, made up; Rails 7.0,
 * Puma single mode 5 threads, production pool 5):
 * - LegacyArchive `establish_connection :legacy_archive_db`, a top-level section with host localhost: ActiveRecord
 *   merges no URL into a config of another environment (DatabaseConfigurations#merge_db_environment_variables skips
 *   `config.env_name != current_env`), so it reaches this dyno, where no PostgreSQL runs: listed, not counted, said.
 * - MetricsRecord `establish_connection ENV["DATABASE_URL"]`, a class no other file names: a pool connects on checkout
 *   only (ConnectionPool#checkout), and nothing checks its pool out: in the ceiling only.
 * - AuditLog `establish_connection ENV["DATABASE_URL"]`, used by app/jobs/prune_audit_job.rb: counted, min(5, 5).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('model pools that never connect on the platform', () => {
  const r = planJson(procfileOf('rails-model-pools-unused'), ['--limit', '40'])

  it('counts primary 5 + AuditLog 5 = 10; MetricsRecord in the ceiling only (15); LegacyArchive reaches no server', () => {
    expect([r.type('web').connections, r.type('web').ceiling, r.total]).toEqual([10, 15, 10])
    expect(r.type('web').databases).toEqual(['primary', 'AuditLog'])
    expect(r.type('web').extras).toMatchObject([{ceilingOnly: true, count: 5, kind: 'unreferenced-model-pool'}])
    expect(r.type('web').otherServerPools.map((e) => [e.database, e.server])).toEqual([['legacy_archive_db (LegacyArchive)', 'no server: host localhost is this machine; no url']])
  })

  it('says the localhost section once, on its line', () => {
    const said = r.diagnostics.filter((d) => d.code === 'database-url-missing')
    expect(said.map((d) => [d.file, d.line])).toEqual([['config/database.yml', 11]])
    expect(said[0].message).toContain('the `legacy_archive_db` section names host localhost (this machine) and has no url')
  })
})
