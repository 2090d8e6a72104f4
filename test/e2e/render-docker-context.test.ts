/**
 * render.yaml's `dockerContext`: the build context Render hands to `docker build` (default: the folder that holds the
 * Dockerfile; https://render.com/tutorials/advanced-blueprint-patterns/docker-and-image-runtimes). A Dockerfile kept in
 * a subfolder and built from the repository root (`dockerfilePath: ./docker/Dockerfile`, `dockerContext: .`) copies the
 * root (`COPY . .`). Made-up Node app: backend/server.js, a pg Pool of max 8, run as `node backend/server.js`.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const files = (context: string | undefined): Record<string, string> => ({
  'backend/server.js': "const {Pool} = require('pg')\nconst pool = new Pool({connectionString: process.env.DATABASE_URL, max: 8})\nrequire('node:http').createServer(async (req, res) => res.end(String((await pool.query('select 1')).rowCount))).listen(process.env.PORT)\n",
  'docker/Dockerfile': ['FROM node:20-slim', 'WORKDIR /app', 'COPY . .', 'RUN npm ci', 'CMD ["node", "backend/server.js"]', ''].join('\n'),
  'package.json': '{"name": "api", "dependencies": {"pg": "^8.13.1"}}\n',
  'render.yaml': ['services:', '  - type: web', '    name: api', '    runtime: docker', '    dockerfilePath: ./docker/Dockerfile', ...(context === undefined ? [] : [`    dockerContext: ${context}`]), ''].join('\n'),
})

describe('render.yaml dockerContext', () => {
  it('dockerContext: . : `COPY . .` copies the repository, backend/server.js is read: 8', () => {
    // Before: the context was taken as docker/ (the Dockerfile's folder), so the image's /app was docker/ and
    // backend/server.js was not found there: no pool, 1*.
    const r = planJson(join(app(files('.')), 'render.yaml'), ['--limit', '100'])
    expect(r.type('api')).toMatchObject({connections: 8, server: 'node'})
  })

  it("no dockerContext: the Dockerfile's folder, docker/, which holds no backend/server.js: 1, assumed", () => {
    const r = planJson(join(app(files(undefined)), 'render.yaml'), ['--limit', '100'])
    expect(r.type('api')).toMatchObject({connections: 1})
    expect(r.type('api').sources.threadsPerProcess.source).toMatchObject({kind: 'assumed'})
  })
})
