/**
 * Django management commands that never query (fixture django-command-no-query). Before, every command found in the app
 * was counted as one thread holding a connection per DATABASES alias, read, not assumed (mozilla-services/tecken's
 * disk_manager, `manage.py remove_orphaned_files --skip-checks`, which only deletes files: 1 counted, 0 by hand). Django
 * connects only when code queries (django/db/backends/base/base.py: cursor() → ensure_connection()), so a command whose
 * module (every function of it) and the app modules it imports import no ORM, models, django.db or database library
 * opens none. The system checks Django runs first (unless --skip-checks) are those of every installed app, not read:
 * then the 0 is an assumption.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

describe('a Django command that never queries', () => {
  const r = planJson(procfileOf('django-command-no-query'), ['--plan', 'standard-0'])
  const starred = (type: string): boolean => [r.type(type).sources.threadsPerProcess.source, ...(r.type(type).sources.threadsPerProcess.via ?? [])].some((s) => s.kind === 'assumed')

  it('sweep_uploads --skip-checks: files and statsd only: 0, read', () => {
    expect(r.type('sweeper')).toMatchObject({connections: 0, server: 'django-command', threadsPerProcess: 0})
    expect(starred('sweeper')).toBe(false)
    expect(JSON.stringify(r.type('sweeper').sources.threadsPerProcess)).toContain('shop/management/commands/sweep_uploads.py and the 3 app modules it imports import no ORM, models, django.db or database library and name no query: this command opens no PostgreSQL connection; the installed packages it imports (statsd) are not read')
  })

  it('warm_thumbnails, system checks not skipped: 0, starred, saying the installed apps\' checks are not read', () => {
    expect(r.type('warmer')).toMatchObject({connections: 0, threadsPerProcess: 0})
    expect(starred('warmer')).toBe(true)
    expect(JSON.stringify(r.type('warmer').sources.threadsPerProcess)).toContain('Django runs the system checks before handle() (no --skip-checks)')
  })

  it('send_digest imports a model, audit_files inside handle(): 1 each, as before', () => {
    expect(r.type('digest')).toMatchObject({connections: 1, threadsPerProcess: 1})
    expect(r.type('audit')).toMatchObject({connections: 1, threadsPerProcess: 1})
    // gunicorn --workers 2, sync: 2 × 1 = 2; the two commands that query 1 each.
    expect(r.total).toBe(4)
  })
})
