/**
 * PHP in the official php:*-apache images: Apache with mod_php and the prefork MPM (the image's Dockerfile:
 * `a2dismod mpm_event && a2enmod mpm_prefork`, `CMD ["apache2-foreground"]`), so each PHP request runs in a prefork
 * child, one at a time, with at most one PDO connection; Apache starts up to MaxRequestWorkers children, 150 in Debian's
 * /etc/apache2/mods-available/mpm_prefork.conf (languages/php/apache-prefork.ts). Before: `apache2-foreground` (or a
 * Dockerfile with no CMD) was an unknown program, 1 process × 1 connection, starred.
 *
 * App (temp, made up): composer.json, public/index.php (PDO pgsql), fly.toml with no [processes] (the image's CMD).
 *   FROM php:8.2-apache, no CMD: the image's apache2-foreground, 150 (Debian's default).
 *   CMD ["apache2-foreground"], deploy/mpm_prefork.conf copied over the image's (MaxRequestWorkers 20): 20, at its line.
 *   RUN sed -i 's/MaxRequestWorkers\t  150/MaxRequestWorkers\t  40/' /etc/apache2/mods-available/mpm_prefork.conf: 40.
 *   deploy/tuning.conf copied into conf-enabled/ (`<IfModule mpm_prefork_module> MaxRequestWorkers 12`, read after
 *     mods-enabled/): 12; a MaxRequestWorkers inside `<IfModule mpm_event_module>` is another MPM's, not read.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const base = {
  'composer.json': '{"require": {"php": "^8.2", "ext-pdo_pgsql": "*"}}\n',
  'fly.toml': 'app = "ledger"\n\n[http_service]\n  internal_port = 80\n',
  'public/index.php': "<?php\n$db = new PDO(getenv('DATABASE_URL'));\necho $db->query('select 1')->fetchColumn();\n",
}

const dockerfile = (...lines: string[]): string => ['FROM php:8.2-apache', 'RUN docker-php-ext-install pdo_pgsql', 'COPY . /var/www/html/', ...lines, ''].join('\n')
const run = (file: string, more: Record<string, string> = {}) => planJson(join(app({...base, Dockerfile: file, ...more}), 'fly.toml'), ['--limit', '500'])

describe('PHP in a php:*-apache image: Apache prefork children', () => {
  it("no CMD: the image's apache2-foreground, Debian's MaxRequestWorkers 150, a default", () => {
    const r = run(dockerfile())
    expect(r.type('app')).toMatchObject({command: 'apache2-foreground', connections: 150, processesPerDyno: 150, server: 'apache2-foreground', threadsPerProcess: 1})
    expect(r.type('app').sources.processesPerDyno.source).toMatchObject({kind: 'default'})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({message: expect.stringContaining('its base image php:8.2-apache runs `apache2-foreground`')}))
  })

  it('mpm_prefork.conf copied over the image\'s: its MaxRequestWorkers, 20, cited', () => {
    const conf = '<IfModule mpm_prefork_module>\n\tStartServers 2\n\tMaxRequestWorkers 20\n</IfModule>\n'
    const r = run(dockerfile('COPY deploy/mpm_prefork.conf /etc/apache2/mods-available/mpm_prefork.conf', 'CMD ["apache2-foreground"]'), {'deploy/mpm_prefork.conf': conf})
    expect(r.type('app')).toMatchObject({connections: 20, processesPerDyno: 20})
    expect(r.type('app').sources.processesPerDyno.source).toMatchObject({file: 'deploy/mpm_prefork.conf', kind: 'file', line: 3})
  })

  it("a sed edit of the image's mpm_prefork.conf: 40, at the RUN", () => {
    const r = run(dockerfile("RUN sed -i 's/MaxRequestWorkers\\t  150/MaxRequestWorkers\\t  40/' /etc/apache2/mods-available/mpm_prefork.conf"))
    expect(r.type('app')).toMatchObject({connections: 40, processesPerDyno: 40})
    expect(r.type('app').sources.processesPerDyno.source).toMatchObject({file: 'Dockerfile', kind: 'file', line: 4})
  })

  it("a conf-enabled file read after the MPM's: 12; another MPM's section is not prefork's", () => {
    const conf = '<IfModule mpm_event_module>\n  MaxRequestWorkers 400\n</IfModule>\n<IfModule mpm_prefork_module>\n  MaxRequestWorkers 12\n</IfModule>\n<IfModule mpm_worker_module>\n  MaxRequestWorkers 300\n</IfModule>\n'
    const r = run(dockerfile('COPY deploy/tuning.conf /etc/apache2/conf-enabled/tuning.conf'), {'deploy/tuning.conf': conf})
    expect(r.type('app')).toMatchObject({connections: 12, processesPerDyno: 12})
  })
})
