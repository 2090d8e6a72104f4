/**
 * Kamal's config/deploy.yml (Rails 7.1+ generates it; https://kamal-deploy.org/docs/configuration/roles/). Each role of
 * `servers:` is a process type, with one container per host it lists (basecamp/kamal configuration/role.rb: hosts are the
 * keys of tagged_hosts, so a host written twice is one), running its `cmd:` as the arguments of the image's exec-form
 * ENTRYPOINT, else the image's CMD; `env: clear:` (top level, the role's over it) is their config vars; `secret:` names are
 * set from .kamal/secrets. `kamal deploy -d staging` deep-merges config/deploy.staging.yml over config/deploy.yml
 * (configuration.rb load_config_files). Each role's new container starts before its old one stops (cli/app/boot.rb).
 *
 * Fixture rails-8-kamal (Rails 8.1, Puma 7.1 single mode, Solid Queue 1.2, Solid Cache as the cache store; database.yml's
 * primary, cache, queue and cable all on DATABASE_URL, `max_connections: RAILS_MAX_THREADS || 5`; queue.yml: 1
 * dispatcher, workers of 3 threads × JOB_CONCURRENCY processes; recurring.yml: 1 task), deployed by config/deploy.yml:
 * web on 10.0.0.11, 10.0.0.12 (and 10.0.0.11 again, tagged), job (`cmd: bin/jobs`, JOB_CONCURRENCY 2) on 10.0.0.21,
 * RAILS_MAX_THREADS 4. By hand:
 *
 * - web: 2 hosts × 1 Puma process × (min(4, 4) on primary, cache and queue, min(4, 4 + 1 Solid Cable listener) on cable)
 *   = 2 × 16 = 32;
 * - job: 1 host × (2 processes × (min(4, 3) on primary, cache and cable + min(4, 3 + 2 polling/heartbeat) on queue = 13)
 *   + dispatcher min(4, 3) + scheduler min(4, 1 + 1) + supervisor min(4, 2)) = 26 + 7 = 33;
 * - total 65; a deploy starts every role's new containers beside the old ones: 130.
 *
 * config/deploy.staging.yml puts web and job on 10.1.0.11 and RAILS_MAX_THREADS 2 (JOB_CONCURRENCY stays 2, from the
 * base's job env, merged): web 1 × (2 × 3 + min(2, 3)) = 8; job 2 × (2 × 3 + min(2, 5)) + 2 + 2 + 2 = 22; total 30.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {fixture, planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('rails-8-kamal')

describe('a Kamal deploy (config/deploy.yml)', () => {
  it('counts each role on each of its hosts, with the config\'s env, when there is no Procfile', () => {
    const r = planJson(join(fixture('rails-8-kamal'), 'Procfile'), ['--plan', 'standard-2'])
    expect(r.exit).toBe(0)
    expect(r.processTypes.map((p) => [p.name, p.dynos, p.connections])).toEqual([['web', 2, 32], ['job', 1, 33]])
    expect(r.type('web').command).toBe('./bin/docker-entrypoint ./bin/thrust ./bin/rails server')
    expect(r.type('job').command).toBe('./bin/docker-entrypoint bin/jobs')
    expect(r.type('web').sources.dynos.source).toMatchObject({file: 'config/deploy.yml', kind: 'file', line: 7})
    expect(r.type('web').sources.threadsPerProcess.via?.at(-1)).toMatchObject({from: 'config/deploy.yml:33 (Kamal env clear)', kind: 'env', name: 'RAILS_MAX_THREADS'})
    expect(r.type('job').processesPerDyno).toBe(2)
    expect(r.total).toBe(65)
    expect(r.deployPeak).toBe(130)
    const info = r.diagnostics.find((d) => d.file === 'config/deploy.yml' && d.message.includes("roles (web × 2 hosts, job × 1 host)"))
    expect(info?.message).toContain('env secret RAILS_MASTER_KEY, DATABASE_URL are set from .kamal/secrets, not read')
  })

  it('merges a destination\'s file over config/deploy.yml (`kamal deploy -d staging`)', () => {
    const dir = fixture('rails-8-kamal')
    const r = planJson(join(dir, 'config/deploy.staging.yml'), ['--plan', 'standard-2'])
    expect(r.exit).toBe(0)
    expect(r.processTypes.map((p) => [p.name, p.dynos, p.connections])).toEqual([['web', 1, 8], ['job', 1, 22]])
    expect(r.type('web').sources.dynos.source).toMatchObject({file: 'config/deploy.staging.yml', kind: 'file'})
    expect(r.total).toBe(30)
  })

  it('reads the Procfile when there is one, and says config/deploy.yml is not read', () => {
    const dir = app({'Procfile': 'web: bundle exec puma -C config/puma.rb\n'})
    const r = planJson(join(dir, 'Procfile'), ['--plan', 'standard-2', '--scale', 'web=1'])
    expect(r.processTypes.map((p) => p.name)).toEqual(['web'])
    const said = r.diagnostics.find((d) => d.file === 'config/deploy.yml')
    expect(said?.message).toContain("config/deploy.yml is not read: the Procfile says what runs")
    expect(said?.fix).toBe('to count what Kamal runs, pass --procfile config/deploy.yml')
  })

  it('does not take the generator\'s unedited template for a deploy', () => {
    const dir = app({'config/deploy.yml': 'service: harbor\nimage: your-user/harbor\nservers:\n  web:\n    - 192.168.0.1\nregistry:\n  username: your-user\n  password:\n    - KAMAL_REGISTRY_PASSWORD\n'})
    const r = planJson(join(dir, 'Procfile'), ['--plan', 'standard-2'])
    expect(r.processTypes.map((p) => p.name)).toEqual(['web'])
    expect(r.type('web').command).not.toContain('docker-entrypoint')
    expect(r.diagnostics.some((d) => d.file === 'config/deploy.yml')).toBe(false)
  })

  it('runs the image\'s CMD for a role with no cmd, and counts a role with no host as 1, starred', () => {
    const dir = app({'config/deploy.yml': 'service: harbor\nimage: harbor-co/harbor\nservers:\n  web:\n    hosts: []\n  jobs:\n    hosts:\n      - 10.0.0.5\n    cmd: bin/jobs\n'})
    const r = planJson(join(dir, 'config/deploy.yml'), ['--plan', 'standard-2'])
    expect(r.type('web').sources.dynos.source).toMatchObject({kind: 'assumed'})
    expect(r.type('web').dynos).toBe(1)
    expect(r.type('jobs').command).toBe('./bin/docker-entrypoint bin/jobs')
  })
})
