/**
 * dj-email-url's README shortcut, `vars().update(dj_email_url.config())`, writes the settings module's namespace with
 * a dict whose keys are all EMAIL_* (dj_email_url.py parse()): DATABASES, set before, stays what it was. mdn/kuma's
 * settings do it through python-decouple, `vars().update(config('EMAIL_URL', default='console://', cast=dj_email_url.parse))`.
 */
import {describe, expect, it} from 'vitest'

import {planJson, procfileOf} from '../helpers/cli.js'

const plan = (v: string) => planJson(procfileOf(`django-email-url-vars${v}`), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x'])

describe('Django settings that update vars() from dj-email-url (fixture django-email-url-vars)', () => {
  it('vars().update(email_config): the Django pool is still read (3 workers x min(max_size 4, 8 threads) = 12), no DATABASES warning', () => {
    const r = plan('')
    expect(r.total).toBe(12)
    expect(r.type('web')).toMatchObject({connections: 12, poolPerProcess: 4, processesPerDyno: 3, threadsPerProcess: 8})
    expect(r.diagnostics.filter((d) => d.code === 'unknown-config-value')).toEqual([])
  })

  it("decouple's config('EMAIL_URL', cast=dj_email_url.parse): the pool's max_size 5 from DB_POOL_MAX's default (3 x 5 = 15)", () => {
    const r = plan('/decouple')
    expect(r.total).toBe(15)
    expect(r.type('web')).toMatchObject({poolPerProcess: 5})
    expect(r.diagnostics.some((d) => d.message.includes('cannot read DATABASES'))).toBe(false)
  })
})
