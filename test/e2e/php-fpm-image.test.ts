/**
 * PHP-FPM run inside a container image (fly.toml, Dokku, heroku.yml): no buildpack sizes it, so Heroku's autotune (4 on a
 * 512 MB dyno) is not its number; its workers are Σ pm.max_children of the pools in the image's php-fpm.conf and the pool
 * files it includes, as the Dockerfile's COPYs and RUNs leave them over the base image's own (languages/php/fpm-pools.ts).
 * Before, every case below read 4 (autotune on the assumed Standard-1X), unstarred.
 *
 * App (temp, made up): composer.json and public/index.php (PDO pgsql), fly.toml with no [processes] (the image's CMD).
 *   php:8.3-fpm-alpine, deploy/www.conf copied to /usr/local/etc/php-fpm.d/www.conf ([www] pm = static, max_children 12): 12.
 *   the same base, no pool copied: the image's www.conf (php-src's www.conf.default, pm.max_children = 5): 5, a default;
 *     the same with no CMD: the image's own CMD php-fpm (before: no command, 1*), 5.
 *   deploy/php-fpm.d/ copied onto php-fpm.d: api.conf ([api] ondemand, 3) and zz-tuning.conf ([www] max_children
 *     ${FPM_WORKERS}, ENV FPM_WORKERS=9, loaded after the shipped www.conf's 5): 9 + 3 = 12.
 *   RUN echo "pm.max_children = 16" >> /usr/local/etc/php-fpm.d/www.conf (appended to the shipped [www]): 16.
 *   RUN sed -i 's/pm.max_children = 5/pm.max_children = 24/' on the shipped www.conf: 24.
 *   RUN … | tee -a …/www.conf (not read): 5, starred and warned at the RUN's line.
 *   Debian bookworm with php8.2-fpm under supervisord (`php-fpm8.2 -F` beside nginx), deploy/pool.conf copied to
 *     /etc/php/8.2/fpm/pool.d/www.conf (max_children 7): 7.
 *   php-fpm -D (daemonizes, returns) then `nginx -g 'daemon off;'`, from a script and on a shell-form CMD: PHP-FPM runs
 *     beside nginx, 11 (before: nginx was the process and PHP-FPM a command that had finished: 0, silently).
 *   Alpine's php82-fpm run as `php-fpm82` (no -F, no -D) then `exec php82 artisan queue:work` in a script: php-fpm.conf's
 *     daemonize defaults to yes (php-src php-fpm.conf.in), so PHP-FPM forks away and the worker runs beside it, 6 + 1 = 7
 *     (before: 1*, php-fpm82 taken as finished, php82 unknown); with `daemonize = no` copied in: 6, the worker never runs.
 *   FROM acme/php-nginx:2 (an image whose config conncalc cannot see), CMD php-fpm: 5, starred and warned.
 *   FROM another unseen base with a pool file copied into /usr/local/etc/php-fpm.d ([www] 15): 15, starred (the official
 *     layout assumed: php-fpm.conf includes php-fpm.d/*.conf); with a second pool [api] 3: 18.
 *   The same php-fpm on a buildpack dyno (Procfile `web: heroku-php-nginx public/`): still autotune's 4.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const base = {
  'composer.json': '{"require": {"php": "^8.3", "ext-pdo_pgsql": "*"}}\n',
  'fly.toml': 'app = "ledger"\n\n[http_service]\n  internal_port = 9000\n',
  'public/index.php': "<?php\n$db = new PDO(getenv('DATABASE_URL'));\necho $db->query('select 1')->fetchColumn();\n",
}

const official = (...lines: string[]): string => ['FROM php:8.3-fpm-alpine', 'RUN docker-php-ext-install pdo_pgsql', 'WORKDIR /var/www/html', 'COPY . .', ...lines, 'CMD ["php-fpm"]', ''].join('\n')
const app1 = (dockerfile: string, more: Record<string, string> = {}) => planJson(join(app({...base, Dockerfile: dockerfile, ...more}), 'fly.toml'), ['--limit', '100'])
const starred = (v: {source: {kind: string}; via?: {kind: string}[]}): boolean => v.source.kind === 'assumed' || (v.via ?? []).some((s) => s.kind === 'assumed')
const procs = (r: ReturnType<typeof app1>, type = 'app') => ({assumed: starred(r.type(type).sources.processesPerDyno), value: r.type(type).processesPerDyno})

describe('PHP-FPM in a container image: the pools in the image', () => {
  it('a pool file copied over www.conf: its pm.max_children, 12, cited at its line', () => {
    const r = app1(official('COPY deploy/www.conf /usr/local/etc/php-fpm.d/www.conf'), {'deploy/www.conf': '[www]\nlisten = 9000\npm = static\npm.max_children = 12\n'})
    expect(procs(r)).toMatchObject({assumed: false, value: 12})
    expect(r.type('app').connections).toBe(12)
    expect(JSON.stringify(r.type('app'))).toContain('deploy/www.conf')
  })

  it("no pool copied: the official image's www.conf, 5 (a default, not an assumption); with no CMD the image's own php-fpm runs, said", () => {
    const r = app1(official())
    expect(procs(r)).toMatchObject({assumed: false, value: 5})
    const bare = app1(official().replace('CMD ["php-fpm"]\n', ''))
    expect(procs(bare)).toMatchObject({assumed: false, value: 5})
    expect(bare.diagnostics).toContainEqual(expect.objectContaining({file: 'Dockerfile', line: 1, message: expect.stringContaining('sets no CMD: its base image php:8.3-fpm-alpine runs `php-fpm`'), severity: 'info'}))
  })

  it('a folder of pool files: a later file overrides [www] (with the image ENV) and a second pool adds its own, 9 + 3', () => {
    const r = app1(official('ENV FPM_WORKERS=9', 'COPY deploy/php-fpm.d/ /usr/local/etc/php-fpm.d/'), {
      'deploy/php-fpm.d/api.conf': '[api]\nlisten = 9001\npm = ondemand\npm.max_children = 3\n',
      'deploy/php-fpm.d/zz-tuning.conf': '[www]\npm.max_children = ${FPM_WORKERS}\n',
    })
    expect(procs(r)).toMatchObject({assumed: false, value: 12})
  })

  it("RUN echo … >> www.conf (appended to the shipped [www]): 16; RUN sed -i on it: 24", () => {
    expect(procs(app1(official('RUN echo "pm.max_children = 16" >> /usr/local/etc/php-fpm.d/www.conf')))).toMatchObject({assumed: false, value: 16})
    expect(procs(app1(official("RUN sed -i 's/pm.max_children = 5/pm.max_children = 24/' /usr/local/etc/php-fpm.d/www.conf")))).toMatchObject({assumed: false, value: 24})
  })

  it('a RUN that sets pm.max_children in a way not read: 5, starred, warned at its line', () => {
    const r = app1(official('RUN echo "pm.max_children = 30" | tee -a /usr/local/etc/php-fpm.d/www.conf'))
    expect(procs(r)).toMatchObject({assumed: true, value: 5})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'Dockerfile', line: 5, message: expect.stringContaining('changes pm.max_children in a way conncalc does not read'), severity: 'warning'}))
  })

  it("Debian's php8.2-fpm under supervisord beside nginx: the pool copied to pool.d/www.conf, 7", () => {
    const dockerfile = [
      'FROM debian:bookworm-slim',
      'RUN apt-get update && apt-get install -y php8.2-fpm php8.2-pgsql nginx supervisor',
      'WORKDIR /srv/app',
      'COPY . .',
      'COPY deploy/pool.conf /etc/php/8.2/fpm/pool.d/www.conf',
      'COPY deploy/supervisord.conf /etc/supervisor/conf.d/app.conf',
      'CMD ["supervisord", "-n", "-c", "/etc/supervisor/conf.d/app.conf"]',
      '',
    ].join('\n')
    const r = app1(dockerfile, {
      'deploy/pool.conf': '; the app pool\n[www]\nuser = www-data\nlisten = /run/php/fpm.sock\npm = dynamic\npm.max_children = 7\npm.start_servers = 2\n',
      'deploy/supervisord.conf': '[supervisord]\nnodaemon=true\n\n[program:fpm]\ncommand=/usr/sbin/php-fpm8.2 -F\n\n[program:nginx]\ncommand=nginx -g "daemon off;"\n',
    })
    expect(procs(r)).toMatchObject({assumed: false, value: 7})
    expect(r.type('app').connections).toBe(7)
  })

  it('php-fpm -D (it daemonizes and returns) then nginx in the foreground: PHP-FPM runs beside nginx, 11, in a script and on the CMD line', () => {
    const pool = {'deploy/www.conf': '[www]\npm = dynamic\npm.max_children = 11\n'}
    const script = app1(official('COPY deploy/www.conf /usr/local/etc/php-fpm.d/www.conf').replace('CMD ["php-fpm"]', 'CMD ["sh", "/var/www/html/deploy/start.sh"]'), {...pool, 'deploy/start.sh': '#!/bin/sh\nset -e\nphp-fpm -D\nnginx -g "daemon off;"\n'})
    expect(script.type('app').connections).toBe(11)
    const line = app1(official('COPY deploy/www.conf /usr/local/etc/php-fpm.d/www.conf').replace('CMD ["php-fpm"]', `CMD php-fpm --daemonize && nginx -g 'daemon off;'`), pool)
    expect(line.type('app').connections).toBe(11)
  })

  it("Alpine's php82-fpm started with neither -F nor -D in a script: it daemonizes (php-fpm.conf's daemonize defaults to yes), so the queue worker after it runs too, 6 + 1; with daemonize = no copied in, it stays in front and the worker never starts, 6", () => {
    // Before: php-fpm82 was taken as a command that finished and php82 (Alpine's PHP CLI) as an unknown program: 1*.
    const alpine = (...lines: string[]): string => ['FROM alpine:3.19', 'RUN apk add --no-cache php82 php82-fpm php82-pdo_pgsql', 'WORKDIR /var/www/html', 'COPY . .', 'COPY deploy/www.conf /etc/php82/php-fpm.d/www.conf', ...lines, 'CMD ["sh", "deploy/start.sh"]', ''].join('\n')
    const files = {'deploy/start.sh': '#!/bin/sh\nphp-fpm82\nexec php82 artisan queue:work\n', 'deploy/www.conf': '[www]\nlisten = 127.0.0.1:9000\npm = static\npm.max_children = 6\n'}
    const both = app1(alpine(), files)
    expect(both.type('app').connections).toBe(7)
    expect(both.type('app').server).toBe('artisan-queue')
    const front = app1(alpine('COPY deploy/php-fpm.conf /etc/php82/php-fpm.conf'), {...files, 'deploy/php-fpm.conf': '[global]\ndaemonize = no\ninclude=/etc/php82/php-fpm.d/*.conf\n'})
    expect(front.type('app').connections).toBe(6)
  })

  it("Alpine's php-fpm82 as the image's CMD with neither -F nor -D: it daemonizes and the container's main process exits, said and starred (its 6 workers counted as if in front); with -F: 6, read", () => {
    // Before: 6, unstarred, nothing said (platform25's Left: the daemonize read covered scripts only).
    const alpine = (cmd: string): string => ['FROM alpine:3.19', 'RUN apk add --no-cache php82 php82-fpm php82-pdo_pgsql', 'WORKDIR /var/www/html', 'COPY . .', 'COPY deploy/www.conf /etc/php82/php-fpm.d/www.conf', `CMD ${cmd}`, ''].join('\n')
    const pool = {'deploy/www.conf': '[www]\nlisten = 127.0.0.1:9000\npm = static\npm.max_children = 6\n'}
    const away = app1(alpine('["php-fpm82"]'), pool)
    expect(away.type('app').connections).toBe(6)
    expect(JSON.stringify(away.type('app').sources)).toContain('forks into the background and returns')
    expect(away.diagnostics).toContainEqual(expect.objectContaining({message: expect.stringContaining("`php-fpm82` forks into the background and returns (php-fpm.conf's [global] daemonize, which defaults to yes"), severity: 'warning'}))
    // The same from a script whose last command it is: the script ends, and with it the container.
    const script = app1(alpine('["sh", "deploy/start.sh"]'), {...pool, 'deploy/start.sh': '#!/bin/sh\nset -e\nphp-fpm82\n'})
    expect(script.type('app').connections).toBe(6)
    expect(script.diagnostics).toContainEqual(expect.objectContaining({file: 'deploy/start.sh', line: 3, message: expect.stringContaining('`php-fpm82` forks into the background and returns')}))
    const worker = app1(alpine('["sh", "deploy/start.sh"]'), {...pool, 'deploy/start.sh': '#!/bin/sh\nphp-fpm82\nexec php82 artisan queue:work\n'})
    expect(JSON.stringify(worker.diagnostics)).not.toContain('forks into the background')
    const front = app1(alpine('["php-fpm82", "-F"]'), pool)
    expect(front.type('app').connections).toBe(6)
    expect(JSON.stringify(front.diagnostics)).not.toContain('forks into the background')
    expect(JSON.stringify(front.type('app').sources)).not.toContain('forks into the background')
  })

  it("serversideup/php's FPM image: its own pool file reads pm.max_children = ${PHP_FPM_PM_MAX_CHILDREN}, ENV 20 in the image (not the official image's 5); the app's ENV wins", () => {
    // serversideup/docker-php src/variations/fpm/Dockerfile: FROM php:*-fpm, `rm -rf /usr/local/etc/php-fpm.d/*.conf`, then
    // php-fpm.d/docker-php-serversideup-pool.conf (`pm.max_children = ${PHP_FPM_PM_MAX_CHILDREN}`) and ENV PHP_FPM_PM_MAX_CHILDREN="20".
    // Before: 5, unstarred (its name matched the official php:*-fpm image's).
    const serversideup = (...lines: string[]): string => ['FROM serversideup/php:8.3-fpm-alpine', 'WORKDIR /var/www/html', 'COPY . .', ...lines, 'CMD ["php-fpm"]', ''].join('\n')
    const r = app1(serversideup())
    expect(procs(r)).toMatchObject({assumed: false, value: 20})
    expect(JSON.stringify(r.type('app').sources.processesPerDyno)).toContain('ENV PHP_FPM_PM_MAX_CHILDREN=20')
    expect(procs(app1(serversideup('ENV PHP_FPM_PM_MAX_CHILDREN=8')))).toMatchObject({assumed: false, value: 8})
  })

  it("supervisord's directory= at an image folder a COPY filled from the repository: the program runs from that repository folder", () => {
    // HiEventsDev/Hi.Events Dockerfile.all-in-one's shape: PHP-FPM beside the frontend's SSR server (`directory=/app/frontend`).
    // Its server.js opens no database: 20 + 0. Before: `node server.js` was looked for at the root (1*), and FPM read 5.
    const dockerfile = ['FROM serversideup/php:8.3-fpm-alpine', 'COPY ./frontend /app/frontend', 'WORKDIR /var/www/html', 'COPY . .', 'COPY deploy/supervisord.conf /etc/supervisord.conf', 'CMD ["supervisord", "-c", "/etc/supervisord.conf"]', ''].join('\n')
    const r = app1(dockerfile, {
      'deploy/supervisord.conf': '[supervisord]\nnodaemon=true\n\n[program:php-fpm]\ncommand=/usr/local/sbin/php-fpm -F\n\n[program:ssr]\ncommand=node server.js\ndirectory=/app/frontend\n',
      'frontend/package.json': '{"name": "ssr", "dependencies": {}}\n',
      'frontend/server.js': "require('http').createServer((req, res) => res.end('ok')).listen(3000)\n",
    })
    expect(r.type('app').connections).toBe(20)
    const ssr = r.type('app').extras.find((e: {reason: string}) => e.reason.startsWith('`node server.js`'))
    expect(ssr).toMatchObject({count: 0})
    expect(JSON.stringify(ssr)).toContain('"file":"frontend/server.js"')
    expect(JSON.stringify(ssr)).not.toContain('"assumed"')
  })

  it("supervisord exec'd by a script after `cd /app/backend` (a monorepo's Laravel in backend/): `php /app/backend/artisan queue:work` is artisan's queue worker there, and directory=/app/frontend is frontend/", () => {
    // HiEventsDev/Hi.Events Dockerfile.all-in-one's shape. Hand: FPM 20 (serversideup) + queue worker 1 + SSR server 0 = 21.
    // Before: the worker's path was read from the root once more (`php backend/artisan` inside backend/: unknown, 1*) and
    // `yarn start` read backend/package.json.
    const laravel = (f: string): string => readFileSync(join(fixture('laravel-11-connection'), f), 'utf8')
    const dockerfile = ['FROM serversideup/php:8.3-fpm-alpine', 'COPY ./frontend /app/frontend', 'COPY ./backend /app/backend', 'COPY deploy/supervisord.conf /etc/supervisord.conf', 'COPY deploy/startup.sh /startup.sh', 'WORKDIR /app', 'CMD ["/startup.sh"]', ''].join('\n')
    const r = app1(dockerfile, {
      'backend/artisan': laravel('artisan'),
      'backend/composer.json': laravel('composer.json'),
      'backend/composer.lock': laravel('composer.lock'),
      'backend/config/database.php': laravel('config/database.php'),
      'backend/public/index.php': '<?php\n',
      'deploy/startup.sh': '#!/bin/sh\ncd /app/backend\nphp artisan migrate --force\nexec /usr/bin/supervisord -c /etc/supervisord.conf\n',
      'deploy/supervisord.conf': '[supervisord]\nnodaemon=true\n\n[program:php-fpm]\ncommand=/usr/local/sbin/php-fpm -F\n\n[program:ssr]\ncommand=yarn start\ndirectory=/app/frontend\n\n[program:queue]\ncommand=php /app/backend/artisan queue:work --tries=3\n',
      'frontend/package.json': '{"name": "ssr", "scripts": {"start": "node server.js"}}\n',
      'frontend/server.js': "require('http').createServer((req, res) => res.end('ok')).listen(3000)\n",
    })
    const extras = r.type('app').extras as {count: number; reason: string}[]
    expect(extras.find((e) => e.reason.startsWith('`php artisan queue:work'))).toMatchObject({count: 1})
    expect(JSON.stringify(extras.find((e) => e.reason.startsWith('`yarn start`')))).toContain('"file":"frontend/server.js"')
    expect(r.type('app').connections).toBe(21)
    expect(r.codes).not.toContain('unknown-command')
  })

  it("a base image whose PHP-FPM config conncalc cannot see: 5, starred and warned naming the image", () => {
    const r = app1(['FROM acme/php-nginx:2', 'WORKDIR /app', 'COPY . .', 'CMD ["php-fpm"]', ''].join('\n'))
    expect(procs(r)).toMatchObject({assumed: true, value: 5})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'Dockerfile', message: expect.stringContaining('acme/php-nginx:2'), severity: 'warning'}))
  })

  // pelican-dev/panel's shape: FROM its own base image (built elsewhere FROM php:*-fpm-alpine), a pool file copied into
  // /usr/local/etc/php-fpm.d that overrides [www]: read as the official image's layout would load it, 15, starred.
  // A second pool ([api], 3) beside it keeps the assumed shipped www.conf's [www] overridden: 15 + 3 = 18.
  it('FROM an image conncalc cannot see, a pool file copied into php-fpm.d overriding [www] (max_children 15): 15, starred and warned; with a second pool [api] 3: 18', () => {
    const dockerfile = (...copies: string[]) => ['FROM registry.local/base-php:8.5', 'WORKDIR /var/www/html', 'COPY . .', ...copies, 'CMD ["php-fpm", "-F"]', ''].join('\n')
    const pool = {'docker/php/app-pool.conf': '[www]\npm = dynamic\npm.max_children = 15\npm.start_servers = 4\n'}
    const r = app1(dockerfile('COPY docker/php/app-pool.conf /usr/local/etc/php-fpm.d/zz-app.conf'), pool)
    expect(procs(r)).toMatchObject({assumed: true, value: 15})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'Dockerfile', message: expect.stringContaining('registry.local/base-php:8.5'), severity: 'warning'}))
    const two = app1(dockerfile('COPY docker/php/app-pool.conf /usr/local/etc/php-fpm.d/zz-app.conf', 'COPY docker/php/api.conf /usr/local/etc/php-fpm.d/api.conf'), {...pool, 'docker/php/api.conf': '[api]\npm = ondemand\npm.max_children = 3\n'})
    expect(procs(two)).toMatchObject({assumed: true, value: 18})
  })

  it('on a buildpack dyno heroku-php-nginx is still sized by autotune: 4 on a Standard-1X', () => {
    const dir = app({...base, Procfile: 'web: heroku-php-nginx public/\n'})
    expect(procs(planJson(join(dir, 'Procfile'), ['--limit', '100', '--scale', 'web=1:standard-1x']), 'web')).toMatchObject({assumed: false, value: 4})
  })
})
