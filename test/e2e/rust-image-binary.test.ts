/**
 * A made-up Cargo workspace deployed as a container image, in the shapes chirpstack/chirpstack and rust-lang/docs.rs
 * showed (each was "conncalc does not recognise /usr/bin/NAME", 1*):
 * - the image copies a binary CI built (`COPY target/x86_64-unknown-linux-musl/release/ledger /usr/bin/ledger-x86_64`),
 *   a RUN's `case` arm `cp`s it to /usr/bin/ledger, and the final stage runs `/usr/bin/ledger`: the path is not followed
 *   back through the `cp`, but the workspace member `ledger` (its Cargo.toml indents `  name = "ledger"`) is the only
 *   build of a binary of that name (languages/common/matchers.ts rustImageBinary);
 * - its PostgreSQL pool is `deadpool_postgres::Pool::builder(mgr).max_size(conf.max_open_connections as usize)` with
 *   `conf: &config::Postgresql`, whose Default sets 10; the Redis config struct has a field of the same name (100), read
 *   by a deadpool_redis pool. Hand count: the Redis pool is not PostgreSQL's, and `conf` is a Postgresql, so its literal's
 *   10 — not the largest field of that name, 100 (rust-code.ts receiverType, literalType);
 * - a `max_pool_size: env("LEDGER_MAX_POOL", 25u32)?` setting read through helpers that match
 *   `Err(VarError::NotPresent) => Ok(None)` and `maybe_env(var)?.unwrap_or(default)` (docs.rs' docs_rs_env_vars): unset, the
 *   default 25; LEDGER_MAX_POOL=7 gives 7.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const dockerfile = [
  'FROM --platform=$BUILDPLATFORM alpine:3.20 AS binary',
  'ARG TARGETPLATFORM',
  'COPY target/x86_64-unknown-linux-musl/release/ledger /usr/bin/ledger-x86_64',
  'COPY target/aarch64-unknown-linux-musl/release/ledger /usr/bin/ledger-aarch64',
  'RUN case "$TARGETPLATFORM" in \\',
  '\t"linux/amd64") \\',
  '\t\tcp /usr/bin/ledger-x86_64 /usr/bin/ledger; \\',
  '\t\t;; \\',
  '\t"linux/arm64") \\',
  '\t\tcp /usr/bin/ledger-aarch64 /usr/bin/ledger; \\',
  '\t\t;; \\',
  '\tesac;',
  '',
  'FROM alpine:3.20',
  'COPY --from=binary /usr/bin/ledger /usr/bin/ledger',
  'ENTRYPOINT ["/usr/bin/ledger"]',
  '',
].join('\n')

const config = `use serde::Deserialize;

#[derive(Deserialize)]
pub struct Postgresql {
    pub dsn: String,
    pub max_open_connections: u32,
}

impl Default for Postgresql {
    fn default() -> Self {
        Postgresql {
            dsn: "postgres://localhost/ledger".into(),
            max_open_connections: 10,
        }
    }
}

#[derive(Deserialize)]
pub struct Redis {
    pub url: String,
    pub max_open_connections: u32,
}

impl Default for Redis {
    fn default() -> Self {
        Redis {
            url: "redis://127.0.0.1/".into(),
            max_open_connections: 100,
        }
    }
}
`

const storage = `use crate::config;

pub fn setup(conf: &config::Postgresql, redis: &config::Redis) {
    let mgr = deadpool_postgres::Manager::new(conf.dsn.parse().unwrap(), tokio_postgres::NoTls);
    let _pool = deadpool_postgres::Pool::builder(mgr).max_size(conf.max_open_connections as usize).build().unwrap();
    let _cache = deadpool_redis::Config::from_url(redis.url.clone()).builder().unwrap().max_size(redis.max_open_connections as usize).build().unwrap();
}
`

const main = `mod config;
mod storage;

#[tokio::main]
async fn main() {
    storage::setup(&config::Postgresql::default(), &config::Redis::default());
}
`

const member = (deps: string): string => `[package]\n  name = "ledger"\n  version = "0.1.0"\n  edition = "2021"\n\n[dependencies]\n${deps}`

const files: Record<string, string> = {
  'Cargo.toml': '[workspace]\n  members = [\n    "ledger",\n    "ledger-api",\n  ]\n  resolver = "2"\n',
  Dockerfile: dockerfile,
  'ledger-api/Cargo.toml': '[package]\nname = "ledger-api"\nversion = "0.1.0"\nedition = "2021"\n',
  'ledger-api/src/lib.rs': 'pub fn version() -> &\'static str {\n    "1"\n}\n',
  'ledger/Cargo.toml': member('deadpool-postgres = "0.14"\ndeadpool-redis = "0.18"\ntokio-postgres = "0.7"\ntokio = { version = "1", features = ["full"] }\nserde = "1"\n'),
  'ledger/src/config.rs': config,
  'ledger/src/main.rs': main,
  'ledger/src/storage.rs': storage,
}

describe('a Rust binary an image runs by a path its build does not lead back to', () => {
  it('/usr/bin/ledger, put there by a `cp` in a RUN\'s case arm: the workspace binary ledger; its Postgresql pool 10, not the Redis config\'s 100', () => {
    const r = planJson(join(app(files), 'Dockerfile'), ['--plan', 'standard-0'])
    expect(r.type('web')).toMatchObject({connections: 10, poolPerProcess: 10, processesPerDyno: 1, server: 'rust'})
    expect(r.type('web').databases).toEqual(['deadpool ledger/src/storage.rs:5'])
    expect(r.total).toBe(10)
  })

  it('the same path when no Cargo project builds a binary of that name: not recognised, 1*', () => {
    const renamed = {...files, 'ledger/Cargo.toml': files['ledger/Cargo.toml'].replace('name = "ledger"', 'name = "ledger-core"')}
    const r = planJson(join(app(renamed), 'Dockerfile'), ['--plan', 'standard-0'])
    expect(r.type('web')).toMatchObject({connections: 1, server: 'unknown'})
    expect(r.codes).toContain('unknown-command')
  })
})

describe('an env helper returning Ok(None) for an unset variable (`Err(VarError::NotPresent) => Ok(None)`)', () => {
  const helpers = `use std::env::VarError;
use std::str::FromStr;

pub fn env<T: FromStr>(var: &str, default: T) -> Result<T, String> {
    Ok(maybe_env(var)?.unwrap_or(default))
}

pub fn maybe_env<T: FromStr>(var: &str) -> Result<Option<T>, String> {
    match std::env::var(var) {
        Ok(content) => Ok(Some(content.parse::<T>().map_err(|_| var.to_string())?)),
        Err(VarError::NotPresent) => {
            tracing::trace!("optional configuration variable {} is not set", var);
            Ok(None)
        }
        Err(VarError::NotUnicode(_)) => Err(format!("{var} is not UTF-8")),
    }
}
`
  const settings = `use crate::vars::env;

pub struct Settings {
    pub max_pool_size: u32,
}

impl Settings {
    pub fn from_environment() -> Result<Self, String> {
        Ok(Self {
            max_pool_size: env("LEDGER_MAX_POOL", 25u32)?,
        })
    }
}
`
  const poolMain = `mod settings;
mod vars;

use sqlx::postgres::PgPoolOptions;

#[tokio::main]
async fn main() {
    let s = settings::Settings::from_environment().unwrap();
    let _pool = PgPoolOptions::new().max_connections(s.max_pool_size).connect(&std::env::var("DATABASE_URL").unwrap()).await.unwrap();
}
`
  const withEnv = {
    ...files,
    'ledger/Cargo.toml': member('sqlx = { version = "0.8", features = ["postgres", "runtime-tokio"] }\ntokio = { version = "1", features = ["full"] }\ntracing = "0.1"\n'),
    'ledger/src/config.rs': '',
    'ledger/src/main.rs': poolMain,
    'ledger/src/settings.rs': settings,
    'ledger/src/storage.rs': '',
    'ledger/src/vars.rs': helpers,
  }

  it('unset: the default 25; LEDGER_MAX_POOL=7: 7', () => {
    const dir = app(withEnv)
    const unset = planJson(join(dir, 'Dockerfile'), ['--plan', 'standard-0'])
    expect(unset.type('web')).toMatchObject({connections: 25, poolPerProcess: 25, server: 'rust'})
    const set = planJson(join(dir, 'Dockerfile'), ['--plan', 'standard-0', '--env', 'LEDGER_MAX_POOL=7'])
    expect(set.type('web')).toMatchObject({connections: 7, poolPerProcess: 7})
  })
})
