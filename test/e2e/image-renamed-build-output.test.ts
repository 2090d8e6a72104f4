/**
 * Image paths a build stage's own RUN put over its copy of the repository, and files ADD fetches from a URL
 * (procfile/dockerfile.ts).
 *
 * A build stage copies the repository (`COPY . .` in /usr/src/app) and renames its build output in place (`RUN cargo
 * build --release && mv ./target/release/ledger-api ./api`); the runtime stage takes `/usr/src/app/api` and runs `./api`
 * (GRA0007/crab.fit's api/Dockerfile). /usr/src/app/api is the cargo binary target/release/ledger-api, not the
 * repository's api: made-up crate ledger-api with an sqlx PgPoolOptions pool of max_connections(7) → 7 per process,
 * 1 Machine (--scale app=1) = 7. Before, the copy read as the repository path api (no such file): "api" unknown, 1*.
 *
 * `ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini` downloads tini: no file of the build context
 * is behind /tini, so `ENTRYPOINT ["/tini", "--"]` stays /tini (tini then runs node server.js, a pg Pool of max 6).
 * Before, the URL was taken as a repository path and the command shown as `./https:/github.com/…/tini -- node server.js`.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const crate = {
  'Cargo.toml': '[package]\nname = "ledger-api"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nsqlx = { version = "0.7", features = ["postgres", "runtime-tokio"] }\ntokio = { version = "1", features = ["macros", "rt-multi-thread"] }\n',
  'fly.toml': 'app = "ledger"\n',
  'src/main.rs': 'use sqlx::postgres::PgPoolOptions;\n\n#[tokio::main]\nasync fn main() {\n    let _pool = PgPoolOptions::new().max_connections(7).connect(&std::env::var("DATABASE_URL").unwrap()).await.unwrap();\n}\n',
}

describe('a build output a RUN renames inside the stage that copied the repository', () => {
  it('`mv ./target/release/ledger-api ./api`, then `COPY --from=builder /usr/src/app/api /app/api` and `CMD ./api`: the crate binary, 7', () => {
    const dockerfile = [
      'FROM rust:1.79 AS builder',
      'WORKDIR /usr/src/app',
      'COPY . .',
      'RUN --mount=type=cache,target=/usr/local/cargo/registry cargo build --release && mv ./target/release/ledger-api ./api',
      '',
      'FROM debian:bookworm-slim',
      'WORKDIR /app',
      'COPY --from=builder /usr/src/app/api /app/api',
      'CMD ./api',
      '',
    ].join('\n')
    const r = planJson(join(app({...crate, Dockerfile: dockerfile}), 'fly.toml'), ['--limit', '100', '--scale', 'app=1'])
    expect(r.type('app')).toMatchObject({command: './target/release/ledger-api', connections: 7, server: 'rust'})
    expect(r.codes).not.toContain('unknown-command')
  })

  it('with no RUN over it, a path inside the stage\'s copy of the repository is still that repository path: 7', () => {
    // `COPY --from=builder /usr/src/app/target/release/ledger-api /app/api`: target/release/ledger-api, as before.
    const dockerfile = ['FROM rust:1.79 AS builder', 'WORKDIR /usr/src/app', 'COPY . .', 'RUN cargo build --release', '', 'FROM debian:bookworm-slim', 'WORKDIR /app', 'COPY --from=builder /usr/src/app/target/release/ledger-api /app/api', 'CMD ./api', ''].join('\n')
    const r = planJson(join(app({...crate, Dockerfile: dockerfile}), 'fly.toml'), ['--limit', '100', '--scale', 'app=1'])
    expect(r.type('app')).toMatchObject({command: './target/release/ledger-api', connections: 7, server: 'rust'})
  })
})

describe('ADD of a URL', () => {
  it('`ADD https://…/tini /tini` is no repository file: the command stays /tini -- node server.js, pg Pool max 6', () => {
    const dockerfile = ['FROM node:22-slim', 'ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini', 'RUN chmod +x /tini', 'WORKDIR /app', 'COPY . .', 'RUN npm ci --omit=dev', 'ENTRYPOINT ["/tini", "--"]', 'CMD ["node", "server.js"]', ''].join('\n')
    const files = {
      Dockerfile: dockerfile,
      'package.json': '{"name": "ledger", "dependencies": {"pg": "^8.13.1"}}\n',
      'server.js': "const {Pool} = require('pg')\nconst pool = new Pool({connectionString: process.env.DATABASE_URL, max: 6})\nrequire('node:http').createServer(async (q, res) => res.end(String((await pool.query('select 1')).rowCount))).listen(process.env.PORT)\n",
    }
    const r = planJson(join(app(files), 'Dockerfile'), ['--limit', '100', '--scale', 'web=1'])
    expect(r.type('web')).toMatchObject({command: '/tini -- node server.js', connections: 6, server: 'node'})
  })
})
