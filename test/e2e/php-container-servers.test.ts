/**
 * PHP servers started inside a container image that no buildpack sizes (seen in real apps: a Symfony app on the
 * symfony-docker/API Platform layout, FrankenPHP in worker mode; a Laravel app whose image starts Octane and Horizon
 * under supervisord, its Dockerfile in docker/prod/ built with the repository as context).
 *
 * FrankenPHP (languages/php/frankenphp.ts; frankenphp.go calculateMaxThreads at dunglas/frankenphp@00274576ddcc): a
 * worker without `num` starts GOMAXPROCS × 2 threads; num_threads unset is the workers + 1 when they reach
 * GOMAXPROCS × 2 or max_threads is set, else GOMAXPROCS × 2; max_threads lets it grow to that many. Each PHP thread
 * holds at most one connection; in worker mode the threads that are not workers run only PHP files other than the
 * worker scripts (none of this front-controller app's requests), so only the worker threads count (as Octane's
 * FrankenPHP counts its workers). On a standard-1x dyno (8 CPUs reported) GOMAXPROCS × 2 = 16:
 *   worker.Caddyfile `worker { file ./public/index.php }` imported through ENV FRANKENPHP_CONFIG: 16 workers (+ 1 other
 *   thread, not counted) = 16.
 *   no worker (FRANKENPHP_CONFIG unset), no num_threads: 16.
 *   `num_threads {$PHP_THREADS:12}`: 12 by the placeholder's default; 20 with ENV PHP_THREADS=20.
 *   `worker ./public/index.php 20`: 20 (num_threads 21), read from the file, not the CPU count.
 *   `worker { num 6 }` and `max_threads 10`: num_threads = 7 (6 workers + 1), growing to 10 with worker threads: 9.
 *   `frankenphp php-server --worker public/index.php,4`: 4 < 16, so num_threads 16, 4 of them workers: 4.
 *   Before: `docker-php-entrypoint` (the image's wrapper, which execs its arguments) was an unknown program: 1*.
 * supervisord in the image (procfile/launchers.ts): `-c /etc/supervisor/conf.d/app.conf` is the file a COPY put there;
 * its [include] of /etc/supervisord.conf is read the same way; `autostart=%(ENV_WITH_WORKER)s` follows the image's ENV
 * WITH_WORKER; `php %(ENV_ROOT)s/artisan …` is the repository's artisan (COPY . /var/www/html):
 *   octane:frankenphp --workers=5, worker off: 5; WITH_WORKER=true adds `queue:work` × numprocs 2: 7.
 *   Before: "supervisord reads /etc/supervisor/conf.d/app.conf, which is not in the app": 1*.
 * `--procfile docker/prod/Dockerfile --root .` builds with the root as context (docker build -f docker/prod/Dockerfile .):
 *   its COPY docker/prod/… sources are found. Before: the Dockerfile was read as a Procfile, every line ignored, and the
 *   PHP buildpack's default web counted (4 on standard-1x), or with a Dockerfile.debian name, exit 2.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const entrypoint = ['#!/bin/sh', 'set -e', "if [ \"$1\" = 'frankenphp' ]; then", '  php bin/console cache:warmup', 'fi', 'exec docker-php-entrypoint "$@"', ''].join('\n')
const caddyfile = ['{', '\t{$CADDY_GLOBAL_OPTIONS}', '\tfrankenphp {', '\t\t{$FRANKENPHP_CONFIG}', '\t}', '}', '', '{$SERVER_NAME:localhost} {', '\troot * /app/public', '\tphp_server', '}', ''].join('\n')
const symfony = {
  'composer.json': '{"require": {"php": ">=8.3", "symfony/framework-bundle": "^7.1", "doctrine/doctrine-bundle": "^2.13"}}\n',
  'frankenphp/Caddyfile': caddyfile,
  'frankenphp/docker-entrypoint.sh': entrypoint,
  'frankenphp/worker.Caddyfile': 'worker {\n\tfile ./public/index.php\n\tenv APP_RUNTIME Runtime\\FrankenPhpSymfony\\Runtime\n}\n',
  'public/index.php': "<?php\nrequire dirname(__DIR__).'/vendor/autoload_runtime.php';\n",
}
const dockerfile = (...lines: string[]): string =>
  [
    'FROM dunglas/frankenphp:1-php8.3 AS frankenphp_base',
    'WORKDIR /app',
    'RUN install-php-extensions pdo_pgsql',
    'COPY --link --chmod=755 frankenphp/docker-entrypoint.sh /usr/local/bin/docker-entrypoint',
    'COPY --link frankenphp/Caddyfile /etc/caddy/Caddyfile',
    'ENTRYPOINT ["docker-entrypoint"]',
    'CMD [ "frankenphp", "run", "--config", "/etc/caddy/Caddyfile" ]',
    '',
    'FROM frankenphp_base AS frankenphp_prod',
    'ENV APP_ENV=prod',
    ...lines,
    'COPY --link . ./',
    '',
  ].join('\n')
const workerMode = dockerfile('ENV FRANKENPHP_CONFIG="import worker.Caddyfile"', 'COPY --link frankenphp/worker.Caddyfile /etc/caddy/worker.Caddyfile')
const plan = (files: Record<string, string>, procfile = 'Dockerfile', root = false) => {
  const dir = app(files)
  return planJson(join(dir, procfile), ['--limit', '100', '--scale', 'web=1:standard-1x', ...(root ? ['--root', dir] : [])])
}

describe('FrankenPHP in its image: one connection per PHP thread', () => {
  it('worker mode through FRANKENPHP_CONFIG and docker-php-entrypoint: 16 worker threads (the 1 other thread not counted), from the CPU count, warned', () => {
    const r = plan({...symfony, Dockerfile: workerMode})
    expect(r.type('web').server).toBe('frankenphp')
    expect(r.type('web').processesPerDyno).toBe(16)
    expect(r.type('web').connections).toBe(16)
    expect(JSON.stringify(r.type('web').sources.processesPerDyno)).toContain('the 1 other thread (num_threads unset: the workers + 1 when they reach GOMAXPROCS × 2 or max_threads is set, else GOMAXPROCS × 2) runs only PHP files other than the worker scripts')
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'cpu-count-default', processType: 'web'}))
    expect(JSON.stringify(r.type('web').sources.processesPerDyno)).toContain('frankenphp/worker.Caddyfile')
  })

  it('no worker and no num_threads: GOMAXPROCS × 2 = 16', () => {
    expect(plan({...symfony, Dockerfile: dockerfile()}).type('web').processesPerDyno).toBe(16)
  })

  it('num_threads from a {$VAR:default} placeholder: its default 12, or the image ENV 20', () => {
    const withThreads = {...symfony, 'frankenphp/Caddyfile': caddyfile.replace('\t\t{$FRANKENPHP_CONFIG}', '\t\tnum_threads {$PHP_THREADS:12}\n\t\t{$FRANKENPHP_CONFIG}')}
    expect(plan({...withThreads, Dockerfile: dockerfile()}).type('web').processesPerDyno).toBe(12)
    const r = plan({...withThreads, Dockerfile: dockerfile('ENV PHP_THREADS=20')})
    expect(r.type('web').processesPerDyno).toBe(20)
    expect(r.codes).not.toContain('cpu-count-default')
  })

  it('a worker of 20 (the shorthand `worker FILE NUM`): 20 (num_threads 21, 1 other); `worker { num 6 }` with max_threads 10: up to 9 worker threads', () => {
    expect(plan({...symfony, Dockerfile: workerMode, 'frankenphp/worker.Caddyfile': 'worker ./public/index.php 20\n'}).type('web').processesPerDyno).toBe(20)
    // num_threads unset with max_threads set: 6 + 1 = 7 to start, up to 10 under load; the 1 other thread not counted.
    const r = plan({...symfony, Dockerfile: workerMode, 'frankenphp/worker.Caddyfile': 'max_threads 10\nworker {\n\tfile ./public/index.php\n\tnum 6\n}\n'})
    expect(r.type('web').processesPerDyno).toBe(9)
    expect(r.codes).not.toContain('cpu-count-default')
  })

  it('frankenphp php-server --worker FILE,4: 4 worker threads (num_threads 16: the 12 others not counted), not from the CPU count', () => {
    const r = plan({...symfony, Dockerfile: dockerfile().replace('CMD [ "frankenphp", "run", "--config", "/etc/caddy/Caddyfile" ]', 'CMD ["frankenphp", "php-server", "--worker", "public/index.php,4"]')})
    expect(r.type('web').processesPerDyno).toBe(4)
    expect(r.codes).not.toContain('cpu-count-default')
  })
})

describe('supervisord in a Laravel image built from docker/prod/Dockerfile with the repository as context', () => {
  const laravel = (withWorker: string) => ({
    artisan: '#!/usr/bin/env php\n<?php\n',
    'composer.json': '{"require": {"php": "^8.3", "laravel/framework": "^11.0", "laravel/octane": "^2.5"}}\n',
    'config/database.php': "<?php\nreturn [\n    'default' => env('DB_CONNECTION', 'pgsql'),\n    'connections' => [\n        'pgsql' => ['driver' => 'pgsql', 'url' => env('DATABASE_URL')],\n    ],\n];\n",
    'docker/prod/Dockerfile': [
      'FROM dunglas/frankenphp:1.8-php8.3',
      'ARG BASE=docker/prod/',
      'ENV ROOT=/var/www/html \\',
      `    WITH_WORKER=${withWorker}`,
      'WORKDIR ${ROOT}',
      'COPY ${BASE}supervisord.conf /etc/',
      'COPY ${BASE}app.conf /etc/supervisor/conf.d/',
      'COPY ${BASE}start-container /usr/local/bin/start-container',
      'COPY . ./',
      'ENTRYPOINT ["start-container"]',
      '',
    ].join('\n'),
    'docker/prod/app.conf': [
      '[program:octane]',
      'command = php %(ENV_ROOT)s/artisan octane:frankenphp --host=0.0.0.0 --port=8000 --workers=5',
      'autostart = true',
      '',
      '[program:worker]',
      'command = php %(ENV_ROOT)s/artisan queue:work --tries=3',
      'autostart = %(ENV_WITH_WORKER)s',
      'numprocs = 2',
      'process_name = %(program_name)s_%(process_num)s',
      '',
      '[include]',
      'files = /etc/supervisord.conf',
      '',
    ].join('\n'),
    'docker/prod/start-container': '#!/usr/bin/env sh\nset -e\nphp artisan optimize\nexec /usr/bin/supervisord -c /etc/supervisor/conf.d/app.conf\n',
    'docker/prod/supervisord.conf': '[supervisord]\nnodaemon = true\nuser = %(ENV_USER)s\n',
  })

  it('Octane --workers=5 started from the image path the COPY put the config at; the worker off by the image ENV: 5', () => {
    const r = plan(laravel('false'), 'docker/prod/Dockerfile', true)
    expect(r.type('web').server).toBe('octane-frankenphp')
    expect(r.type('web').connections).toBe(5)
    expect(r.codes).not.toContain('unknown-command')
    expect(r.diagnostics).not.toContainEqual(expect.objectContaining({message: expect.stringContaining('includes')}))
  })

  it('WITH_WORKER=true: queue:work × numprocs 2 beside Octane, 7', () => {
    expect(plan(laravel('true'), 'docker/prod/Dockerfile', true).type('web').connections).toBe(7)
  })
})
