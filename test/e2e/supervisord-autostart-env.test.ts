/**
 * supervisord's `autostart=%(ENV_ENABLE_WEB)s` (test/fixtures/supervisord-autostart-env; hypothesis/h's shape): the
 * value is expanded from supervisord's environment before the boolean is read; a name with no value stops supervisord
 * as it reads its config ("Format string … contains names … which cannot be expanded", supervisor/options.py), so no
 * program starts. [program:web] gunicorn --workers 2 and [program:worker] gunicorn --workers 1, each process
 * min(pool 2, 1 thread) = 1.
 * - ENABLE_WEB=true: 2 + 1 = 3, nothing said. ENABLE_WEB=false: the worker alone, 1.
 * - ENABLE_WEB unset: counted as started (3), with a warning that supervisord would exit (was: 3, nothing said).
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'

const plan = (...env: string[]) => planJson(`${fixture('supervisord-autostart-env')}/Procfile`, ['--plan', 'standard-0', '--scale', 'web=1', ...env])

describe('supervisord autostart from an env var (test/fixtures/supervisord-autostart-env)', () => {
  it('starts [program:web] when the var says so, and not when it is false', () => {
    const on = plan('--env', 'ENABLE_WEB=true')
    expect(on.total).toBe(3)
    expect(on.codes).not.toContain('unresolved-env')
    expect(plan('--env', 'ENABLE_WEB=false').total).toBe(1)
  })

  it('says that supervisord cannot start when the var has no value', () => {
    const r = plan()
    expect(r.total).toBe(3)
    const d = r.diagnostics.find((x) => x.code === 'unresolved-env')
    expect(d).toMatchObject({file: 'supervisord.conf', line: 6, processType: 'web', severity: 'warning'})
    expect(d?.message).toBe('web: [program:web] autostart uses %(ENV_ENABLE_WEB)s, which has no value here: supervisord cannot expand it and exits before it starts any program; conncalc counts [program:web] as started')
  })
})
