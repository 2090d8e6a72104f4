/**
 * Caddy in front of a Node server in one image (stonith404/pingvin-share's scripts/docker/entrypoint.sh: `caddy start
 * --adapter caddyfile --config ./reverse-proxy/Caddyfile &`, then the frontend in the background and the backend in the
 * foreground). Caddy is a web server and reverse proxy (Go, HTTP): it holds no PostgreSQL connection. `caddy start`
 * starts it in the background and returns; `caddy run` keeps it in the foreground
 * (https://caddyserver.com/docs/command-line). Was: "conncalc does not recognise caddy", 1 process × 1 connection beside
 * the server (1*).
 * The server: pg Pool max 5, one process: 5.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const image = (caddy: string) =>
  app({
    Caddyfile: ':3000 {\n  reverse_proxy localhost:8080\n}\n',
    Dockerfile: ['FROM node:20-alpine', 'RUN apk add caddy', 'WORKDIR /app', 'COPY . .', 'RUN npm ci', 'CMD ["sh", "./entrypoint.sh"]'].join('\n'),
    'entrypoint.sh': ['#!/bin/sh', caddy, 'node server.js'].join('\n') + '\n',
    'package.json': JSON.stringify({dependencies: {pg: '^8.11.0'}, name: 'share'}),
    'server.js': "const {Pool} = require('pg')\nconst pool = new Pool({connectionString: process.env.DATABASE_URL, max: 5})\nrequire('node:http').createServer(async (req, res) => res.end(JSON.stringify((await pool.query('select 1')).rows))).listen(8080)\n",
  })

const plan = (dir: string) => planJson(join(dir, 'Dockerfile'), ['--plan', 'standard-0', '--scale', 'web=1:standard-1x', '--root', dir])

describe('caddy beside the server', () => {
  it('`caddy start …` (it returns once Caddy runs in the background): the server alone, pg max 5', () => {
    const r = plan(image('caddy start --adapter caddyfile --config ./Caddyfile'))
    expect(r.type('web')).toMatchObject({connections: 5, server: 'node'})
    expect(r.codes).not.toContain('unknown-command')
  })

  it('`caddy run … &` in the background: a process beside the server with 0 connections; 5', () => {
    const r = plan(image('caddy run --config ./Caddyfile --adapter caddyfile &'))
    expect(r.type('web')).toMatchObject({connections: 5, server: 'node'})
    expect(r.type('web').extras.find((e) => e.reason.startsWith('`caddy'))).toMatchObject({count: 0})
    expect(r.codes).not.toContain('unknown-command')
  })
})
