/**
 * A Cloud Foundry app: manifest.yml and no Procfile (cf push reads manifest.yml from the app's folder). Its
 * applications' processes are the process types: `command` (the start command), `instances` ("By default, cf push
 * deploys one instance"), `env` as config vars, `processes[]` for other types
 * (https://docs.cloudfoundry.org/devguide/deploy-apps/manifest-attributes.html,
 * https://docs.cloudfoundry.org/devguide/multiple-processes.html). Was: exit 2, "no Procfile or heroku.yml".
 *
 * The app (test/fixtures/cf-manifest-python): Django, DATABASES from dj_database_url with CONN_MAX_AGE from
 * DB_CONN_MAX_AGE (60 in the manifest's env), no pool: one connection per thread.
 *   web: 3 instances × gunicorn --workers 2 --threads 4 → 3 × 2 × 4 = 24
 *   worker: 2 instances × celery prefork --concurrency 3, one task per child → 2 × 3 × 1 = 6
 *   total 30.
 */
import {describe, expect, it} from 'vitest'

import {readFileSync} from 'node:fs'

import {fixture, planJson, runCli} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('cf-manifest-python')
const {app: bare} = tempApps()
const DIR = fixture('cf-manifest-python')
const MANIFEST = `---
applications:
  - name: grants-api
    buildpacks:
      - python_buildpack
    instances: 3
    processes:
      - type: worker
        command: celery -A grants worker --concurrency 3
        instances: 2
`

describe('a Cloud Foundry manifest.yml with no Procfile (test/fixtures/cf-manifest-python)', () => {
  it("counts its applications' processes with their instances: web 24 + worker 6 = 30", () => {
    for (const procfile of [`${DIR}/Procfile`, `${DIR}/manifest.yml`]) {
      const r = planJson(procfile, ['--plan', 'standard-0'])
      expect(r.exit).toBe(0)
      expect(r.total).toBe(30)
      expect(r.type('web')).toMatchObject({connections: 24, connectionsPerDyno: 8, dynos: 3, processesPerDyno: 2, threadsPerProcess: 4})
      expect(r.type('worker')).toMatchObject({connections: 6, connectionsPerDyno: 3, dynos: 2, processesPerDyno: 3})
      expect(r.type('web').sources.dynos).toMatchObject({source: {file: 'manifest.yml', kind: 'file', line: 7}})
      expect(r.diagnostics.find((d) => d.code === 'missing-config' && d.file === 'manifest.yml')?.message).toContain("no Procfile: the process types are manifest.yml's applications' processes (web, worker), run by Cloud Foundry")
    }
  })

  it("the manifest's env is the processes' config: DB_CONN_MAX_AGE 60 reaches CONN_MAX_AGE", () => {
    const {stdout} = runCli(['plan', '--procfile', `${DIR}/manifest.yml`, '--plan', 'standard-0', '--explain'])
    expect(stdout).toContain('CONN_MAX_AGE=60 s')
  })

  it('web with no command runs the Procfile\'s web line (cf push); with a Procfile, the Procfile is counted and manifest.yml is said', () => {
    const dir = app({'manifest.yml': MANIFEST, Procfile: 'web: gunicorn grants.wsgi --workers 3\n'})
    // Named: web 3 instances × 3 sync workers × 1 = 9, worker 2 × 3 = 6.
    const named = planJson(`${dir}/manifest.yml`, ['--plan', 'standard-0'])
    expect(named.type('web')).toMatchObject({connections: 9, dynos: 3, processesPerDyno: 3})
    expect(named.total).toBe(15)
    // Not named: the Procfile, as Heroku runs it (web scaled to 1: 3), and the manifest said.
    const procfile = planJson(`${dir}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1'])
    expect(procfile.total).toBe(3)
    const said = procfile.diagnostics.find((d) => d.file === 'manifest.yml')
    expect(said?.message).toContain("it is a Cloud Foundry manifest, whose command and instances cf push uses over the Procfile's web line")
    expect(said?.fix).toContain('pass --procfile manifest.yml')
  })

  it('no command and no Procfile: what the buildpack starts is unknown, said and starred; instances ((n)) assumed 1', () => {
    const dir = app({'manifest.yml': MANIFEST.replace('instances: 3', 'instances: ((web_instances))')})
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0'])
    expect(r.codes).toContain('unknown-command')
    expect(r.diagnostics.find((d) => d.code === 'unknown-command')?.message).toContain("web has no command in manifest.yml and no web line in a Procfile: it runs the buildpack's own start command (python_buildpack)")
    expect(r.type('web').dynos).toBe(1)
    expect(r.type('web').sources.dynos?.source).toMatchObject({kind: 'assumed'})
    expect(r.type('worker').connections).toBe(6)
  })

  it('several applications: web types take the application\'s name, others NAME-TYPE', () => {
    const dir = app({'manifest.yml': `applications:\n- name: grants-api\n  command: gunicorn grants.wsgi --workers 2\n- name: grants-jobs\n  no-route: true\n  processes:\n  - type: worker\n    command: celery -A grants worker --concurrency 2\n    instances: 1\n  - type: web\n    command: gunicorn grants.wsgi\n`})
    const r = planJson(`${dir}/Procfile`, ['--plan', 'standard-0'])
    expect(r.processTypes.map((p) => p.name).sort()).toEqual(['grants-api', 'grants-jobs', 'grants-jobs-worker'])
    // grants-api: 1 instance (cf push's default) × 2 = 2; grants-jobs web 1 × 1 = 1; its worker 1 × 2 = 2.
    expect(r.total).toBe(5)
    expect(r.type('grants-api').sources.dynos?.source).toMatchObject({kind: 'default'})
  })

  it('an application on the Staticfile or NGINX buildpack with no command runs nginx: 0 connections, said', () => {
    // cloud-gov/pages-core's admin client (`buildpack: staticfile_buildpack`, `path: ../admin-client`, instances: 2): the
    // buildpack serves the pushed files with nginx (https://docs.cloudfoundry.org/buildpacks/staticfile/index.html). Was:
    // "runs the buildpack's own start command (staticfile_buildpack), which conncalc does not know": 2 × 1* = 2*.
    const manifest = `applications:\n- name: grants-api\n  command: gunicorn grants.wsgi --workers 2\n- name: grants-admin\n  buildpack: staticfile_buildpack\n  instances: 2\n- name: grants-docs\n  buildpacks:\n  - https://github.com/cloudfoundry/nginx-buildpack.git\n`
    const r = planJson(`${app({'manifest.yml': manifest})}/Procfile`, ['--plan', 'standard-0'])
    expect(r.type('grants-admin')).toMatchObject({connections: 0, dynos: 2, server: 'nginx'})
    expect(r.type('grants-docs')).toMatchObject({connections: 0, server: 'nginx'})
    expect(r.total).toBe(2)
    expect(r.codes).not.toContain('unknown-command')
    expect(r.diagnostics.find((d) => d.message.startsWith('grants-admin has no command'))?.message).toContain('its buildpack staticfile_buildpack starts nginx')
  })

  it('a manifest in a folder, its mapping indented under `---`, without path: runs its command from the app root', () => {
    // GSA-TTS/all_sorns's shape: `cf push -f .cloud-gov/manifest-prod.yml` from the checkout; cf push pushes the folder it
    // runs in when the manifest names no path. Was: not taken for a CF manifest (read as a Blueprint: exit 2), then
    // ./.cloud-gov/start.sh looked up under .cloud-gov/ (1*). Here: 2 instances × gunicorn --workers 3 = 6.
    const manifest = `---\n  applications:\n  - name: grants\n    instances: 2\n    services:\n    - grants-db\n    command: ./.cloud-gov/start.sh\n`
    const dir = app({'.cloud-gov/manifest-prod.yml': manifest, '.cloud-gov/start.sh': '#!/bin/bash\npython manage.py migrate\ngunicorn grants.wsgi --workers 3\n'})
    const r = planJson(`${dir}/.cloud-gov/manifest-prod.yml`, ['--plan', 'standard-0', '--root', dir])
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connections: 6, dynos: 2, processesPerDyno: 3})
    expect(r.codes).not.toContain('unknown-command')
  })

  it("no command and no Procfile, the final buildpack Ruby's and the app Rails 4+: its default web process (test/fixtures/cf-manifest-rails)", () => {
    // cloudfoundry/ruby-buildpack lib/language_pack/rails4.rb: web `bin/rails server -b 0.0.0.0 -p $PORT -e $RAILS_ENV`;
    // Puma 2 workers × 4 threads on pool 10, 2 instances: 2 × 2 × 4 = 16. Was: unknown, 2 × 1* × 1* = 2.
    const rails = fixture('cf-manifest-rails')
    const r = planJson(`${rails}/manifest.yml`, ['--plan', 'standard-0'])
    expect(r.type('web')).toMatchObject({connections: 16, dynos: 2, processesPerDyno: 2, server: 'puma', threadsPerProcess: 4})
    expect(r.codes).not.toContain('unknown-command')
    expect(r.diagnostics.find((d) => d.file === 'manifest.yml' && d.message.includes("the Cloud Foundry Ruby buildpack's for Rails 7.2.1"))).toBeDefined()
    // Node.js last: it gives the start command, which conncalc does not know (said, starred).
    const dir = app({'manifest.yml': `applications:\n- name: ledger\n  buildpacks:\n  - ruby_buildpack\n  - nodejs_buildpack\n`})
    const node = planJson(`${dir}/manifest.yml`, ['--plan', 'standard-0'])
    expect(node.diagnostics.find((d) => d.code === 'unknown-command')?.message).toContain("it runs the final buildpack's own start command (nodejs_buildpack)")
  })

  it('a manifest.yml that is no Cloud Foundry manifest (no applications:) leaves the missing Procfile an input error', () => {
    const dir = app({'manifest.yml': 'name: grants\nversion: 2\n'})
    const {code, stderr} = runCli(['plan', '--procfile', `${dir}/Procfile`, '--plan', 'standard-0'])
    expect(code).toBe(2)
    expect(stderr).toContain('no Procfile or heroku.yml')
  })
})

describe('a Cloud Foundry manifest kept apart from the app: path: leaves its folder', () => {
  it('ops/manifests/manifest-stable.yaml with path: ../../src is read with the app in src/ (cisagov/manage.get.gov shape)', () => {
    // The fixture's Django app under src/, started by src/run.sh: gunicorn --workers 2 --threads 4, one connection per
    // thread (no pool) → 2 × 4 = 8 per instance × 2 instances = 16. Was: the manifest's folder taken as the app, run.sh
    // "not recognised" (1 × 1 per instance, starred) and every src/ file "outside the app folder".
    const files: Record<string, string> = {
      'ops/manifests/manifest-stable.yaml': '---\napplications:\n- name: registrar-stable\n  buildpacks:\n    - python_buildpack\n  path: ../../src\n  instances: 2\n  memory: 1G\n  command: ./run.sh\n  env:\n    DJANGO_SETTINGS_MODULE: grants.settings\n',
      'src/run.sh': '#!/bin/bash\nset -o errexit\ngunicorn grants.wsgi --workers 2 --threads 4 --bind 0.0.0.0:$PORT\n',
    }
    for (const f of ['manage.py', 'requirements.txt', '.python-version', 'grants/__init__.py', 'grants/settings.py', 'grants/urls.py', 'grants/wsgi.py', 'grants/celery.py']) files[`src/${f}`] = readFileSync(`${DIR}/${f}`, 'utf8')
    const dir = bare(files)
    const r = planJson(`${dir}/ops/manifests/manifest-stable.yaml`, ['--plan', 'standard-0'])
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connections: 16, dynos: 2, processesPerDyno: 2, server: 'gunicorn', threadsPerProcess: 4})
    expect(r.codes).not.toContain('unknown-command')
    expect(r.codes).not.toContain('unparsable-config')
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'missing-config', file: 'ops/manifests/manifest-stable.yaml', message: expect.stringContaining('path: ../../src leaves the manifest\'s folder')}))
    // --root names the folder itself: the same count, without the note.
    const rooted = planJson(`${dir}/ops/manifests/manifest-stable.yaml`, ['--plan', 'standard-0', '--root', dir])
    expect(rooted.type('web').connections).toBe(16)
  })
})
