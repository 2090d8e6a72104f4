/**
 * A Rust app's pool size from the settings file it loads (languages/rust/config-files.ts), in the shapes of
 * mCaptcha/mCaptcha (config crate: `File::with_name` of config/default.toml, `.max_connections(settings.database.pool)`)
 * and svix/svix-webhooks (Figment over `include_str!("../config.default.toml")` and `Env::prefixed("SVIX_")`,
 * `.max_connections(cfg.db_pool_max_size.into())`). No code sets those fields: serde fills them from the file, and the
 * crate's environment source overrides the file (config-rs Environment, Figment Env merged after it). Before: the
 * sqlx default, 10, assumed, with the field named as unread.
 */
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {planJson} from '../helpers/cli.js'
import {tempApps} from '../helpers/temp-apps.js'

const {app} = tempApps()

const lock = (...crates: string[]) => ['version = 3', '', ...['app', 'sqlx', 'tokio', ...crates].flatMap((c) => ['[[package]]', `name = "${c}"`, 'version = "0.8.0"', ''])].join('\n')
const cargo = (...deps: string[]) => ['[package]', 'name = "app"', 'version = "0.1.0"', 'edition = "2021"', '', '[dependencies]', 'sqlx = { version = "0.8", features = ["postgres", "runtime-tokio"] }', 'tokio = "1"', ...deps, ''].join('\n')

const configCrate = {
  'Cargo.lock': lock('config'),
  'Cargo.toml': cargo('config = "0.14"'),
  'Procfile': 'web: ./target/release/app\n',
  'config/base.yaml': 'application:\n  port: 8000\ndatabase:\n  host: localhost\n  # the pool the app opens\n  pool: 7\n',
  'src/main.rs': [
    'mod settings;',
    'use sqlx::postgres::PgPoolOptions;',
    '',
    '#[tokio::main]',
    'async fn main() {',
    '    let settings = settings::get().expect("settings");',
    '    let pool = PgPoolOptions::new()',
    '        .max_connections(settings.database.pool)',
    '        .connect_lazy(&std::env::var("DATABASE_URL").unwrap())',
    '        .unwrap();',
    '    serve(pool).await;',
    '}',
    '',
    '// Another struct with a field of that name, set from what conncalc cannot read.',
    'struct Holder { pool: u32 }',
    'impl Holder { fn copy(&self) -> Holder { Holder { pool: self.pool } } }',
    '',
  ].join('\n'),
  'src/settings.rs': [
    'use config::{Config, Environment, File};',
    '',
    '#[derive(serde::Deserialize)]',
    'pub struct Settings { pub database: DatabaseSettings }',
    '#[derive(serde::Deserialize)]',
    'pub struct DatabaseSettings { pub host: String, pub pool: u32 }',
    '',
    'pub fn get() -> Result<Settings, config::ConfigError> {',
    '    Config::builder()',
    '        .add_source(File::with_name("config/base"))',
    '        .add_source(Environment::with_prefix("APP").separator("__"))',
    '        .build()?',
    '        .try_deserialize()',
    '}',
    '',
  ].join('\n'),
}

const figment = {
  'Cargo.lock': lock('figment'),
  'Cargo.toml': cargo('figment = { version = "0.10", features = ["toml", "env"] }'),
  'Procfile': 'web: ./target/release/app\n',
  'config.default.toml': '# defaults\nlisten_address = "0.0.0.0:8071"\ndb_pool_max_size = 25\n',
  'src/cfg.rs': [
    'use figment::{Figment, providers::{Env, Format, Toml}};',
    '',
    'const DEFAULTS: &str = include_str!("../config.default.toml");',
    '',
    '#[derive(serde::Deserialize)]',
    'pub struct Configuration { pub db_pool_max_size: u16 }',
    '',
    'pub fn load() -> Configuration {',
    '    Figment::new().merge(Toml::string(DEFAULTS)).merge(Env::prefixed("SVC_")).extract().unwrap()',
    '}',
    '',
  ].join('\n'),
  'src/main.rs': [
    'mod cfg;',
    'use sqlx::postgres::PgPoolOptions;',
    '',
    '#[tokio::main]',
    'async fn main() {',
    '    let cfg = cfg::load();',
    '    let pool = PgPoolOptions::new().max_connections(cfg.db_pool_max_size.into()).connect_lazy("").unwrap();',
    '    run(pool).await;',
    '}',
    '',
  ].join('\n'),
}

const plan = (files: Record<string, string>, ...args: string[]) => planJson(join(app(files), 'Procfile'), ['--limit', '120', '--scale', 'web=1:standard-1x', ...args])

describe('Rust pool sizes from the config crate / Figment settings files', () => {
  it('config crate, File::with_name("config/base") (YAML): database.pool 7, read from config/base.yaml:6, unstarred', () => {
    const r = plan(configCrate)
    expect(r.exit).toBe(0)
    expect(r.type('web')).toMatchObject({connections: 7, poolPerProcess: 7})
    expect(JSON.stringify(r.type('web').sources)).toContain('"file":"config/base.yaml","kind":"file","line":6')
    expect(r.codes).not.toContain('unknown-config-value')
  })

  it('config crate: APP_DATABASE__POOL (Environment::with_prefix("APP").separator("__")) overrides the file: 12', () => {
    expect(plan(configCrate, '--env', 'APP_DATABASE__POOL=12').type('web')).toMatchObject({connections: 12, poolPerProcess: 12})
  })

  it('Figment over include_str!("../config.default.toml"): db_pool_max_size 25; SVC_DB_POOL_MAX_SIZE=40 overrides it', () => {
    const r = plan(figment)
    expect(r.type('web')).toMatchObject({connections: 25, poolPerProcess: 25})
    expect(JSON.stringify(r.type('web').sources)).toContain('"file":"config.default.toml","kind":"file","line":3')
    expect(plan(figment, '--env', 'SVC_DB_POOL_MAX_SIZE=40').type('web')).toMatchObject({connections: 40})
  })

  it('two files the code names with different numbers for the key (default, then production over it): not decided, the sqlx default 10, starred', () => {
    const layered = {
      ...configCrate,
      'config/production.yaml': 'database:\n  pool: 30\n',
      'src/settings.rs': configCrate['src/settings.rs'].replace('.add_source(File::with_name("config/base"))', '.add_source(File::with_name("config/base"))\n        .add_source(File::with_name("config/production"))'),
    }
    const r = plan(layered)
    expect(r.type('web').poolPerProcess).toBe(10)
    expect(r.codes).toContain('unknown-config-value')
    // The same number in both: that number.
    expect(plan({...layered, 'config/production.yaml': 'database:\n  pool: 7\n'}).type('web').poolPerProcess).toBe(7)
  })

  it('a key the files do not have stays unread: the sqlx default 10, starred', () => {
    const r = plan({...figment, 'config.default.toml': 'listen_address = "0.0.0.0:8071"\n'})
    expect(r.type('web').poolPerProcess).toBe(10)
    expect(r.codes).toContain('unknown-config-value')
  })
})
