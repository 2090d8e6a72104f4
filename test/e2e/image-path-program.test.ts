/**
 * A container whose CMD names a program by its bare name (`CMD ["api-server"]`) that a COPY put on the image's PATH
 * (`COPY --from=builder /app/target/release/api-server /usr/local/bin/api-server`, or `… /usr/local/bin/`): the shell
 * finds it in the first PATH folder holding it, so it is that build output, mapped back through the COPY to the
 * repository (procfile/container.ts inRepo). Made-up Cargo workspace: crates/api builds the binary api-server
 * (`[[bin]]`), an sqlx PgPoolOptions pool of max_connections(7). Before: "api-server" unknown, 1*.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const files = (copyTo: string): Record<string, string> => ({
  'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n',
  Dockerfile: ['FROM rust:1.79 AS builder', 'WORKDIR /app', 'COPY . .', 'RUN cargo build --release --bin api-server', '', 'FROM debian:bookworm-slim', `COPY --from=builder /app/target/release/api-server ${copyTo}`, 'CMD ["api-server"]', ''].join('\n'),
  'crates/api/Cargo.toml': '[package]\nname = "api"\nversion = "0.1.0"\nedition = "2021"\n\n[[bin]]\nname = "api-server"\npath = "src/main.rs"\n\n[dependencies]\nsqlx = { version = "0.7", features = ["postgres", "runtime-tokio"] }\n',
  'crates/api/src/main.rs': 'use sqlx::postgres::PgPoolOptions;\n\n#[tokio::main]\nasync fn main() {\n    let _pool = PgPoolOptions::new().max_connections(7).connect(&std::env::var("DATABASE_URL").unwrap()).await.unwrap();\n}\n',
  'fly.toml': 'app = "ledger"\n',
})

describe('a bare CMD program a COPY put on PATH', () => {
  it('copied to /usr/local/bin/api-server, or into /usr/local/bin/: the workspace binary, 7', () => {
    for (const to of ['/usr/local/bin/api-server', '/usr/local/bin/']) {
      const r = planJson(join(app(files(to)), 'fly.toml'), ['--limit', '100', '--scale', 'app=1'])
      expect(r.type('app')).toMatchObject({connections: 7, server: 'rust'})
    }
  })

  it('run by a path from the WORKDIR (`ENTRYPOINT ["./api-server"]`) that a COPY --from put there, built with --target (cargo\'s target/TRIPLE/release): 7', () => {
    // The runtime stage holds the build output and a config folder; target/x86_64-unknown-linux-musl/release is cargo's
    // output folder for --target (doc.rust-lang.org/cargo/reference/build-cache.html), not where the code is.
    const dockerfile = ['FROM clux/muslrust:stable AS builder', 'WORKDIR /app', 'COPY . .', 'RUN cargo build --release --target x86_64-unknown-linux-musl --bin api-server', '', 'FROM alpine:3.20', 'WORKDIR /app', 'COPY --from=builder /app/target/x86_64-unknown-linux-musl/release/api-server api-server', 'COPY configuration configuration', 'ENTRYPOINT ["./api-server"]', ''].join('\n')
    const r = planJson(join(app({...files('/usr/local/bin/'), Dockerfile: dockerfile, 'configuration/base.yaml': 'application:\n  port: 8000\n'}), 'fly.toml'), ['--limit', '100', '--scale', 'app=1'])
    expect(r.type('app')).toMatchObject({connections: 7, server: 'rust'})
  })
})
