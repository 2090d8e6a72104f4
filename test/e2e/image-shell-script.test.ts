/**
 * An image whose ENTRYPOINT runs a script through a shell by its path from the WORKDIR (`ENTRYPOINT ["/bin/sh",
 * "./docker-entrypoint.sh"]`, `sh -e start.sh`) after a COPY put the repository's script there (`COPY
 * docker/docker-entrypoint.sh docker-entrypoint.sh`, shlinkio/shlink): the shell reads that file from the WORKDIR, so it
 * is the repository's docker/docker-entrypoint.sh, read as the script it is (procfile/container.ts inRepo), as
 * `ENTRYPOINT ["./docker-entrypoint.sh"]` already was. Before: "/bin/sh" an unknown program, 1*.
 * Made-up Node app: the script ends in `exec node src/server.js`, a pg Pool of max 7 (https://node-postgres.com/apis/pool).
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const files = (entrypoint: string): Record<string, string> => ({
  Dockerfile: ['FROM node:20-slim', 'WORKDIR /srv/app', 'COPY package.json .', 'RUN npm install --omit=dev', 'COPY src src', 'COPY docker/docker-entrypoint.sh docker-entrypoint.sh', `ENTRYPOINT ${entrypoint}`, ''].join('\n'),
  'docker/docker-entrypoint.sh': '#!/bin/sh\nset -e\necho "starting"\nexec node src/server.js\n',
  'package.json': JSON.stringify({dependencies: {pg: '^8.11.0'}, name: 'ledger', version: '1.0.0'}, null, 2),
  'src/server.js': "const {Pool} = require('pg')\nconst pool = new Pool({connectionString: process.env.DATABASE_URL, max: 7})\nmodule.exports = pool\n",
})

describe('an image ENTRYPOINT running a copied script through a shell', () => {
  it('`/bin/sh ./docker-entrypoint.sh`, `sh -e docker-entrypoint.sh`, `bash docker-entrypoint.sh`: the script is read, 7', () => {
    for (const entrypoint of ['["/bin/sh", "./docker-entrypoint.sh"]', '["sh", "-e", "docker-entrypoint.sh"]', '["/usr/bin/bash", "docker-entrypoint.sh"]']) {
      const r = planJson(join(app(files(entrypoint)), 'Dockerfile'), ['--limit', '100', '--scale', 'web=1'])
      expect(r.type('web'), entrypoint).toMatchObject({connections: 7, server: 'node'})
    }
  })

  it('`sh -c "…"` is the shell reading its own command line, not a script path', () => {
    const r = planJson(join(app(files('["sh", "-c", "node src/server.js"]')), 'Dockerfile'), ['--limit', '100', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({connections: 7, server: 'node'})
  })
})
