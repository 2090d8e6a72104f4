/**
 * A monorepo service's image (midday-ai/midday's apps/api: railway.json builds apps/api/Dockerfile from the repository
 * root) whose ENTRYPOINT is a script the Dockerfile copied from the repository's scripts/ while its WORKDIR is
 * /app/apps/api: the command reads `../../scripts/docker-entrypoint.sh bun src/index.js` from apps/api. The buildpack
 * language check, which does not know the process's folder, read that path from the app root and warned "outside the app
 * folder; not read" though the script is the app's and is read where the command runs (its DB_POOL_MAX default, 6, is
 * the pool).
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

describe('an image entrypoint script above the WORKDIR', () => {
  it('is read from the process folder and not warned as outside the app: 2 replicas × pool 6 = 12', () => {
    const dir = app({
      'apps/api/Dockerfile': [
        'FROM node:22-slim AS builder',
        'WORKDIR /app',
        'COPY . .',
        'FROM node:22-slim AS runner',
        'WORKDIR /app',
        'COPY --from=builder /app/apps/api ./apps/api',
        'COPY --from=builder /app/scripts/docker-entrypoint.sh /app/entrypoint.sh',
        'WORKDIR /app/apps/api',
        'ENTRYPOINT ["/app/entrypoint.sh"]',
        'CMD ["bun", "src/index.js"]',
        '',
      ].join('\n'),
      'apps/api/package.json': '{"name": "api", "dependencies": {"pg": "^8.13.1"}}\n',
      'apps/api/railway.json': '{"build": {"builder": "DOCKERFILE", "dockerfilePath": "apps/api/Dockerfile"}, "deploy": {"numReplicas": 2}}\n',
      'apps/api/src/index.js': "const {Pool} = require('pg')\nnew Pool({max: Number(process.env.DB_POOL_MAX || 10)})\n",
      'package.json': '{"name": "root", "private": true, "workspaces": ["apps/*"]}\n',
      'scripts/docker-entrypoint.sh': '#!/bin/sh\nset -e\nexport DB_POOL_MAX="${DB_POOL_MAX:-6}"\nexec "$@"\n',
    })
    const r = planJson(join(dir, 'apps/api/railway.json'), ['--root', dir, '--limit', '120'])
    expect(r.exit).toBe(0)
    expect(r.type('app')).toMatchObject({connections: 12, poolPerProcess: 6})
    expect(r.diagnostics.filter((d) => d.message.includes('outside the app folder'))).toEqual([])
  })
})
