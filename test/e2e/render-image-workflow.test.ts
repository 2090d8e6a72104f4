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

describe("an image the workflow names through env, the github context, a secret owner or a digest push", () => {
  const {app} = tempApps('render-image-workflow/built')
  // The fixture's workflow replaced: the image named as rajnandan1/kener and sourcebot-dev/sourcebot's workflows name theirs.
  const workflow = (images: string, extra = '') =>
    [
      'name: Publish',
      'on: {push: {branches: [main]}}',
      'env:',
      '  DOCKERHUB_IMAGE_NAME: ${{ secrets.DOCKER_USERNAME }}/${{ github.event.repository.name }}',
      '  GITHUB_IMAGE_NAME: ${{ github.repository }}',
      '  REGISTRY_IMAGE: ghcr.io/acme/shop',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - id: meta',
      '        uses: docker/metadata-action@v5',
      '        with:',
      '          images: |',
      ...images.split('\n').map((l) => `            ${l}`),
      '      - uses: docker/build-push-action@v6',
      '        with:',
      '          context: ./server',
      '          push: true',
      '          tags: ${{ steps.meta.outputs.tags }}',
      extra,
    ].join('\n')
  const render = (image: string) => `services:\n  - type: web\n    name: api\n    runtime: image\n    image:\n      url: ${image}\n`
  const pkg = JSON.stringify({name: 'shop', repository: {type: 'git', url: 'https://github.com/acme/shop.git'}})

  it('`${{ env.X }}` holding `ghcr.io/${{ github.repository }}` (package.json names acme/shop): the workflow\'s Dockerfile, gunicorn 3 × 1', () => {
    const dir = app({'.github/workflows/deploy.yml': workflow('${{ env.DOCKERHUB_IMAGE_NAME }}\nghcr.io/${{ env.GITHUB_IMAGE_NAME }}'), 'package.json': pkg, 'render.yaml': render('ghcr.io/acme/shop:latest')})
    const r = planJson(`${dir}/render.yaml`, ['--plan', 'standard-0'])
    expect(r.type('api')).toMatchObject({connectionsPerDyno: 3, processesPerDyno: 3, server: 'gunicorn'})
    expect(r.diagnostics.find((d) => d.code === 'image-built-here')?.message).not.toMatch(/secret/)
  })

  it('Docker Hub under an owner kept in a secret: the same image when render.yaml\'s is named after this repository, and said', () => {
    const dir = app({'.github/workflows/deploy.yml': workflow('${{ env.DOCKERHUB_IMAGE_NAME }}'), 'package.json': pkg, 'render.yaml': render('docker.io/acme/shop:latest')})
    const r = planJson(`${dir}/render.yaml`, ['--plan', 'standard-0'])
    expect(r.type('api')).toMatchObject({connectionsPerDyno: 3, server: 'gunicorn'})
    expect(r.diagnostics.find((d) => d.code === 'image-built-here')?.message).toMatch(/it pushes \$\{\{ secrets\.DOCKER_USERNAME \}\}\/shop, the owner a secret or variable/)
    // Another owner's image of the same name is not this repository's: unknown, 1*.
    const other = app({'.github/workflows/deploy.yml': workflow('${{ env.DOCKERHUB_IMAGE_NAME }}'), 'package.json': pkg, 'render.yaml': render('docker.io/someone/shop:latest')})
    expect(planJson(`${other}/render.yaml`, ['--plan', 'standard-0']).type('api').server).toBe('unknown')
  })

  it('a push by digest (`outputs: type=image,name=${{ env.REGISTRY_IMAGE }},push-by-digest=true`) names the image too', () => {
    const text = workflow('example.com/unrelated').replace('          tags: ${{ steps.meta.outputs.tags }}', '          outputs: type=image,name=${{ env.REGISTRY_IMAGE }},push-by-digest=true,name-canonical=true,push=true')
    const dir = app({'.github/workflows/deploy.yml': text, 'fly.toml': 'app = "shop"\n\n[build]\n  image = "ghcr.io/acme/shop:main"\n'})
    const r = planJson(`${dir}/fly.toml`, ['--plan', 'standard-0'])
    expect(r.type('app')).toMatchObject({connectionsPerDyno: 3, server: 'gunicorn'})
  })
})
