/**
 * Render's heroku-import image: a render.yaml Docker service whose Dockerfile builds the app with Heroku's buildpacks
 * (FROM …/heroku-app-builder, then …/heroku-app-runner) and runs `/render/process/web` behind ENTRYPOINT
 * `/render/setup-env`. That command is the Procfile's web line, run after the buildpacks' .profile.d scripts (the
 * Dockerfile heroku-import writes says so in its comments). Before, `/render/setup-env` was an unknown command, 1*.
 *
 * App (temp, made up): Django + gunicorn (`web: gunicorn shop.wsgi`), one DATABASES alias, no threads; render.yaml
 * service `shop` (plan standard: 2 GB, 1 CPU; numInstances 2) and `tick` (dockerCommand /render/process/clock, no
 * clock line in the Procfile).
 *   shop: the Python buildpack's WEB_CONCURRENCY on 2048 MB and 1 CPU = min(1 × 2 + 1, 2048 ÷ 256) = 3 workers ×
 *     1 connection = 3 per instance × 2 = 6.
 *   --scale shop=2:standard-2x (1024 MB, 8 CPUs): min(17, 4) = 4 → 8.
 *   A .profile.d script exporting WEB_CONCURRENCY=5 (sourced by /render/setup-env): 5 → 10.
 *   tick: no clock type in the Procfile: unknown, said.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const dockerfile = [
  'ARG HEROKU_STACK=v4-heroku-22',
  'FROM ghcr.io/renderinc/heroku-app-builder:${HEROKU_STACK} AS builder',
  'RUN /render/build-scripts/apply-buildpacks.py ${HEROKU_STACK}',
  'RUN if [[ -f /app/Procfile ]]; then /render/build-scripts/create-process-types "/app/Procfile"; fi;',
  'FROM ghcr.io/renderinc/heroku-app-runner:${HEROKU_STACK} AS runner',
  'COPY --from=builder --chown=1000:1000 /render /render/',
  'COPY --from=builder --chown=1000:1000 /app /app/',
  'USER 1000:1000',
  'WORKDIR /app',
  'ENTRYPOINT [ "/render/setup-env" ]',
  'CMD [ "/render/process/web" ]',
  '',
].join('\n')

const blueprint = [
  'services:',
  '  - type: web',
  '    name: shop',
  '    env: docker',
  '    dockerfilePath: Dockerfile.render',
  '    plan: standard',
  '    numInstances: 2',
  '    envVars:',
  '      - key: DATABASE_URL',
  '        fromDatabase:',
  '          name: shop-db',
  '          property: connectionString',
  '  - type: worker',
  '    name: tick',
  '    env: docker',
  '    dockerfilePath: Dockerfile.render',
  '    dockerCommand: /render/process/clock',
  'databases:',
  '  - name: shop-db',
  '',
].join('\n')

const files = {
  'Dockerfile.render': dockerfile,
  Procfile: 'web: gunicorn shop.wsgi --log-file -\n',
  'manage.py': "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n",
  'render.yaml': blueprint,
  'requirements.txt': 'django==5.0.6\ngunicorn==23.0.0\npsycopg2-binary==2.9.9\n',
  'shop/__init__.py': '',
  'shop/settings.py': "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': 'shop'}}\n",
  'shop/wsgi.py': "import os\nfrom django.core.wsgi import get_wsgi_application\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\napplication = get_wsgi_application()\n",
}

describe("Render's heroku-import image", () => {
  it("runs the Procfile's web line with the Python buildpack's WEB_CONCURRENCY for the instance: 3 × 2 instances = 6", () => {
    const r = planJson(join(app(files), 'render.yaml'), ['--limit', '100'])
    expect(r.type('shop')).toMatchObject({connections: 6, dynos: 2, processesPerDyno: 3, server: 'gunicorn'})
    expect(r.diagnostics).toContainEqual(expect.objectContaining({file: 'Dockerfile.render', line: 10, message: expect.stringContaining("Render's heroku-import image: `/render/setup-env /render/process/web` runs Procfile's web line")}))
    expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-command', file: 'render.yaml', line: 17, processType: 'tick'}))
    expect(r.diagnostics.find((d) => d.processType === 'tick' && d.code === 'unknown-command')?.message).toContain('Procfile has no clock type')
  })

  it('sizes the buildpack by --scale when a dyno size is given: standard-2x → 4 workers × 2 = 8', () => {
    const r = planJson(join(app(files), 'render.yaml'), ['--limit', '100', '--scale', 'shop=2:standard-2x', '--scale', 'tick=0'])
    expect(r.type('shop')).toMatchObject({connections: 8, processesPerDyno: 4})
  })

  it('reads the .profile.d scripts /render/setup-env sources: WEB_CONCURRENCY=5 → 10', () => {
    const r = planJson(join(app({...files, '.profile.d/concurrency.sh': 'export WEB_CONCURRENCY=5\n'}), 'render.yaml'), ['--limit', '100'])
    expect(r.type('shop')).toMatchObject({connections: 10, processesPerDyno: 5})
  })

  // heroku-import v4's builder applies the buildpacks .render-buildpacks.json lists (its CLI writes the Heroku app's there,
  // https://render.com/docs/migrate-from-heroku), and the last language buildpack's .profile.d script sets WEB_CONCURRENCY.
  // With no list, the web line's gunicorn makes it Python's: 3 → 6. Listed python then nodejs (assets built by Node last),
  // Node's is the last: 2048 MB ÷ 512 = 4 → 8.
  it('reads the buildpack list of .render-buildpacks.json: python then nodejs, Node sets WEB_CONCURRENCY 4 → 8 (Python alone: 3 → 6)', () => {
    const both = {...files, 'package.json': '{"name": "shop-assets", "scripts": {"build": "echo"}}\n'}
    expect(planJson(join(app(both), 'render.yaml'), ['--limit', '100']).type('shop')).toMatchObject({connections: 6, processesPerDyno: 3})
    const listed = {...both, '.render-buildpacks.json': '{\n  "buildpacks": [\n    "heroku/python",\n    "heroku/nodejs"\n  ]\n}\n'}
    const r = planJson(join(app(listed), 'render.yaml'), ['--limit', '100', '--explain'])
    expect(r.type('shop')).toMatchObject({connections: 8, processesPerDyno: 4})
  })
})
