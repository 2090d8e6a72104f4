/**
 * Two image shapes from real apps:
 * - jitsucom/jitsu all.Dockerfile: `FROM node:22` and `CMD ["--no-node-snapshot", "--max-old-space-size=2048", "main.js"]`.
 *   The official node image's ENTRYPOINT, docker-entrypoint.sh, runs `node "$@"` when the first argument starts with `-`
 *   (https://github.com/nodejs/docker-node/blob/main/docker-entrypoint.sh), so the image runs node main.js. Was: an unknown
 *   command, 1*.
 * - sourcebot-dev/sourcebot entrypoint.sh: `if [ -n "$X" ]; then …; else export X=false; fi`, then `exec supervisord -c
 *   /etc/supervisor/conf.d/supervisord.conf` (copied there by the Dockerfile). The undecided branch leaves two envs, so the
 *   supervisord line was one of an undecided branch's processes and never read as a process manager: 1*. Now what it starts.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()
const plan = (dir: string) => planJson(join(dir, 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--root', dir])
const pg = JSON.stringify({dependencies: {pg: '^8.16.0'}, name: 'app', private: true}, null, 2)

describe("the node image's docker-entrypoint.sh", () => {
  it('CMD starting with a node flag runs node with it: pg Pool max 6', () => {
    const dir = app({
      Dockerfile: 'FROM node:22.8-bookworm AS base\nWORKDIR /app\nFROM base AS api\nCOPY . .\nENV NODE_ENV=production\nCMD ["--no-node-snapshot", "--max-old-space-size=2048", "main.js"]\n',
      'main.js': "const {Pool} = require('pg')\nconst pool = new Pool({max: 6})\nmodule.exports = pool\n",
      'package.json': pg,
    })
    const r = plan(dir)
    expect(r.type('web')).toMatchObject({command: expect.stringMatching(/^node --no-node-snapshot/), connections: 6, server: 'node'})
    expect(r.diagnostics.find((d) => d.code === 'missing-config' && /docker-entrypoint\.sh/.test(d.message))).toBeDefined()
  })

  it('a CMD naming a command (npm) is as written, and an ENTRYPOINT of its own replaces the image\'s', () => {
    const files = {'main.js': "const {Pool} = require('pg')\nnew Pool({max: 6})\n", 'package.json': JSON.stringify({dependencies: {pg: '^8.16.0'}, scripts: {start: 'node main.js'}})}
    expect(plan(app({...files, Dockerfile: 'FROM node:22\nWORKDIR /app\nCOPY . .\nCMD ["npm", "start"]\n'})).type('web')).toMatchObject({command: 'npm start', connections: 6})
    expect(plan(app({...files, Dockerfile: 'FROM node:22\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["/bin/run"]\nCMD ["--flag"]\n'})).type('web').server).toBe('unknown')
  })
})

describe('a script that ends in supervisord after a branch it cannot decide', () => {
  it('reads the programs supervisord starts: web (pg max 3) with the worker (max 4) beside it, 7 a dyno', () => {
    const dir = app({
      Dockerfile: [
        'FROM node:22-alpine',
        'WORKDIR /app',
        'COPY package.json ./',
        'COPY server.js worker.js ./',
        'COPY supervisord.conf /etc/supervisor/conf.d/supervisord.conf',
        'COPY entrypoint.sh ./entrypoint.sh',
        'ENTRYPOINT ["/sbin/tini", "--", "./entrypoint.sh"]',
      ].join('\n'),
      'entrypoint.sh': [
        '#!/bin/sh',
        'set -e',
        'if [ -n "$TELEMETRY_DISABLED" ]; then',
        '  echo "telemetry: $TELEMETRY_DISABLED"',
        'else',
        '  export TELEMETRY_DISABLED=false',
        'fi',
        'exec supervisord -c /etc/supervisor/conf.d/supervisord.conf',
      ].join('\n'),
      'package.json': pg,
      'server.js': "const {Pool} = require('pg')\nnew Pool({max: 3})\n",
      'supervisord.conf': '[supervisord]\nnodaemon=true\n\n[program:web]\ncommand=node server.js\n\n[program:worker]\ncommand=node worker.js\n',
      'worker.js': "const {Pool} = require('pg')\nnew Pool({max: 4})\n",
    })
    const r = plan(dir)
    // 3 (web, the first program) + 4 (worker beside it in the dyno) = 7.
    expect(r.type('web')).toMatchObject({connections: 7, connectionsPerProcess: 3, server: 'node'})
    expect(r.codes).not.toContain('unknown-command')
  })
})
