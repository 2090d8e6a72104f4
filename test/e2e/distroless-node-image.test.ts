/**
 * Google's distroless Node.js images set ENTRYPOINT ["/nodejs/bin/node"] (GoogleContainerTools/distroless nodejs/BUILD,
 * `entrypoint = ["/nodejs/bin/node"]`; nodejs/README.md: "this image expects users to supply a path to a .js file in the
 * CMD"), so `CMD ["dist/index.js"]` runs node dist/index.js. Was: an unknown command "dist/index.js", 1*.
 * The shape of kanbn/kan apps/web/Dockerfile: `ARG NODE_VERSION=20`, `ARG DISTROLESS_NODE_IMAGE=gcr.io/distroless/
 * nodejs${NODE_VERSION}-debian12` (a global ARG's default naming an earlier one, which Docker expands), `FROM
 * ${DISTROLESS_NODE_IMAGE} AS web`, `CMD ["bootstrap.cjs"]`.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()
const plan = (dir: string) => planJson(join(dir, 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--root', dir])
const files = {
  'package.json': JSON.stringify({dependencies: {pg: '^8.16.0'}, name: 'app', scripts: {build: 'tsc'}}),
  'src/index.ts': "import {Pool} from 'pg'\nexport const pool = new Pool({connectionString: process.env.DATABASE_URL, max: 9})\n",
  'tsconfig.json': JSON.stringify({compilerOptions: {outDir: 'dist', rootDir: 'src'}}),
}
const dockerfile = (from: string, cmd: string) =>
  ['ARG NODE_VERSION=22', `ARG RUNTIME_IMAGE=${from}`, 'FROM node:${NODE_VERSION}-alpine AS build', 'WORKDIR /app', 'COPY . .', 'RUN npm ci && npm run build', 'FROM ${RUNTIME_IMAGE}', 'WORKDIR /app', 'COPY --from=build /app /app', `CMD ${cmd}`].join('\n')

describe('a distroless Node.js image', () => {
  it('runs its CMD with node: dist/index.js, built by tsc from src/index.ts, pg Pool max 9', () => {
    const r = plan(app({...files, Dockerfile: dockerfile('gcr.io/distroless/nodejs${NODE_VERSION}-debian12', '["dist/index.js"]')}))
    expect(r.type('web')).toMatchObject({command: 'node dist/index.js', connections: 9, server: 'node'})
    expect(r.diagnostics.find((d) => /gcr\.io\/distroless\/nodejs22-debian12 has ENTRYPOINT/.test(d.message))).toBeDefined()
  })

  it('the older tag form (gcr.io/distroless/nodejs:18) too; the official node image is left as it was', () => {
    expect(plan(app({...files, Dockerfile: dockerfile('gcr.io/distroless/nodejs:18', '["dist/index.js"]')})).type('web')).toMatchObject({command: 'node dist/index.js', connections: 9})
    // node:22's docker-entrypoint.sh runs `node "$@"` only for a first word that is not a command: `CMD ["npm", "start"]` is npm.
    expect(plan(app({...files, Dockerfile: dockerfile('node:22-slim', '["npm", "start"]')})).type('web').command).toBe('npm start')
  })
})
