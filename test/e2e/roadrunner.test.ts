/**
 * RoadRunner outside Laravel Octane (`rr serve`, languages/php/roadrunner.ts): one PHP worker process per worker of each
 * pool that runs PHP (http, jobs, grpc, tcp, centrifuge, temporal), each serving one request or job at a time and keeping
 * its PDO connection. num_workers 0 or unset is one worker per logical CPU (roadrunner-server/pool config.go); the config
 * is `-c FILE`, else `.rr.yaml` (https://docs.roadrunner.dev/general/config), with `${VAR:-default}` expanded and `-o
 * key=value` over it. shlinkio/shlink's image ends in `exec ./bin/rr serve -c config/roadrunner/.rr.yml` (http and jobs
 * pools, `${WEB_WORKER_NUM:-0}`). Before: "rr" an unknown program (or "bin/rr is not in the app"), 1*.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const rr = (pools: string): string => ["version: '3'", 'rpc:', '  listen: tcp://127.0.0.1:6001', 'server:', "  command: 'php bin/worker.php'", pools, ''].join('\n')
const files = (procfile: string, config: Record<string, string>): Record<string, string> => ({
  Procfile: `web: ${procfile}\n`,
  'bin/worker.php': '<?php\n$pdo = new PDO(getenv("DATABASE_URL"));\n',
  'composer.json': JSON.stringify({require: {'spiral/roadrunner-http': '^3.0'}}),
  ...config,
})
const plan = (dir: string, ...args: string[]) => planJson(join(dir, 'Procfile'), ['--limit', '100', '--scale', 'web=1:standard-2x', ...args])

describe('RoadRunner: rr serve', () => {
  const pools = ['http:', "  address: '0.0.0.0:${PORT:-8080}'", '  pool:', '    num_workers: ${WEB_WORKERS:-4}', 'jobs:', '  pool:', '    num_workers: 2', "  consume: ['default']"].join('\n')

  it('http and jobs pools from -c FILE: 4 (the ${WEB_WORKERS:-4} fallback) + 2 = 6 workers, one connection each', () => {
    const r = plan(app(files('bin/rr serve -c config/rr.yaml', {'config/rr.yaml': rr(pools)})))
    expect(r.type('web')).toMatchObject({connections: 6, processesPerDyno: 6, server: 'roadrunner', threadsPerProcess: 1})
    expect(r.type('web').sources.processesPerDyno.source).toEqual({file: 'config/rr.yaml', kind: 'file', line: 9})
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'default', what: "WEB_WORKERS has no value here, so the config's own fallback is used"}))
    expect(r.diagnostics.map((d) => d.code)).not.toContain('unknown-command')
  })

  it('the env sets WEB_WORKERS=3, and -o overrides the jobs pool: 3 + 5', () => {
    const r = plan(app(files('rr serve -c config/rr.yaml -o jobs.pool.num_workers=5', {'config/rr.yaml': rr(pools)})), '--env', 'WEB_WORKERS=3')
    expect(r.type('web')).toMatchObject({connections: 8, processesPerDyno: 8})
  })

  it('the default .rr.yaml with num_workers unset: one worker per CPU (8 on standard-2x), said as the CPU-count default', () => {
    const r = plan(app(files('./rr serve', {'.rr.yaml': rr(['http:', '  address: 0.0.0.0:8080', '  pool:', '    max_jobs: 64'].join('\n'))})))
    expect(r.type('web')).toMatchObject({connections: 8, processesPerDyno: 8, server: 'roadrunner'})
    expect(r.type('web').sources.processesPerDyno.source).toMatchObject({kind: 'default', ref: 'https://github.com/roadrunner-server/pool/blob/master/pool/config.go'})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'cpu-count-default', processType: 'web'}))
  })

  it('a config that is not in the app: warned, a worker per CPU assumed', () => {
    const r = plan(app(files('rr serve -c /etc/rr/.rr.yaml', {})))
    expect(r.type('web')).toMatchObject({connections: 8, server: 'roadrunner'})
    expect(r.type('web').sources.processesPerDyno.via).toContainEqual(expect.objectContaining({kind: 'assumed'}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unparsable-config', message: expect.stringContaining("RoadRunner's config /etc/rr/.rr.yaml is not in the app")}))
  })
})
