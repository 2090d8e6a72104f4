/**
 * A container whose CMD names a program by its bare name (`CMD ["api-server"]`) that a COPY put on the image's PATH
 * (`COPY --from=builder /app/target/release/api-server /usr/local/bin/api-server`, or `… /usr/local/bin/`): the shell
 * finds it in the first PATH folder holding it, so it is that build output, mapped back through the COPY to the
 * repository (procfile/container.ts inRepo). Made-up Cargo workspace: crates/api builds the binary api-server
 * (`[[bin]]`), an sqlx PgPoolOptions pool of max_connections(7). Before: "api-server" unknown, 1*.
 * The same bare name run by a script the image copies (`exec api-server` in /usr/local/bin/launch, svix/svix-webhooks'
 * shape; procfile/script.ts): 7, where it was unknown, 1*. A Go binary built by a RUN at an absolute path outside the
 * repository's copy (`go build -o /bin/riverui ./cmd/riverui`, then `COPY --from=build-go /bin/riverui /bin/riverui` and
 * `CMD ["/bin/sh", "-c", "/bin/riverui -prefix=$PATH_PREFIX"]`, riverqueue/riverui's shape): read from ./cmd/riverui,
 * pgxpool's max(4, NumCPU) = 8 on a standard-1x; before, "/bin/riverui" was unknown, 1*.
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

  it('run by name from a script the image copies (`exec api-server "$@"` in /usr/local/bin/launch): the workspace binary, 7', () => {
    const dockerfile = ['FROM rust:1.79 AS builder', 'WORKDIR /app', 'COPY . .', 'RUN cargo build --release --bin api-server', '', 'FROM debian:bookworm-slim', 'COPY --from=builder /app/target/release/api-server /usr/local/bin/api-server', 'COPY scripts/launch /usr/local/bin/launch', 'CMD ["/usr/local/bin/launch"]', ''].join('\n')
    const r = planJson(join(app({...files('/usr/local/bin/'), Dockerfile: dockerfile, 'scripts/launch': '#!/bin/bash\nset -euo pipefail\nargs=("--run-migrations")\nexec api-server "${args[@]}"\n'}), 'fly.toml'), ['--limit', '100', '--scale', 'app=1'])
    expect(r.type('app')).toMatchObject({connections: 7, server: 'rust'})
  })
})

describe('a cargo binary copied into a PATH folder and run by its absolute path', () => {
  it('`COPY --from=builder /app/target/release/api-server /usr/local/bin/` then `CMD ["/usr/local/bin/api-server"]`: the workspace binary, 7', () => {
    // mCaptcha/mCaptcha's shape. Before: the copy was taken as a folder, so the program was
    // target/release/api-server/api-server, "not in the app": 1*.
    const dockerfile = ['FROM rust:1.79 AS builder', 'WORKDIR /app', 'COPY . .', 'RUN cargo build --release --bin api-server', '', 'FROM debian:bookworm-slim', 'COPY --from=builder /app/target/release/api-server /usr/local/bin/', 'CMD [ "/usr/local/bin/api-server" ]', ''].join('\n')
    const r = planJson(join(app({...files('/usr/local/bin/'), Dockerfile: dockerfile}), 'fly.toml'), ['--limit', '100', '--scale', 'app=1'])
    expect(r.type('app')).toMatchObject({connections: 7, server: 'rust'})
  })
})

describe('a Go binary a Dockerfile RUN builds at an absolute path, copied into the final stage', () => {
  it('`go build -o /bin/riverui ./cmd/riverui`, run by `sh -c`: read from ./cmd/riverui, pgxpool 8 on standard-1x', () => {
    const main = ['package main', '', 'import (', '\t"context"', '\t"os"', '', '\t"github.com/jackc/pgx/v5/pgxpool"', ')', '', 'func main() {', '\tcfg, _ := pgxpool.ParseConfig(os.Getenv("DATABASE_URL"))', '\tpool, _ := pgxpool.NewWithConfig(context.Background(), cfg)', '\tdefer pool.Close()', '}', ''].join('\n')
    const dockerfile = ['FROM golang:1.24-alpine AS build-go', 'WORKDIR /go/src/riverui', 'COPY go.mod go.sum ./', 'COPY cmd/ cmd/', 'RUN go build -trimpath -o /bin/riverui ./cmd/riverui', '', 'FROM alpine:3.20', 'ENV PATH_PREFIX="/"', 'COPY --from=build-go /bin/riverui /bin/riverui', 'CMD ["/bin/sh", "-c", "/bin/riverui -prefix=$PATH_PREFIX"]', ''].join('\n')
    const dir = app({'cmd/riverui/main.go': main, Dockerfile: dockerfile, 'go.mod': 'module example.com/riverui\n\ngo 1.24\n\nrequire github.com/jackc/pgx/v5 v5.7.1\n', 'go.sum': ''})
    const r = planJson(join(dir, 'Dockerfile'), ['--limit', '100', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 8, server: 'go'})
  })
})

describe('a container init given the program before its `--`', () => {
  it('`ENTRYPOINT ["/usr/bin/tini"]` + `CMD ["/usr/local/bin/api-server", "--", "0.0.0.0:3000"]`, and the same in one ENTRYPOINT: the workspace binary, 7', () => {
    // rust-lang/docs.rs's shape (its web-server, build-server and registry-watcher stages). tini's getopt ends its own
    // options at the first word that is not one, so the program is api-server and `--` is api-server's argument
    // (krallin/tini src/tini.c parse_args). Before: the word after the `--` was read as the program, "0.0.0.0:3000", 1*.
    for (const [entrypoint, cmd] of [['["/usr/bin/tini"]', '["/usr/local/bin/api-server", "--", "0.0.0.0:3000"]'], ['["/usr/bin/tini", "/usr/local/bin/api-server", "--"]', '["start"]'], ['["tini", "-s", "-p", "SIGTERM", "--", "/usr/local/bin/api-server"]', '["--", "start"]']]) {
      const dockerfile = ['FROM rust:1.79 AS builder', 'WORKDIR /app', 'COPY . .', 'RUN cargo build --release --bin api-server', '', 'FROM debian:bookworm-slim', 'COPY --from=builder /app/target/release/api-server /usr/local/bin/', `ENTRYPOINT ${entrypoint}`, `CMD ${cmd}`, ''].join('\n')
      const r = planJson(join(app({...files('/usr/local/bin/'), Dockerfile: dockerfile}), 'fly.toml'), ['--limit', '100', '--scale', 'app=1'])
      expect(r.type('app')).toMatchObject({connections: 7, server: 'rust'})
    }
  })
})

describe('a binary COPYed to a PATH folder written without its trailing slash', () => {
  it('`COPY --from=builder /app/target/release/api-server /usr/local/bin` then `ENTRYPOINT ["/usr/local/bin/api-server"]`: the workspace binary, 7', () => {
    // atuinsh/atuin's shape. /usr/local/bin is a directory in every Linux base image, and Docker's COPY puts a file into a
    // destination that is an existing directory. Before: the copy was taken as naming the file /usr/local/bin itself, so
    // the program was target/release/api-server/api-server, "not in the app": 1*.
    const dockerfile = ['FROM rust:1.79 AS builder', 'WORKDIR /app', 'COPY . .', 'RUN cargo build --release --bin api-server', '', 'FROM debian:bookworm-slim', 'COPY --from=builder /app/target/release/api-server /usr/local/bin', 'ENTRYPOINT ["/usr/local/bin/api-server"]', ''].join('\n')
    const r = planJson(join(app({...files('/usr/local/bin/'), Dockerfile: dockerfile}), 'fly.toml'), ['--limit', '100', '--scale', 'app=1'])
    expect(r.type('app')).toMatchObject({connections: 7, server: 'rust'})
  })
})

describe('a Go binary built under another name or folder and put in place by a COPY --from', () => {
  // A database/sql pool capped at 25 in the root package main.
  const goApp = (dockerfile: string): Record<string, string> => ({
    Dockerfile: dockerfile,
    'go.mod': 'module example.com/arena\n\ngo 1.24\n\nrequire github.com/jackc/pgx/v5 v5.7.1\n',
    'go.sum': '',
    'main.go': ['package main', '', 'import (', '\t"database/sql"', '\t"os"', '', '\t_ "github.com/jackc/pgx/v5/stdlib"', ')', '', 'func main() {', '\tdb, _ := sql.Open("pgx", os.Getenv("DATABASE_URL"))', '\tdb.SetMaxOpenConns(25)', '}', ''].join('\n'),
  })

  it('`go build -o arena .` in WORKDIR /app, `COPY --from=builder /app/arena .` into a scratch image, `ENTRYPOINT ["/arena"]`: the root package, 25', () => {
    // TwiN/gatus's shape. Before: "/arena" was not recognised, 1*.
    const dockerfile = ['FROM golang:alpine AS builder', 'WORKDIR /app', 'COPY . ./', 'RUN CGO_ENABLED=0 GOOS=linux go build -a -installsuffix cgo -o arena .', '', 'FROM scratch', 'COPY --from=builder /app/arena .', 'ENTRYPOINT ["/arena"]', ''].join('\n')
    const r = planJson(join(app(goApp(dockerfile)), 'Dockerfile'), ['--limit', '100', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 25, server: 'go'})
  })

  it('`go build -o /go/build-out/arena` (a continued RUN), then `COPY --from=builder "/go/build-out/arena" /arena/` with the source quoted: 25', () => {
    // heroiclabs/nakama's shape. Docker removes the quotes of a shell-form COPY's words; before, they were kept, so the
    // program was `./"/go/build-out/arena"/arena`, unknown, 1*.
    const dockerfile = ['FROM golang:1.24-bookworm AS builder', 'WORKDIR /go/build/arena', 'COPY . .', 'RUN go build -o /go/build-out/arena \\', '    -trimpath -ldflags "-s -w"', '', 'FROM debian:bookworm-slim', 'WORKDIR /arena/', 'COPY --from=builder "/go/build-out/arena" /arena/', 'ENTRYPOINT ["tini", "--", "/arena/arena"]', ''].join('\n')
    const r = planJson(join(app(goApp(dockerfile)), 'Dockerfile'), ['--limit', '100', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 25, server: 'go'})
  })

  it('`go build -o /out/ ./cmd/...` writes every main package below cmd/ under its folder\'s name: /usr/bin/arena is cmd/arena, 12', () => {
    // matrix-org/dendrite's shape ("ends with a slash … any resulting executables will be written to that directory", go help
    // build). Before: "/usr/bin/arena" was not recognised, 1*. cmd/arena caps its pool at 12; cmd/keygen opens nothing.
    const dockerfile = ['FROM golang:1.24-alpine AS build', 'WORKDIR /src', 'RUN --mount=target=. \\', '    go build -v -trimpath -o /out/ ./cmd/...', '', 'FROM alpine:latest', 'COPY --from=build /out/keygen /usr/bin/keygen', 'COPY --from=build /out/arena /usr/bin/arena', 'ENTRYPOINT ["/usr/bin/arena"]', ''].join('\n')
    const files = goApp(dockerfile)
    const {'main.go': main, ...rest} = files
    const r = planJson(join(app({...rest, 'cmd/arena/main.go': main.replace('SetMaxOpenConns(25)', 'SetMaxOpenConns(12)'), 'cmd/keygen/main.go': 'package main\n\nfunc main() {}\n'}), 'Dockerfile'), ['--limit', '100', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 12, server: 'go'})
  })

  it('the Go module in a folder below the root (`COPY api /app/api` in WORKDIR /app/api, `go build -o arena .`, `COPY --from=api /app/api/arena /app/arena`): api/\'s code, 25', () => {
    // photoview/photoview's shape: go.mod only in api/, the UI beside it. Docker copies a source folder's contents, so the
    // binary is api/arena; the module of api/ is read and its files named from the root. Before: "arena" was not
    // recognised (api/api/arena, the folder read as copied into itself), 1*.
    const dockerfile = ['FROM golang:1.24 AS api', 'WORKDIR /app/api', 'COPY api/go.mod api/go.sum /app/api/', 'RUN go mod download', 'COPY api /app/api', 'RUN go build -v -o arena .', '', 'FROM debian:bookworm-slim AS release', 'COPY --from=api /app/api/arena /app/arena', 'WORKDIR /home/arena', 'ENTRYPOINT ["/app/arena"]', ''].join('\n')
    const {Dockerfile: _d, ...module} = goApp(dockerfile)
    const inApi = Object.fromEntries(Object.entries(module).map(([k, v]) => [`api/${k}`, v]))
    const r = planJson(join(app({Dockerfile: dockerfile, ...inApi, 'ui/package.json': '{"name": "ui", "private": true}\n'}), 'Dockerfile'), ['--limit', '100', '--scale', 'web=1:standard-1x', '--explain'])
    expect(r.type('web')).toMatchObject({connections: 25, server: 'go'})
    expect(JSON.stringify(r.type('web').sources)).toContain('api/main.go')
  })
})

describe('a binary of a Cargo workspace member, run by its bare name', () => {
  // A workspace whose root has no package: crates/ledger is the server (sqlx, max_connections(6)), crates/ledger-cli a tool.
  const workspace = (dockerfile: string, extra: Record<string, string> = {}): Record<string, string> => ({
    'Cargo.toml': '[workspace]\nmembers = ["crates/*", "tools/migrate"]\ndefault-members = ["crates/*"]\nresolver = "2"\n',
    Dockerfile: dockerfile,
    'crates/ledger-cli/Cargo.toml': '[package]\nname = "ledger-cli"\nversion = "0.1.0"\nedition = "2021"\n',
    'crates/ledger-cli/src/main.rs': 'fn main() {}\n',
    'crates/ledger/Cargo.toml': '[package]\nname = "ledger"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nsqlx = { version = "0.8", features = ["postgres", "runtime-tokio"] }\n',
    'crates/ledger/src/main.rs': 'use sqlx::postgres::PgPoolOptions;\n\n#[tokio::main]\nasync fn main() {\n    let _pool = PgPoolOptions::new().max_connections(6).connect(&std::env::var("DATABASE_URL").unwrap()).await.unwrap();\n}\n',
    'tools/migrate/Cargo.toml': '[package]\nname = "migrate"\nversion = "0.1.0"\nedition = "2021"\n',
    'tools/migrate/src/main.rs': 'fn main() {}\n',
    ...extra,
  })

  it('`cargo install --bin ledger --path ./crates/ledger --root /build`, `COPY --from=builder /build/bin/ledger .`, `ENTRYPOINT ["./ledger"]`: crates/ledger, 6', () => {
    // DefGuard/defguard's shape. Before: "ledger" was not recognised (only the root Cargo.toml's name was looked at), 1*.
    const dockerfile = ['FROM rust:1.85 AS builder', 'WORKDIR /build', 'COPY Cargo.toml Cargo.lock ./', 'COPY crates crates', 'COPY tools tools', 'RUN cargo install --locked --bin ledger --path ./crates/ledger --root /build', '', 'FROM debian:bookworm-slim', 'WORKDIR /app', 'COPY --from=builder /build/bin/ledger .', 'ENTRYPOINT ["./ledger"]', ''].join('\n')
    const r = planJson(join(app(workspace(dockerfile)), 'Dockerfile'), ['--limit', '100', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 6, server: 'rust'})
  })

  it('a crate built from files and folders copied one by one into the WORKDIR (`COPY Cargo.lock .`, `COPY src src`), `COPY --from=build /app/target/release/ledger .`: 6', () => {
    // rust-lang/bors's shape. `COPY Cargo.lock .` puts the file into /app; it does not make /app the file, so the binary is
    // the package's own build output. Before: "Cargo.lock/target/release/ledger" was not in the app, 1*.
    const files = workspace('')
    const crate = {
      'Cargo.toml': files['crates/ledger/Cargo.toml'].replace('name = "ledger"', 'name = "ledger"\ndefault-run = "ledger"'),
      'Cargo.lock': '# generated\nversion = 4\n',
      'src/main.rs': files['crates/ledger/src/main.rs'],
    }
    const dockerfile = ['FROM rust:1.85 AS build', 'WORKDIR /app', 'COPY Cargo.toml .', 'COPY Cargo.lock .', 'COPY src src', 'RUN cargo build --release', '', 'FROM ubuntu:24.04 AS runtime', 'WORKDIR /', 'COPY --from=build /app/target/release/ledger .', 'ENTRYPOINT ["./ledger"]', ''].join('\n')
    const r = planJson(join(app({...crate, Dockerfile: dockerfile}), 'Dockerfile'), ['--limit', '100', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 6, server: 'rust'})
  })

  it('run by an entrypoint script (`exec gosu "$UID:$GID" /app/ledger "$@"`) after `cargo build --release -p ledger`: crates/ledger, 6', () => {
    // lldap/lldap's shape (server/Cargo.toml `name = "lldap"` in a workspace). Before: "ledger" unknown, 1*.
    const dockerfile = ['FROM rust:1.85 AS builder', 'WORKDIR /app', 'COPY . .', 'RUN cargo build --release -p ledger -p migrate', '', 'FROM alpine:3.21', 'WORKDIR /app', 'COPY --from=builder /app/target/release/ledger /app/target/release/migrate ./', 'COPY docker-entrypoint.sh ./', 'ENTRYPOINT ["/app/docker-entrypoint.sh"]', 'CMD ["run"]', ''].join('\n')
    const entry = '#!/usr/bin/env bash\nset -euo pipefail\nexec gosu "$UID:$GID" /app/ledger "$@"\n'
    const r = planJson(join(app(workspace(dockerfile, {'docker-entrypoint.sh': entry})), 'Dockerfile'), ['--limit', '100', '--scale', 'web=1:standard-1x'])
    expect(r.type('web')).toMatchObject({connections: 6, server: 'rust'})
  })
})
