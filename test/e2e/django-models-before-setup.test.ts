/**
 * A Django ASGI module that imports the app's models (through its routing and consumers) before it calls
 * get_asgi_application(): the model classes are made before django.setup() populated the app registry, and
 * Apps.check_apps_ready raises AppRegistryNotReady (django/apps/registry.py), so daphne's import of the module fails
 * and the process exits at start. Channels' deploying guide calls get_asgi_application() first "to ensure the
 * AppRegistry is populated before importing code that may import ORM models". Said, and counted as if it ran,
 * starred. The shape of 1155-boni/queueflow@8315fc99961d (backend/queueflow/asgi.py: `import queues.routing` above
 * ProtocolTypeRouter({"http": get_asgi_application(), …})): its daphne worker was counted unstarred in processes.
 *
 * The app (test/fixtures/django-channels-models-early): web gunicorn --workers 2 --threads 2, Django with no pool, one
 * connection per thread: 2 × 2 = 4; ws daphne, one process, Django over ASGI with no pool: 1 (assumed) → total 5.
 */
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps('django-channels-models-early')
const asgi = (): string => readFileSync(`${fixture('django-channels-models-early')}/board/asgi.py`, 'utf8')
const said = (r: ReturnType<typeof planJson>): string | undefined => r.diagnostics.find((d) => d.code === 'missing-config' && d.message.includes('before it calls'))?.message
const processesStarred = (r: ReturnType<typeof planJson>, type: string): boolean => r.type(type).sources.processesPerDyno?.via?.some((v: {kind: string}) => v.kind === 'assumed') === true

describe('Django models imported before get_asgi_application() (test/fixtures/django-channels-models-early)', () => {
  it('daphne: said with the import chain and the setup line, its process starred; web (wsgi.py sets up first) not', () => {
    const r = planJson(`${fixture('django-channels-models-early')}/Procfile`, ['--scale', 'web=1', 'ws=1'])
    expect(r.total).toBe(5)
    expect(said(r)).toContain('ws: daphne imports board/asgi.py, which imports tickets/models.py (board/asgi.py:6 imports tickets/routing.py, tickets/routing.py:3 imports tickets/consumers.py, tickets/consumers.py:4 imports tickets/models.py) before it calls get_asgi_application() at board/asgi.py:12')
    expect(said(r)).toContain('AppRegistryNotReady')
    expect(processesStarred(r, 'ws')).toBe(true)
    expect(processesStarred(r, 'web')).toBe(false)
    expect(r.type('web').connectionsPerDyno).toBe(4)
  })

  it('get_asgi_application() called first, then the routing imported (Channels\' order): nothing said', () => {
    const fixed = asgi()
      .replace('import tickets.routing\n\n', '')
      .replace('application = ProtocolTypeRouter(', 'django_asgi_app = get_asgi_application()\n\nimport tickets.routing  # noqa: E402\n\napplication = ProtocolTypeRouter(')
      .replace('"http": get_asgi_application(),', '"http": django_asgi_app,')
    const r = planJson(`${app({'board/asgi.py': fixed})}/Procfile`, ['--scale', 'web=1', 'ws=1'])
    expect(said(r)).toBeUndefined()
    expect(processesStarred(r, 'ws')).toBe(false)
    expect(r.total).toBe(5)
  })

  it("a django.contrib app's models imported above the call (from django.contrib.auth.models import User): said", () => {
    const early = asgi().replace('import tickets.routing\n', 'from django.contrib.auth.models import User  # noqa: F401\n')
    const r = planJson(`${app({'board/asgi.py': early})}/Procfile`, ['--scale', 'web=1', 'ws=1'])
    expect(said(r)).toContain('ws: daphne imports board/asgi.py, which imports django.contrib.auth.models (board/asgi.py:6 imports django.contrib.auth.models) before it calls get_asgi_application() at board/asgi.py:12')
    expect(processesStarred(r, 'ws')).toBe(true)
  })
})
