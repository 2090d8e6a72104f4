/**
 * A php-fpm binary run directly on a buildpack dyno (test/fixtures/php-fpm-direct; La Suite calendars' SabreDAV runs
 * `.php/usr/sbin/php-fpm8.3 -n -c … --fpm-config /app/sabredav/php-fpm.conf --nodaemonize` from its start script): no
 * heroku-php-nginx/apache2 boot script autotunes it, so its workers are its config's pm.max_children over the pools
 * (/app is the dyno's home: /app/conf/php-fpm.conf is the app's conf/php-fpm.conf). Before, heroku/php's autotune
 * (4 on standard-1x) was taken, unstarred, for both.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = () => planJson(procfileOf('php-fpm-direct'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', 'api=1:standard-1x'])
const starred = (sources: unknown): boolean => JSON.stringify(sources).includes('"kind":"assumed"')

describe('php-fpm run directly on a buildpack dyno', () => {
  const r = plan()

  it('web: --fpm-config /app/conf/php-fpm.conf: pools [www] 4 + [reports] 3 = 7 workers, read', () => {
    expect(r.type('web')).toMatchObject({connectionsPerDyno: 7, processesPerDyno: 7})
    expect(starred(r.type('web').sources.processesPerDyno)).toBe(false)
  })

  it('api: no -y: php-src\'s default www.conf (5) assumed, starred and said', () => {
    expect(r.type('api')).toMatchObject({processesPerDyno: 5})
    expect(starred(r.type('api').sources.processesPerDyno)).toBe(true)
    expect(r.diagnostics.some((d) => d.code === 'unknown-config-value' && d.message.startsWith('api: php-fpm is run without -y/--fpm-config'))).toBe(true)
    expect(r.total).toBe(12)
  })
})
