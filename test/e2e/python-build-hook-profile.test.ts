/**
 * What the Python buildpack's build hooks write to $PROFILE_PATH (its .profile.d/python.sh, sourced at dyno start) is
 * what the dynos see; what a hook only exports in its own shell is not (fixture python-build-hook-profile).
 * bin/post_compile: `export SHOP_WORKERS=9` (the build step's shell only), then
 * `echo 'export SHOP_WORKERS="${SHOP_WORKERS:-3}"' >> $PROFILE_PATH` and a heredoc appending
 * `export CELERY_CONCURRENCY="\${CELERY_CONCURRENCY:-4}"` (the build writes a literal `$`), and
 * `echo "export BUILT_AT=$(date +%s)"` (expanded at build time: not read).
 * web: gunicorn --workers "$SHOP_WORKERS" = 3 (not 9), sync, Django's one connection per thread: 3;
 * worker: celery prefork --concurrency "$CELERY_CONCURRENCY" = 4: 4. Total 7 (was 2* + 8*: both variables unset).
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('exports a build hook writes to $PROFILE_PATH (fixture python-build-hook-profile)', () => {
  it('reads them at dyno start; a build-only export is not seen', () => {
    const r = planJson(procfileOf('python-build-hook-profile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x,worker=1:standard-1x'])
    expect([r.type('web').processesPerDyno, r.type('web').connections, r.type('worker').processesPerDyno, r.type('worker').connections, r.total]).toEqual([3, 3, 4, 4, 7])
    expect(r.type('web').sources.processesPerDyno.via).toEqual([{from: 'bin/post_compile:8', kind: 'env', name: 'SHOP_WORKERS'}])
    expect(r.type('worker').sources.processesPerDyno.via).toEqual([{from: 'bin/post_compile:11', kind: 'env', name: 'CELERY_CONCURRENCY'}])
  })
})
