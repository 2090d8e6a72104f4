/**
 * s6-overlay's `/init` as a container image's ENTRYPOINT (https://github.com/just-containers/s6-overlay): it keeps up the
 * longrun services of the `user` bundle (/etc/s6-overlay/s6-rc.d/user/contents.d/NAME, a folder NAME with `type` longrun
 * and a `run` script), runs each oneshot's `up` once at start (it ends), and runs the CMD given to it beside them
 * (procfile/launchers.ts s6Overlay). code4romania/website-factory's shape: php:8.2-fpm-alpine with s6-overlay, the
 * repository's docker/s6-rc.d copied to /etc/s6-overlay/s6-rc.d, services php (`#!/command/with-contenv sh` + php-fpm),
 * nginx (`#!/bin/sh -e` + nginx) and laravel (oneshot); docker/php/www.conf copied to php-fpm.d/zz-docker.conf.
 *   php-fpm: pm.max_children 20 in zz-docker.conf → 20 workers × 1 PDO connection; nginx 0; the oneshot not counted: 20.
 *   A service run as another user (`exec s6-setuidgid www-data php artisan queue:work`, a Laravel worker: 1): 20 + 1 = 21;
 *   one whose run script may instead switch it off (`s6-svc -Od .`, which exits: 0) or run that worker: the worker, 21.
 *   v2's /etc/services.d/NAME/run (the repository's docker/services.d copied there): the same 20.
 *   A folder copied onto the image's root (`COPY docker/rootfs /`, holding etc/s6-overlay/s6-rc.d/…): the same 20.
 * Before: "/init" was unknown, 1*.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const dockerfile = (copies: string[]): string =>
  [
    'FROM php:8.2-fpm-alpine',
    'ARG S6_OVERLAY_VERSION=3.2.0.0',
    'ADD https://github.com/just-containers/s6-overlay/releases/download/v${S6_OVERLAY_VERSION}/s6-overlay-noarch.tar.xz /tmp',
    'RUN tar -C / -Jxpf /tmp/s6-overlay-noarch.tar.xz',
    'ENTRYPOINT ["/init"]',
    'COPY docker/php/www.conf /usr/local/etc/php-fpm.d/zz-docker.conf',
    ...copies,
    'RUN apk add --no-cache nginx && install-php-extensions pdo_pgsql',
    'WORKDIR /var/www',
    'COPY . /var/www',
    'EXPOSE 80',
    '',
  ].join('\n')

const base = {
  'artisan': '#!/usr/bin/env php\n<?php\n',
  'composer.json': '{"require": {"php": "^8.2", "laravel/framework": "^11.0"}}\n',
  'config/database.php': "<?php\nreturn [\n    'default' => env('DB_CONNECTION', 'pgsql'),\n    'connections' => [\n        'pgsql' => ['driver' => 'pgsql', 'url' => env('DATABASE_URL')],\n    ],\n];\n",
  'docker/php/www.conf': '[global]\ndaemonize = no\n[www]\nlisten = /run/php-fpm.sock\npm = ondemand\npm.max_children = 20\n',
  'public/index.php': "<?php\nrequire __DIR__.'/../vendor/autoload.php';\n",
}

const services = (root: string): Record<string, string> => ({
  [`${root}/laravel/type`]: 'oneshot\n',
  [`${root}/laravel/up`]: '/etc/s6-overlay/s6-rc.d/laravel/init.sh\n',
  [`${root}/laravel/init.sh`]: '#!/command/with-contenv sh\nphp /var/www/artisan migrate --force\n',
  [`${root}/nginx/run`]: '#!/bin/sh -e\n\nnginx\n',
  [`${root}/nginx/type`]: 'longrun\n',
  [`${root}/php/run`]: '#!/command/with-contenv sh\n\nphp-fpm\n',
  [`${root}/php/type`]: 'longrun\n',
  [`${root}/user/contents.d/laravel`]: '',
  [`${root}/user/contents.d/nginx`]: '',
  [`${root}/user/contents.d/php`]: '',
  [`${root}/user/type`]: 'bundle\n',
})

const plan = (files: Record<string, string>) => planJson(join(app(files), 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])

describe("s6-overlay's /init in an image", () => {
  it('v3: the longrun services of the user bundle run in the container: php-fpm 20 × 1, nginx 0, the oneshot not counted: 20', () => {
    const r = plan({...base, ...services('docker/s6-rc.d'), Dockerfile: dockerfile(['COPY docker/s6-rc.d /etc/s6-overlay/s6-rc.d'])})
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connections: 20, processesPerDyno: 20, server: 'php-fpm'})
    expect(r.type('web').sources.processesPerDyno.source.kind).not.toBe('assumed')
    expect(r.total).toBe(20)
    expect(r.codes).not.toContain('unknown-command')
  })

  it('a worker run as another user (`exec s6-setuidgid www-data php artisan queue:work`) is read: 20 + 1', () => {
    const more = {
      'docker/s6-rc.d/queue/run': '#!/command/with-contenv sh\ncd /var/www\nexec s6-setuidgid www-data php artisan queue:work\n',
      'docker/s6-rc.d/queue/type': 'longrun\n',
      'docker/s6-rc.d/user/contents.d/queue': '',
    }
    const r = plan({...base, ...services('docker/s6-rc.d'), ...more, Dockerfile: dockerfile(['COPY docker/s6-rc.d /etc/s6-overlay/s6-rc.d'])})
    expect(r.total).toBe(21)
    expect(r.codes).not.toContain('unknown-command')
    expect(r.diagnostics.some((d) => d.message.includes('s6-setuidgid'))).toBe(false)
  })

  it('a run script that may switch its service off (`s6-svc -Od .`, s6-svc signals the supervisor and exits) or run the worker: the worker, 20 + 1', () => {
    const more = {
      'docker/s6-rc.d/queue/run': '#!/command/with-contenv sh\nif [ -n "$QUEUE_OFF" ]; then\n  s6-svc -Od .\nelse\n  exec php /var/www/artisan queue:work\nfi\n',
      'docker/s6-rc.d/queue/type': 'longrun\n',
      'docker/s6-rc.d/user/contents.d/queue': '',
    }
    const r = plan({...base, ...services('docker/s6-rc.d'), ...more, Dockerfile: dockerfile(['COPY docker/s6-rc.d /etc/s6-overlay/s6-rc.d'])})
    expect(r.total).toBe(21)
    expect(r.diagnostics.some((d) => d.code === 'unknown-command' && d.message.includes('s6-svc'))).toBe(false)
  })

  it("v2's /etc/services.d, and a folder copied onto the image's root (`COPY docker/rootfs /`): the same 20", () => {
    const v2 = {...base, 'docker/services.d/nginx/run': '#!/bin/sh -e\nnginx\n', 'docker/services.d/php/run': '#!/usr/bin/with-contenv sh\nphp-fpm\n', Dockerfile: dockerfile(['COPY docker/services.d /etc/services.d'])}
    expect(plan(v2).total).toBe(20)
    const rootfs = {...base, ...services('docker/rootfs/etc/s6-overlay/s6-rc.d'), Dockerfile: dockerfile(['COPY docker/rootfs /'])}
    expect(plan(rootfs).total).toBe(20)
  })

  it('/init with no service folder in the image is not s6-overlay: unknown, as before', () => {
    const r = plan({...base, Dockerfile: dockerfile([])})
    expect(r.codes).toContain('unknown-command')
  })
})
