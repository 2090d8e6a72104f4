/**
 * heroku-php-nginx / heroku-php-apache2 size PHP-FPM with the memory_limit the app sets, not always 128M: the boot
 * script feeds the FPM config's php_value / php_admin_value[memory_limit] lines (its `-F` include counts) and the
 * document root's .user.ini to bin/util/autotune.php, which returns min(⌊RAM ÷ limit⌋, ⌈log2(RAM ÷ 128M)⌉ × cores × 2
 * × 128M ÷ limit), at least 1 (heroku-buildpack-php bin/heroku-php-nginx, bin/util/autotune.php). Made-up apps on a
 * standard-1x dyno (512 MB, 8 CPUs; ⌈log2(512M ÷ 128M)⌉ = 2), one PDO connection per child:
 * - `-F fpm_custom.conf` with php_value[memory_limit] = 256M: min(2, 2 × 8 × 2 × ½ = 16) = 2. Before: 4.
 * - public/.user.ini memory_limit = 64M (document root public/): min(8, 2 × 8 × 2 × 2 = 64) = 8. Before: 4.
 * - php_admin_value[memory_limit] = 512M in the -F file beats a .user.ini 64M: min(1, 8) = 1.
 * - memory_limit = -1 in .user.ini: autotune's count falls below 1, the boot script takes 1.
 * - an FPM include the Procfile does not pass (-F missing) is not read: 4.
 */
import {describe, expect, it} from 'vitest'
import {join} from 'node:path'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const laravel = (procfile: string, more: Record<string, string>) =>
  app({
    'Procfile': procfile,
    'composer.json': '{"require": {"php": "^8.3", "laravel/framework": "^11.0"}}\n',
    'config/database.php': "<?php\nreturn [\n    'default' => env('DB_CONNECTION', 'pgsql'),\n    'connections' => [\n        'pgsql' => ['driver' => 'pgsql', 'url' => env('DATABASE_URL')],\n    ],\n];\n",
    'public/index.php': '<?php\n',
    ...more,
  })

const web = (dir: string) => planJson(join(dir, 'Procfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x']).type('web')

describe('PHP-FPM children follow the memory_limit the app sets', () => {
  it('a php_value[memory_limit] in the -F include: 512M ÷ 256M = 2 children', () => {
    const t = web(laravel('web: vendor/bin/heroku-php-nginx -C nginx.conf -F fpm_custom.conf public/\n', {'fpm_custom.conf': 'php_value[upload_max_filesize] = 50M\nphp_value[memory_limit] = 256M\n', 'nginx.conf': 'location / {}\n'}))
    expect(t).toMatchObject({connections: 2, processesPerDyno: 2, server: 'heroku-php-nginx'})
    const s = t.sources.processesPerDyno
    expect(s.source.what).toContain('memory_limit 256M')
    expect(s.via).toContainEqual(expect.objectContaining({file: 'fpm_custom.conf', line: 2}))
  })

  it('the document root\'s .user.ini: memory_limit 64M gives min(8, 64) = 8 children', () => {
    const t = web(laravel('web: vendor/bin/heroku-php-apache2 public/\n', {'public/.user.ini': '; set for the image uploads\nmemory_limit = 64M\n'}))
    expect(t).toMatchObject({connections: 8, processesPerDyno: 8})
    expect(t.sources.processesPerDyno.via).toContainEqual(expect.objectContaining({file: 'public/.user.ini', line: 2}))
  })

  it('php_admin_value in the FPM include wins over .user.ini: 512M gives 1 child', () => {
    const t = web(laravel('web: vendor/bin/heroku-php-nginx -F conf/fpm.conf public/\n', {'conf/fpm.conf': 'php_admin_value[memory_limit] = 512M\n', 'public/.user.ini': 'memory_limit = 64M\n'}))
    expect(t).toMatchObject({connections: 1, processesPerDyno: 1})
  })

  it('memory_limit -1 leaves autotune below 1: the boot script runs 1 child', () => {
    const t = web(laravel('web: vendor/bin/heroku-php-apache2 public/\n', {'public/.user.ini': 'memory_limit=-1\n'}))
    expect(t).toMatchObject({connections: 1, processesPerDyno: 1})
    expect(t.sources.processesPerDyno.source.what).toContain('memory_limit -1')
  })

  it('an FPM config the command does not pass is not read: 512M ÷ 128M = 4', () => {
    const t = web(laravel('web: vendor/bin/heroku-php-nginx -C nginx.conf public/\n', {'fpm_custom.conf': 'php_value[memory_limit] = 256M\n', 'nginx.conf': 'location / {}\n'}))
    expect(t).toMatchObject({connections: 4, processesPerDyno: 4})
  })
})
