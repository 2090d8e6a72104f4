/**
 * render.yaml services that run a prebuilt image (`runtime: image`, ghcr.io/acme/shop:latest) which the repository's
 * own workflow builds (test/fixtures/render-image-workflow, the shape of polarsource/polar): .github/workflows/deploy.yml
 * has docker/metadata-action `images: ghcr.io/acme/shop` and docker/build-push-action `context: ./server`, `tags:
 * ${{ steps.meta.outputs.tags }}` (github.com/docker/build-push-action#inputs: `file` defaults to {context}/Dockerfile).
 * So the services run server/Dockerfile's image:
 * - api: its CMD, gunicorn --workers 3 (sync, one thread): 3 × 1 = 3.
 * - jobs: the service's dockerCommand over the CMD, celery --concurrency 4 (prefork): 4 × 1 = 4. Total 7.
 * Was: each an unknown prebuilt image, 1* (total 2*). "other": the workflow builds another image (ghcr.io/acme/docs),
 * so the services stay unknown, 1*, as before.
 * fly.toml's `[build] image` is read the same way: its default group app runs server/Dockerfile's CMD, gunicorn 3 × 1 = 3
 * (was an unknown prebuilt image, 1*).
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const plan = (v: string) => planJson(fixture(`render-image-workflow/${v}/render.yaml`), ['--plan', 'standard-0'])

describe("render.yaml runtime: image built by the repository's workflow", () => {
  it('read from the workflow\'s Dockerfile: api 3 × 1, jobs (dockerCommand) 4 × 1, total 7', () => {
    const r = plan('built')
    expect(r.type('api')).toMatchObject({connectionsPerDyno: 3, processesPerDyno: 3, server: 'gunicorn'})
    expect(r.type('jobs')).toMatchObject({connectionsPerDyno: 4, processesPerDyno: 4, server: 'celery'})
    expect(r.total).toBe(7)
    expect(r.diagnostics.find((d) => d.code === 'image-built-here' && d.processType === 'api')).toMatchObject({file: '.github/workflows/deploy.yml', line: 26, severity: 'info'})
    expect(r.codes).not.toContain('unknown-command')
  })

  it('an image no workflow of the repository builds stays unknown, 1* each', () => {
    const r = plan('other')
    expect(r.type('api').server).toBe('unknown')
    expect(r.codes).toContain('unknown-command')
    expect(r.codes).not.toContain('image-built-here')
  })
})

describe("fly.toml [build] image built by the repository's workflow", () => {
  const {app} = tempApps('render-image-workflow/built')
  it("the default group app runs the workflow's Dockerfile's CMD: gunicorn 3 × 1", () => {
    const dir = app({'fly.toml': 'app = "shop"\n\n[build]\n  image = "ghcr.io/acme/shop:latest"\n\n[http_service]\n  internal_port = 8000\n'})
    const r = planJson(`${dir}/fly.toml`, ['--plan', 'standard-0'])
    expect(r.type('app')).toMatchObject({connectionsPerDyno: 3, processesPerDyno: 3, server: 'gunicorn'})
    expect(r.diagnostics.find((d) => d.code === 'image-built-here')).toMatchObject({file: '.github/workflows/deploy.yml', line: 26, severity: 'info'})
    expect(r.codes).not.toContain('unknown-command')
  })
})
