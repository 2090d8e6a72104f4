import {describe, expect, it} from 'vitest'

import {binaryOf, rust} from '../../src/languages/rust/rust.js'
import {describeSourced, isAssumption} from '../../src/model/source.js'
import {analyzeWith, ctxFor} from '../analyzers/helpers.js'
import {isRust} from '../../src/languages/common/matchers.js'
import {memoryFiles} from '../../src/model/files.js'

const run = (command: string, files: Record<string, string>, env: Record<string, string> = {}, size = 'standard-1x') => analyzeWith(rust, command, files, env, size)

const toml = (name: string, deps: string[]) => [`[package]`, `name = "${name}"`, `version = "0.1.0"`, `edition = "2021"`, '', '[dependencies]', ...deps, '', '[dev-dependencies]', 'sqlx-test = "1"', ''].join('\n')
const lock = (crates: Record<string, string>) => ['version = 3', '', ...Object.entries(crates).flatMap(([name, version]) => ['[[package]]', `name = "${name}"`, `version = "${version}"`, '']), ''].join('\n')

const SQLX = {'Cargo.lock': lock({'sqlx': '0.7.4', 'sqlx-postgres': '0.7.4', tokio: '1.38.0'}), 'Cargo.toml': toml('shop', ['sqlx = { version = "0.7", features = ["postgres", "runtime-tokio"] }', 'tokio = "1"'])}

describe('Rust binaries (tree-sitter-rust)', () => {
  it('names the binary from ./target/release/NAME, cargo run --bin NAME, or a bare NAME', () => {
    expect(binaryOf(['./target/release/shop'])).toBe('shop')
    expect(binaryOf(['target/release/shop-api', 'serve'])).toBe('shop-api')
    expect(binaryOf(['cargo', 'run', '--release', '--bin', 'worker'])).toBe('worker')
    expect(binaryOf(['shop'])).toBe('shop')
    // cargo build --target TRIPLE puts it under target/TRIPLE/release (rust-lang/rfcbot-rs's heroku.yml image).
    expect(binaryOf(['./target/x86_64-unknown-linux-musl/release/rfcbot-rs'])).toBe('rfcbot-rs')
    const musl = ctxFor('./target/x86_64-unknown-linux-musl/release/rfcbot-rs', {files: memoryFiles(SQLX)})
    expect(isRust(musl.command, musl)).toBe(true)
  })

  it('sqlx PgPoolOptions with no max_connections: sqlx default 10, cited at the locked version', async () => {
    const main = ['use sqlx::postgres::PgPoolOptions;', '', '#[tokio::main]', 'async fn main() {', '    let url = std::env::var("DATABASE_URL").unwrap();', '    let pool = PgPoolOptions::new()', '        .connect(&url)', '        .await', '        .unwrap();', '}'].join('\n')
    const a = await run('./target/release/shop', {...SQLX, 'src/main.rs': main})
    // One pool, sqlx-core 0.7.4 options.rs:144 `max_connections: 10`; one process per dyno: 1 × 10.
    expect(a.pools?.map((p) => p.pool.value)).toEqual([10])
    expect(a.pools![0].database).toBe('sqlx src/main.rs:6')
    expect(describeSourced(a.pools![0].pool)).toContain('launchbadge/sqlx/blob/v0.7.4/sqlx-core/src/pool/options.rs#L144')
    expect(isAssumption(a.pools![0].pool)).toBe(false)
    expect(a.processesPerDyno.value).toBe(1)
    expect(a.threadsPerProcess.value).toBe(10)
  })

  it('max_connections from env::var(...).parse with unwrap_or: the env value when set, the fallback when not', async () => {
    const main = [
      'use sqlx::postgres::PgPoolOptions;',
      'const FALLBACK: u32 = 4 * 3;',
      'async fn pool() -> sqlx::PgPool {',
      '    let max: u32 = std::env::var("DB_POOL").ok().and_then(|v| v.parse().ok()).unwrap_or(FALLBACK);',
      '    PgPoolOptions::new().max_connections(max).connect(&std::env::var("DATABASE_URL").unwrap()).await.unwrap()',
      '}',
      'fn main() {}',
    ].join('\n')
    // Unset: FALLBACK = 4 * 3 = 12.
    const unset = await run('./target/release/shop', {...SQLX, 'src/main.rs': main})
    expect(unset.pools?.map((p) => p.pool.value)).toEqual([12])
    expect(unset.pools![0].pool.source).toEqual({file: 'src/main.rs', kind: 'file', line: 5})
    expect(unset.diagnostics).toEqual([])
    // Set: DB_POOL=7 → 7, sourced to the env entry.
    const set = await run('./target/release/shop', {...SQLX, 'src/main.rs': main}, {DB_POOL: '7'})
    expect(set.pools?.map((p) => p.pool.value)).toEqual([7])
    expect(set.pools![0].pool.via).toContainEqual(expect.objectContaining({kind: 'env', name: 'DB_POOL'}))
  })

  it('an expression conncalc cannot read: the default, starred, naming the file:line', async () => {
    const main = ['use sqlx::postgres::PgPoolOptions;', 'async fn pool(settings: &Settings) {', '    let _p = PgPoolOptions::new()', '        .max_connections(settings.compute_pool())', '        .connect("postgres://x").await;', '}', 'fn main() {}'].join('\n')
    const a = await run('./target/release/shop', {...SQLX, 'src/main.rs': main})
    expect(a.pools?.map((p) => p.pool.value)).toEqual([10])
    expect(isAssumption(a.pools![0].pool)).toBe(true)
    expect(describeSourced(a.pools![0].pool)).toContain('the app sets the sqlx pool size at src/main.rs:4')
    expect(a.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', file: 'src/main.rs', line: 4}))
  })

  it('diesel with r2d2: Pool::builder().max_size(N).build(manager) in a module; test code and other binaries are not read', async () => {
    const files = {
      'Cargo.lock': lock({diesel: '2.1.6', 'pq-sys': '0.4.8', r2d2: '0.8.10'}),
      'Cargo.toml': toml('notes', ['diesel = { version = "2", features = ["postgres", "r2d2"] }']),
      'src/bin/seed.rs': 'use diesel::r2d2::Pool;\nfn main() { let _p = Pool::builder().max_size(50).build(m); }\n',
      'src/db.rs': [
        'use diesel::r2d2::{ConnectionManager, Pool};',
        'use diesel::PgConnection;',
        'pub const POOL_SIZE: u32 = 15;',
        'pub fn pool(url: &str) -> Pool<ConnectionManager<PgConnection>> {',
        '    let manager = ConnectionManager::<PgConnection>::new(url);',
        '    Pool::builder().max_size(POOL_SIZE).build(manager).unwrap()',
        '}',
        '#[cfg(test)]',
        'mod tests {',
        '    fn pool() { let _p = diesel::r2d2::Pool::builder().max_size(2).build(m); }',
        '}',
      ].join('\n'),
      'src/main.rs': 'mod db;\nfn main() { let _pool = db::pool(&std::env::var("DATABASE_URL").unwrap()); }\n',
    }
    const a = await run('./target/release/notes', files)
    // POOL_SIZE = 15 (src/db.rs:3); the seed binary's 50 and the test module's 2 are other programs.
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['r2d2 src/db.rs:6', 15]])
    expect(isAssumption(a.pools![0].pool)).toBe(false)
  })

  it('a type alias of r2d2\'s Pool: `PostgresPool::new(manager)` is r2d2\'s Pool::new, max_size 10 (was: no pool found, 10 assumed)', async () => {
    const db = [
      'use diesel::pg::PgConnection;',
      'use diesel::r2d2::ConnectionManager;',
      'use r2d2;',
      'pub type PostgresPool = r2d2::Pool<ConnectionManager<PgConnection>>;',
      'pub fn pool() -> PostgresPool {',
      '    let manager = ConnectionManager::<PgConnection>::new(std::env::var("DATABASE_URL").unwrap());',
      '    PostgresPool::new(manager).expect("pool")',
      '}',
    ].join('\n')
    const files = {
      'Cargo.lock': lock({diesel: '1.4.8', 'pq-sys': '0.4.6', r2d2: '0.8.9'}),
      'Cargo.toml': toml('clinic', ['diesel = { version = "1.4", features = ["postgres", "r2d2"] }', 'r2d2 = "0.8"']),
      'src/db.rs': db,
      'src/main.rs': 'mod db;\nfn main() { let _pool = db::pool(); }\n',
    }
    const a = await run('./target/release/clinic', files)
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['r2d2 src/db.rs:7', 10]])
    expect(isAssumption(a.pools![0].pool)).toBe(false)
    // The same call in a lazy_static! block (parsed on its own) takes the file's alias too.
    const lazy = db.replace(/pub fn pool\(\)[\s\S]*$/, 'lazy_static::lazy_static! {\n    pub static ref POOL: PostgresPool = {\n        let manager = ConnectionManager::<PgConnection>::new(std::env::var("DATABASE_URL").unwrap());\n        PostgresPool::new(manager).expect("pool")\n    };\n}')
    const inMacro = await run('./target/release/clinic', {...files, 'Cargo.toml': toml('clinic', ['diesel = { version = "1.4", features = ["postgres", "r2d2"] }', 'r2d2 = "0.8"', 'lazy_static = "1"']), 'src/db.rs': lazy, 'src/main.rs': 'mod db;\nfn main() { lazy_static::initialize(&db::POOL); }\n'})
    expect(inMacro.pools?.map((p) => [p.database, p.pool.value])).toEqual([['r2d2 src/db.rs:8', 10]])
    expect(isAssumption(inMacro.pools![0].pool)).toBe(false)
    // An alias of another type's Pool (a Redis pool's) is not r2d2's PostgreSQL pool.
    const other = await run('./target/release/clinic', {...files, 'src/db.rs': db.replace('pub type PostgresPool = r2d2::Pool<ConnectionManager<PgConnection>>;', 'pub type PostgresPool = deadpool::Pool<Manager>;')})
    expect(other.pools?.map((p) => p.database) ?? []).not.toContain('r2d2 src/db.rs:7')
  })

  it('a pool made in a lazy_static! block is read; r2d2\'s bare Pool::new(manager) is r2d2\'s default pool', async () => {
    const files = {
      'Cargo.lock': lock({diesel: '2.1.6', 'pq-sys': '0.4.8', r2d2: '0.8.10'}),
      'Cargo.toml': toml('notes', ['diesel = { version = "2", features = ["postgres", "r2d2"] }', 'lazy_static = "1"']),
      'src/db.rs': [
        'use diesel::r2d2::{ConnectionManager, Pool};',
        'use lazy_static::lazy_static;',
        'lazy_static! {',
        '    static ref POOL: Pool<ConnectionManager<PgConnection>> = {',
        '        let manager = ConnectionManager::<PgConnection>::new(std::env::var("DATABASE_URL").unwrap());',
        '        Pool::new(manager).expect("pool")',
        '    };',
        '}',
      ].join('\n'),
      'src/main.rs': 'mod db;\nfn main() { let _workers = rayon::ThreadPool::new(4); }\n',
    }
    // r2d2 Pool::new(manager) = Pool::builder().build(manager) (sfackler/r2d2 src/lib.rs), Builder max_size 10: 1 × 10.
    // Before: the macro body was a token tree, no pool was found: 1 counted with an unknown-config-value.
    const a = await run('./target/release/notes', files)
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['r2d2 src/db.rs:6', 10]])
    expect(isAssumption(a.pools![0].pool)).toBe(false)
    expect(a.diagnostics).toEqual([])
    // A size in the block's builder chain, from a const of the file: read (12), not the default.
    const sized = {...files, 'src/db.rs': ['use diesel::r2d2::{ConnectionManager, Pool};', 'const POOL_MAX: u32 = 12;', 'lazy_static::lazy_static! {', '    static ref POOL: Pool<ConnectionManager<PgConnection>> = Pool::builder().max_size(POOL_MAX).build(ConnectionManager::new("x")).unwrap();', '}'].join('\n')}
    const b = await run('./target/release/notes', sized)
    expect(b.pools?.map((p) => [p.database, p.pool.value])).toEqual([['r2d2 src/db.rs:4', 12]])
  })

  it('deadpool-postgres with no size: num_cpus::get_physical() * 4 → the dyno\'s CPUs × 4, starred; PoolConfig::new(n) is read', async () => {
    const files = {
      'Cargo.lock': lock({deadpool: '0.12.1', 'deadpool-postgres': '0.14.0', 'tokio-postgres': '0.7.11'}),
      'Cargo.toml': toml('api', ['deadpool-postgres = "0.14"', 'tokio-postgres = "0.7"']),
      'src/main.rs': 'use deadpool_postgres::{Config, Runtime};\nfn main() {\n    let cfg = Config::new();\n    let pool = cfg.create_pool(Some(Runtime::Tokio1), tokio_postgres::NoTls).unwrap();\n}\n',
    }
    // standard-1x reports 8 CPUs (plans/dyno-sizes.json): 8 × 4 = 32.
    const a = await run('./target/release/api', files)
    expect(a.pools?.map((p) => p.pool.value)).toEqual([32])
    expect(isAssumption(a.pools![0].pool)).toBe(true)
    expect(describeSourced(a.pools![0].pool)).toContain('deadpool-v0.12.2/src/managed/config.rs#L54')
    expect(a.diagnostics.map((d) => d.code)).toContain('cpu-count-default')
    const sized = {...files, 'src/main.rs': 'use deadpool_postgres::{Config, PoolConfig, Runtime};\nfn main() {\n    let mut cfg = Config::new();\n    cfg.pool = Some(PoolConfig::new(6));\n    let pool = cfg.create_pool(Some(Runtime::Tokio1), tokio_postgres::NoTls).unwrap();\n}\n'}
    const b = await run('./target/release/api', sized)
    expect(b.pools?.map((p) => p.pool.value)).toEqual([6])
    expect(b.diagnostics.map((d) => d.code)).not.toContain('cpu-count-default')
  })

  it('bb8 default 10; sea-orm ConnectOptions max_connections through a let', async () => {
    const bb8 = await run('./target/release/api', {
      'Cargo.lock': lock({bb8: '0.8.6', 'bb8-postgres': '0.8.1', 'tokio-postgres': '0.7.11'}),
      'Cargo.toml': toml('api', ['bb8 = "0.8"', 'bb8-postgres = "0.8"']),
      'src/main.rs': 'async fn main() {\n    let manager = PostgresConnectionManager::new_from_stringlike(url, NoTls).unwrap();\n    let pool = bb8::Pool::builder().build(manager).await.unwrap();\n}\n',
    })
    expect(bb8.pools?.map((p) => [p.database, p.pool.value])).toEqual([['bb8 src/main.rs:3', 10]])
    expect(describeSourced(bb8.pools![0].pool)).toContain('djc/bb8/blob/v0.8.6/bb8/src/api.rs#L171')
    const sea = await run('./target/release/api', {
      'Cargo.lock': lock({'sea-orm': '0.12.15', sqlx: '0.7.4', 'sqlx-postgres': '0.7.4'}),
      'Cargo.toml': toml('api', ['sea-orm = { version = "0.12", features = ["sqlx-postgres"] }']),
      'src/main.rs': 'async fn main() {\n    let mut opt = ConnectOptions::new(std::env::var("DATABASE_URL").unwrap());\n    opt.max_connections(25).min_connections(5);\n    let db = Database::connect(opt).await.unwrap();\n}\n',
    })
    expect(sea.pools?.map((p) => [p.database, p.pool.value])).toEqual([['sea-orm src/main.rs:4', 25]])
  })

  it('a pool size chosen by the database\'s kind (`if url.db_type() == "sqlite" { 1 } else { 5 }`): the other branch, 5, on PostgreSQL', async () => {
    // lldap/lldap server/src/main.rs. Before: the if was not evaluated, so sea-orm's default 10 was counted, starred.
    const files = (cond: string): Record<string, string> => ({
      'Cargo.lock': lock({'sea-orm': '1.1.0', sqlx: '0.8.2', 'sqlx-postgres': '0.8.2'}),
      'Cargo.toml': toml('api', ['sea-orm = { version = "1", features = ["sqlx-postgres", "sqlx-sqlite"] }']),
      'src/main.rs': ['async fn main() {', '    let url = std::env::var("DATABASE_URL").unwrap();', '    let db_type = url.split(\':\').next().unwrap();', `    let num_connections = if ${cond} {`, '        1', '    } else {', '        5', '    };', '    let mut opt = ConnectOptions::new(url.clone());', '    opt.max_connections(num_connections);', '    let db = Database::connect(opt).await.unwrap();', '}', ''].join('\n'),
    })
    const eq = await run('./target/release/api', files('db_type == "sqlite"'))
    expect(eq.pools?.map((p) => p.pool.value)).toEqual([5])
    expect(isAssumption(eq.pools![0].pool)).toBe(false)
    // `!=` a MySQL name: the first branch runs on PostgreSQL.
    const ne = await run('./target/release/api', files('db_type != "mysql"'))
    expect(ne.pools?.map((p) => p.pool.value)).toEqual([1])
    // A condition on something else is not decided: sea-orm's default, starred.
    const other = await run('./target/release/api', files('url.is_empty()'))
    expect(isAssumption(other.pools![0].pool)).toBe(true)
  })

  it("`std::cmp::max(SETTINGS.database.pool_size, 2)` with a smart-default `#[default(30)]` field: 30, assumed; `.min(n)` and `max` computed", async () => {
    // LemmyNet/lemmy's shape: a LazyLock SETTINGS filled from a config file at runtime, its DatabaseConfig deriving
    // SmartDefault with `#[default(30)] pub pool_size: usize`; the pool is `max(SETTINGS.database.pool_size, 2)`.
    // Hand: 30 unless the config file says otherwise (not read here): 30, starred. `.min(12)` on it: 12, still starred.
    // Two structs declaring pool_size with different defaults: unknown (deadpool's default, as before).
    // Before: `max(…)` was not computed, so deadpool's default (CPUs × 4 = 32) was counted.
    const settings = ['use smart_default::SmartDefault;', 'use std::sync::LazyLock;', 'pub static SETTINGS: LazyLock<Settings> = LazyLock::new(|| Settings::init().expect("config"));', '#[derive(SmartDefault)]', 'pub struct Settings {', '  pub database: DatabaseConfig,', '}', '#[derive(SmartDefault)]', 'pub struct DatabaseConfig {', '  /// Maximum number of active sql connections', '  #[default(30)]', '  pub pool_size: usize,', '}', ''].join('\n')
    const main = (expr: string) => ['mod settings;', 'use settings::SETTINGS;', 'fn main() {', `    let pool_size = ${expr};`, '    let manager = AsyncDieselConnectionManager::new(url);', '    let pool = Pool::builder(manager).max_size(pool_size).build().unwrap();', '}'].join('\n')
    const app = (expr: string, extra: Record<string, string> = {}) => ({'Cargo.lock': lock({deadpool: '0.12.1', diesel: '2.2.0', 'diesel-async': '0.5.0'}), 'Cargo.toml': toml('api', ['diesel-async = { version = "0.5", features = ["deadpool", "postgres"] }', 'smart-default = "0.7"']), 'src/main.rs': main(expr), 'src/settings.rs': settings, ...extra})
    const sized = await run('./target/release/api', app('std::cmp::max(SETTINGS.database.pool_size, 2)'))
    expect(sized.pools?.map((p) => [p.database, p.pool.value])).toEqual([['deadpool src/main.rs:6', 30]])
    expect(isAssumption(sized.pools![0].pool)).toBe(true)
    expect(describeSourced(sized.pools![0].pool)).toContain("`SETTINGS.database.pool_size` is the field's #[default(30)] (src/settings.rs:11)")
    const capped = await run('./target/release/api', app('SETTINGS.database.pool_size.min(12)'))
    expect(capped.pools?.map((p) => p.pool.value)).toEqual([12])
    const literal = await run('./target/release/api', app('max(4, 2 * 3)'))
    expect(literal.pools?.map((p) => p.pool.value)).toEqual([6])
    expect(isAssumption(literal.pools![0].pool)).toBe(false)
    const two = await run('./target/release/api', app('std::cmp::max(SETTINGS.database.pool_size, 2)', {'src/other.rs': '#[derive(SmartDefault)]\npub struct Replica {\n  #[default(5)]\n  pub pool_size: usize,\n}\n'}))
    expect(two.pools?.map((p) => p.pool.value)).toEqual([32])
    expect(isAssumption(two.pools![0].pool)).toBe(true)
  })

  it("diesel-async's custom_setup connector is the pool's, not a connection of its own; a crate with no PostgreSQL is 0", async () => {
    const files = {
      'Cargo.lock': lock({deadpool: '0.12.1', diesel: '2.2.0', 'diesel-async': '0.5.0', 'tokio-postgres': '0.7.11'}),
      'Cargo.toml': toml('api', ['diesel-async = { version = "0.5", features = ["deadpool", "postgres"] }']),
      'src/main.rs': [
        'fn main() {',
        '    let mut config = ManagerConfig::default();',
        '    config.custom_setup = Box::new(|url| Box::pin(establish(url)));',
        '    let manager = AsyncDieselConnectionManager::new_with_config(url, config);',
        '    let pool = Pool::builder(manager).max_size(8).build().unwrap();',
        '}',
        'async fn establish(url: &str) -> ConnectionResult<AsyncPgConnection> {',
        '    let (client, conn) = tokio_postgres::connect(url, tls).await.unwrap();',
        '    AsyncPgConnection::try_from_client_and_connection(client, conn).await',
        '}',
      ].join('\n'),
    }
    const a = await run('./target/release/api', files)
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['deadpool src/main.rs:5', 8]])
    expect(describeSourced(a.pools![0].pool)).toContain('the tokio-postgres connection at src/main.rs:8 is not counted on its own')
    const none = await run('./target/release/api', {'Cargo.lock': lock({axum: '0.7.5', tokio: '1.38.0'}), 'Cargo.toml': toml('api', ['axum = "0.7"']), 'src/main.rs': 'fn main() {}\n'})
    expect(none.threadsPerProcess.value).toBe(0)
    expect(none.pools).toEqual([])
  })

  it('a single tokio_postgres::connect is 1, starred (made per request it would be more)', async () => {
    const a = await run('./target/release/api', {
      'Cargo.lock': lock({'tokio-postgres': '0.7.11'}),
      'Cargo.toml': toml('api', ['tokio-postgres = "0.7"']),
      'src/main.rs': 'async fn main() {\n    let (client, connection) = tokio_postgres::connect(&url, NoTls).await.unwrap();\n}\n',
    })
    expect(a.pools?.map((p) => p.pool.value)).toEqual([1])
    expect(isAssumption(a.pools![0].pool)).toBe(true)
  })

  it('Cargo.toml read as TOML: a dotted-key path dependency is followed; a manifest that is not TOML is said', async () => {
    const files = {
      'Cargo.lock': lock({'sqlx': '0.8.6', 'sqlx-postgres': '0.8.6'}),
      'Cargo.toml': '[workspace]\nmembers = [\n  "crates/*", # every crate\n]\n',
      'crates/api/Cargo.toml': '[package]\nname = "api"\nversion = "0.1.0"\n\n[dependencies]\nstore.path = "../store"\n',
      'crates/api/src/main.rs': 'fn main() { let _p = store::pool(); }\n',
      'crates/store/Cargo.toml': '[package]\nname = "store"\nversion = "0.1.0"\n\n[target.\'cfg(unix)\'.dependencies]\ndb = { package = "sqlx", version = "0.8", features = ["postgres"] }\n',
      'crates/store/src/lib.rs': 'pub async fn pool() -> db::PgPool {\n    db::postgres::PgPoolOptions::new().max_connections(6).connect("postgres://x").await.unwrap()\n}\n',
    }
    // api depends on store through `store.path` (a dotted key): store's lib.rs makes the pool, max_connections(6) → 6.
    const a = await run('./target/release/api', files)
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['sqlx crates/store/src/lib.rs:2', 6]])
    expect(a.diagnostics).toEqual([])
    const bad = await run('./target/release/api', {...files, 'crates/api/Cargo.toml': '[package\nname = "api"\n'})
    expect(bad.diagnostics).toContainEqual(expect.objectContaining({code: 'unparsable-config', file: 'crates/api/Cargo.toml', line: 1}))
  })

  it('a crate in a folder the Procfile runs from (`svc/api/target/release/api`, RustConfig BUILD_PATH=svc/api) is read there', async () => {
    const files = {
      'Cargo.toml': '[workspace]\nmembers = ["tools"]\nexclude = ["svc/api"]\n',
      RustConfig: 'BUILD_PATH=svc/api\n',
      'svc/api/Cargo.lock': lock({sqlx: '0.7.4', 'sqlx-postgres': '0.7.4'}),
      'svc/api/Cargo.toml': '[package]\nname = "api"\nversion = "0.1.0"\n\n[dependencies]\nsqlx = { version = "0.7", features = ["postgres"] }\n',
      'svc/api/src/main.rs': 'use sqlx::postgres::PgPoolOptions;\n\n#[tokio::main]\nasync fn main() {\n    let pool = PgPoolOptions::new().max_connections(6).connect(&std::env::var("DATABASE_URL").unwrap()).await.unwrap();\n}\n',
      'tools/Cargo.toml': '[package]\nname = "tools"\nversion = "0.1.0"\n',
      'tools/src/main.rs': 'fn main() {}\n',
    }
    // The buildpack builds in svc/api and copies its binaries to svc/api/target/release (emk bin/compile:138-142):
    // the api crate's main makes the pool, max_connections(6) → 6 (before: no crate found, 1 assumed).
    const ctx = ctxFor('./svc/api/target/release/api', {files: memoryFiles(files)})
    expect(isRust(ctx.command, ctx)).toBe(true)
    const a = await run('./svc/api/target/release/api', files)
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['sqlx svc/api/src/main.rs:5', 6]])
    expect(a.versions).toMatchObject({sqlx: '0.7.4'})
    expect(describeSourced(a.processesPerDyno)).toContain('svc/api/target/release holds what cargo built in svc/api')
    // A folder with no Cargo.toml is not a crate: not taken as one.
    const none = ctxFor('./other/target/release/api', {files: memoryFiles({'tools/Cargo.toml': '[package]\nname = "tools"\n'})})
    expect(isRust(none.command, none)).toBe(false)
  })

  it("Rocket's managed pools: databases.NAME.max_connections / pool_size from Rocket.toml by profile and ROCKET_* env, else workers × 4", async () => {
    const main = ['use rocket_db_pools::{sqlx, Database};', '', '#[derive(Database)]', '#[database("notes")]', 'struct Notes(sqlx::PgPool);', '', '#[derive(Database)]', '#[database("cache")]', 'struct Cache(sqlx::SqlitePool);', '', '#[launch]', 'fn rocket() -> _ {', '    rocket::build().attach(Notes::init()).attach(Cache::init())', '}'].join('\n')
    const files = {
      'Cargo.lock': lock({rocket: '0.5.1', rocket_db_pools: '0.2.0', sqlx: '0.7.4', 'sqlx-postgres': '0.7.4'}),
      'Cargo.toml': toml('notes', ['rocket = "0.5"', 'rocket_db_pools = { version = "0.2", features = ["sqlx_postgres", "sqlx_sqlite"] }']),
      'Rocket.toml': ['[default.databases.notes]', 'url = "postgres://localhost/notes"', '', '[release]', 'workers = 3', '', '[debug.databases.notes]', 'max_connections = 2', ''].join('\n'),
      'src/main.rs': main,
    }
    // Release build: no max_connections in [global]/[release]/[default] → workers × 4, workers = 3 ([release], Rocket.toml:5) → 12.
    // The SQLite "cache" pool is another database: not counted.
    const a = await run('./target/release/notes', files)
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['rocket_db_pools "notes" src/main.rs:4', 12]])
    expect(describeSourced(a.pools![0].pool)).toContain('Rocket.toml:5')
    expect(describeSourced(a.pools![0].pool)).toContain('rwf2/Rocket/blob/v0.5.1/contrib/db_pools/lib/src/database.rs')
    // `cargo run` is a debug build: [debug.databases.notes] max_connections = 2 (Rocket.toml:8).
    const debug = await run('cargo run', files)
    expect(debug.pools?.map((p) => p.pool.value)).toEqual([2])
    expect(debug.pools![0].pool.source).toEqual({file: 'Rocket.toml', kind: 'file', line: 8})
    // ROCKET_DATABASES (global, over the file) → 7.
    const env = await run('./target/release/notes', files, {ROCKET_DATABASES: '{notes={url="postgres://x",max_connections=7}}'})
    expect(env.pools?.map((p) => p.pool.value)).toEqual([7])
    // No Rocket.toml: workers = num_cpus::get(), a standard-1x reports 8 → 8 × 4 = 32, with the CPU-count warning.
    const {'Rocket.toml': _, ...bare} = files
    const cpus = await run('./target/release/notes', bare)
    expect(cpus.pools?.map((p) => p.pool.value)).toEqual([32])
    expect(cpus.diagnostics.map((d) => d.code)).toContain('cpu-count-default')
  })

  it('rocket_sync_db_pools: pool_size inline under [default.databases]; a value conncalc cannot read is said', async () => {
    const files = {
      'Cargo.lock': lock({diesel: '2.1.6', 'pq-sys': '0.4.8', rocket: '0.5.1', rocket_sync_db_pools: '0.1.0'}),
      'Cargo.toml': toml('blog', ['rocket_sync_db_pools = { version = "0.1", features = ["diesel_postgres_pool"] }']),
      'Rocket.toml': ['[default.databases]', 'blog_db = { url = "postgres://localhost/blog", pool_size = 5 }', ''].join('\n'),
      'src/main.rs': '#[database("blog_db")]\npub struct BlogDb(diesel::PgConnection);\nfn main() {}\n',
    }
    // pool_size = 5 at Rocket.toml:2 ([default], nothing in [release]/[global]).
    const a = await run('./target/release/blog', files)
    expect(a.pools?.map((p) => [p.database, p.pool.value])).toEqual([['rocket_sync_db_pools "blog_db" src/main.rs:1', 5]])
    expect(a.pools![0].pool.source).toEqual({file: 'Rocket.toml', kind: 'file', line: 2})
    const bad = await run('./target/release/blog', {...files, 'Rocket.toml': '[release.databases.blog_db]\npool_size = "many"\n[release]\nworkers = 2\n'})
    // "many" is not an integer: workers 2 × 4 = 8, starred, with a warning naming the key.
    expect(bad.pools?.map((p) => p.pool.value)).toEqual([8])
    expect(isAssumption(bad.pools![0].pool)).toBe(true)
    expect(bad.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', message: expect.stringContaining('databases.blog_db.pool_size')}))
  })

  it('a pool built in a shared module counts only in the binaries whose code calls its builder, directly or through other functions', async () => {
    // src/lib.rs: `pub mod db; pub mod mail; pub mod jobs;`. db::connect() builds PgPoolOptions max_connections(8)
    // (src/db.rs:3). src/main.rs (binary shop) calls shop::db::connect(); src/bin/mailer.rs calls only
    // shop::mail::send(), which names no db function; src/bin/sweeper.rs calls shop::jobs::sweep(), which calls
    // crate::db::connect(). Hand: shop 8; mailer 0 (its code never reaches connect); sweeper 8.
    const files = {
      ...SQLX,
      'src/bin/mailer.rs': '#[tokio::main]\nasync fn main() {\n    shop::mail::send("hi").await;\n}\n',
      'src/bin/sweeper.rs': '#[tokio::main]\nasync fn main() {\n    shop::jobs::sweep().await;\n}\n',
      'src/db.rs': 'use sqlx::postgres::{PgPool, PgPoolOptions};\npub async fn connect() -> PgPool {\n    PgPoolOptions::new().max_connections(8).connect(&std::env::var("DATABASE_URL").unwrap()).await.unwrap()\n}\n',
      'src/jobs.rs': 'pub async fn sweep() {\n    let pool = crate::db::connect().await;\n    sqlx::query("delete from carts where stale").execute(&pool).await.unwrap();\n}\n',
      'src/lib.rs': 'pub mod db;\npub mod jobs;\npub mod mail;\n',
      'src/mail.rs': 'pub async fn send(body: &str) {\n    println!("{body}");\n}\n',
      'src/main.rs': '#[tokio::main]\nasync fn main() {\n    let pool = shop::db::connect().await;\n    serve(pool).await;\n}\nasync fn serve(_p: sqlx::PgPool) {}\n',
    }
    const web = await run('./target/release/shop', files)
    expect(web.pools?.map((p) => p.pool.value)).toEqual([8])
    expect(web.pools![0].pool.source).toEqual({file: 'src/db.rs', kind: 'file', line: 3})
    const mailer = await run('./target/release/mailer', files)
    expect(mailer.pools).toEqual([])
    expect(mailer.threadsPerProcess.value).toBe(0)
    expect(JSON.stringify(mailer.threadsPerProcess)).toContain('src/db.rs:3')
    expect(mailer.diagnostics.map((d) => d.code)).not.toContain('unknown-config-value')
    const sweeper = await run('./target/release/sweeper', files)
    expect(sweeper.pools?.map((p) => p.pool.value)).toEqual([8])
  })

  it("one binary, clap subcommands: the Procfile's argument chooses the arm, other arms' modules are not read", async () => {
    const files = {
      ...SQLX,
      'src/main.rs': [
        'mod db;',
        'mod serve;',
        'mod jobs;',
        '',
        '#[derive(clap::Parser)]',
        'enum Cmd {',
        '    Serve,',
        '    #[command(name = "work")]',
        '    RunJobs,',
        '}',
        '',
        'fn main() {',
        '    match Cmd::parse() {',
        '        Cmd::Serve => serve::run(),',
        '        Cmd::RunJobs => jobs::run(),',
        '    }',
        '}',
      ].join('\n'),
      'src/db.rs': 'pub struct DbConfig { pub pool_size: u32 }\npub async fn pool(c: &DbConfig) -> sqlx::PgPool {\n    sqlx::postgres::PgPoolOptions::new().max_connections(c.pool_size).connect("postgres://x").await.unwrap()\n}\n',
      'src/jobs.rs': 'pub async fn run() { let c = crate::db::DbConfig { pool_size: 12 }; crate::db::pool(&c).await; }\n',
      'src/serve.rs': 'pub async fn run() { let c = crate::db::DbConfig { pool_size: 4 }; crate::db::pool(&c).await; }\n',
    }
    // `serve` (kebab-case of Serve) runs serve::run(): pool_size 4 (src/serve.rs:1); jobs.rs's 12 is the other program's.
    const web = await run('./target/release/shop serve', files)
    expect(web.pools?.map((p) => p.pool.value)).toEqual([4])
    expect(isAssumption(web.pools![0].pool)).toBe(false)
    expect(web.pools![0].pool.via).toContainEqual({file: 'src/main.rs', kind: 'file', line: 14})
    // `work` is RunJobs' #[command(name = "work")]: 12.
    const worker = await run('./target/release/shop work', files)
    expect(worker.pools?.map((p) => p.pool.value)).toEqual([12])
    // No subcommand conncalc can match: both are read, the largest (12) counted and starred as before.
    const unknown = await run('./target/release/shop --help', files)
    expect(unknown.pools?.map((p) => p.pool.value)).toEqual([12])
    expect(isAssumption(unknown.pools![0].pool)).toBe(true)
    // A plain match on the first argument's string works the same way.
    const plain = {...files, 'src/main.rs': 'mod db;\nmod serve;\nmod jobs;\nfn main() {\n    match std::env::args().nth(1).as_deref() {\n        Some("web") => serve::run(),\n        Some("jobs") | Some("worker") => jobs::run(),\n        _ => eprintln!("usage"),\n    }\n}\n'}
    expect((await run('./target/release/shop web', plain)).pools?.map((p) => p.pool.value)).toEqual([4])
    expect((await run('./target/release/shop worker', plain)).pools?.map((p) => p.pool.value)).toEqual([12])
  })

  it("a pool size passed as a parameter is read at the function's callers; an env helper the app defines is followed into its body", async () => {
    const r2d2 = {'Cargo.lock': lock({diesel: '2.1.6', r2d2: '0.8.10'}), 'Cargo.toml': toml('ledger', ['diesel = { version = "2", features = ["postgres", "r2d2"] }'])}
    const db = [
      'use diesel::r2d2::{ConnectionManager, Pool};',
      'use diesel::PgConnection;',
      'pub fn open(url: &str, size: u32) -> Pool<ConnectionManager<PgConnection>> {',
      '    Pool::builder().max_size(size).build(ConnectionManager::new(url)).unwrap()',
      '}',
      'pub fn setting(key: &str, fallback: u32) -> u32 {',
      '    std::env::var(key).ok().and_then(|v| v.parse().ok()).unwrap_or(fallback)',
      '}',
    ].join('\n')
    const literal = await run('./target/release/ledger', {...r2d2, 'src/db.rs': db, 'src/main.rs': 'mod db;\nfn main() { let _p = db::open("postgres://x", 6); }\n'})
    // `size` of open(), called once with 6 (src/main.rs:2).
    expect(literal.pools?.map((p) => p.pool.value)).toEqual([6])
    expect(isAssumption(literal.pools![0].pool)).toBe(false)
    expect(literal.pools![0].pool.via).toContainEqual({file: 'src/main.rs', kind: 'file', line: 2})
    const main = 'mod db;\nfn main() { let _p = db::open("postgres://x", db::setting("LEDGER_POOL", 9)); }\n'
    // setting("LEDGER_POOL", 9): unset → its fallback parameter, 9.
    const unset = await run('./target/release/ledger', {...r2d2, 'src/db.rs': db, 'src/main.rs': main})
    expect(unset.pools?.map((p) => p.pool.value)).toEqual([9])
    expect(unset.diagnostics).toEqual([])
    // LEDGER_POOL=4 → 4, from the env entry.
    const set = await run('./target/release/ledger', {...r2d2, 'src/db.rs': db, 'src/main.rs': main}, {LEDGER_POOL: '4'})
    expect(set.pools?.map((p) => p.pool.value)).toEqual([4])
    expect(set.pools![0].pool.via).toContainEqual(expect.objectContaining({kind: 'env', name: 'LEDGER_POOL'}))
    // Two callers passing different sizes: which pool is which is not followed; said, r2d2's default 10 starred.
    const two = await run('./target/release/ledger', {...r2d2, 'src/db.rs': db, 'src/main.rs': 'mod db;\nfn main() {\n    let _a = db::open("postgres://a", 3);\n    let _b = db::open("postgres://b", 5);\n}\n'})
    expect(two.pools?.map((p) => p.pool.value)).toEqual([10])
    expect(isAssumption(two.pools![0].pool)).toBe(true)
    expect(two.diagnostics).toContainEqual(expect.objectContaining({code: 'unknown-config-value', message: expect.stringContaining('`size` is a parameter of open, called at src/main.rs:3, src/main.rs:4')}))
  })

  it('a parameter read through `use … as` aliases at its callers, only of its own module; a Redis r2d2 pool is not a PostgreSQL pool; `match env::var(…)` arms', async () => {
    // src/store.rs and src/cache.rs each define build_pool(url, size): store's an r2d2 diesel pool, cache's an r2d2_redis
    // pool (RedisConnectionManager). src/bin/web.rs imports them `as build_store_pool` / `as build_cache_pool` and passes
    // settings::store_pool() and 30; a #[cfg(test)] module calls store's with 50. store_pool() is
    // `match env::var("STORE_POOL") { Ok(v) => v.parse::<u32>().unwrap(), Err(_) => 7 }`.
    // Hand: one PostgreSQL pool, store's: STORE_POOL unset → the Err arm, 7; set to 3 → 3. The cache pool talks to Redis: not counted,
    // and its 30 (the largest size passed) is not the PostgreSQL pool's.
    const files = {
      'Cargo.lock': lock({diesel: '2.1.6', r2d2: '0.8.10', r2d2_redis: '0.14.0', redis: '0.20.0'}),
      'Cargo.toml': toml('acme', ['diesel = { version = "2", features = ["postgres", "r2d2"] }', 'r2d2_redis = "0.14"']),
      'src/bin/web.rs': [
        'use acme::cache::build_pool as build_cache_pool;',
        'use acme::settings;',
        'use acme::store::build_pool as build_store_pool;',
        'fn main() {',
        '    let url = std::env::var("DATABASE_URL").unwrap();',
        '    let _store = build_store_pool(&url, settings::store_pool());',
        '    let _cache = build_cache_pool(&std::env::var("REDIS_URL").unwrap(), 30);',
        '}',
      ].join('\n'),
      'src/cache.rs': [
        'use r2d2_redis::{r2d2::Pool, RedisConnectionManager};',
        'pub fn build_pool(url: &str, size: u32) -> Pool<RedisConnectionManager> {',
        '    let manager = RedisConnectionManager::new(url).unwrap();',
        '    Pool::builder().max_size(size).build(manager).expect("cache pool")',
        '}',
      ].join('\n'),
      'src/lib.rs': 'pub mod cache;\npub mod settings;\npub mod store;\n',
      'src/settings.rs': 'pub fn store_pool() -> u32 {\n    match std::env::var("STORE_POOL") {\n        Ok(v) => v.parse::<u32>().unwrap(),\n        Err(_) => 7,\n    }\n}\n',
      'src/store.rs': [
        'use diesel::r2d2::{ConnectionManager, Pool};',
        'use diesel::PgConnection;',
        'pub fn build_pool(url: &str, size: u32) -> Pool<ConnectionManager<PgConnection>> {',
        '    let manager = ConnectionManager::<PgConnection>::new(url);',
        '    Pool::builder().max_size(size).build(manager).expect("store pool")',
        '}',
        '#[cfg(test)]',
        'mod tests {',
        '    #[test]',
        '    fn builds() {',
        '        let _p = super::build_pool("postgres://localhost/test", 50);',
        '    }',
        '}',
      ].join('\n'),
    }
    const unset = await run('./target/release/web', files)
    expect(unset.pools?.map((p) => [p.database, p.pool.value])).toEqual([['r2d2 src/store.rs:5', 7]])
    expect(isAssumption(unset.pools![0].pool)).toBe(false)
    expect(unset.pools![0].pool.via).toContainEqual({file: 'src/bin/web.rs', kind: 'file', line: 6})
    expect(unset.diagnostics).toEqual([])
    const set = await run('./target/release/web', files, {STORE_POOL: '3'})
    expect(set.pools?.map((p) => p.pool.value)).toEqual([3])
    expect(set.pools![0].pool.via).toContainEqual(expect.objectContaining({kind: 'env', name: 'STORE_POOL'}))
  })

  it('a connection made per request (a route handler reaches it): Rocket 0.4 workers bound it; an async server does not (unbounded-pool)', async () => {
    // src/db.rs: connect() makes a diesel PgConnection. src/main.rs: #[get("/notes")] fn notes() calls db::connect() (one per request);
    // main() calls db::warm() once, which makes its own. rocket "0.4.10" runs requests on `workers` threads
    // (Rocket 0.4 config.rs: num_cpus × 2; ROCKET_ENV unset → production in a release build).
    // Hand: Rocket.toml [production] workers = 6 → 6 requests at once, each its own connection: 6 (+ warm()'s connection
    // is made and dropped at start: it is counted once, as before, 1). ROCKET_WORKERS=3 → 3 + 1.
    // No Rocket.toml: 8 CPUs × 2 = 16 (+1), with the CPU-count warning. [development] workers = 2 with ROCKET_ENV=dev: 2 (+1).
    // rocket 0.5 (async): the request connection has no bound: 1 counted, unbounded-pool said.
    const db = 'use diesel::prelude::*;\npub fn connect() -> PgConnection {\n    PgConnection::establish(&std::env::var("DATABASE_URL").unwrap()).unwrap()\n}\n'
    const warm = 'pub fn warm() {\n    let _c = diesel::PgConnection::establish("postgres://localhost/notes");\n}\n'
    const main = ['#[macro_use] extern crate rocket;', 'mod db;', '#[get("/notes")]', 'fn notes() -> String {', '    let _conn = db::connect();', '    String::new()', '}', 'fn main() {', '    db::warm();', '    rocket::ignite().mount("/", routes![notes]).launch();', '}'].join('\n')
    const app = (rocket: string, extra: Record<string, string> = {}) => ({'Cargo.toml': toml('notes', [`rocket = "${rocket}"`, 'diesel = { version = "1.4", features = ["postgres"] }']), 'src/db.rs': db + warm, 'src/main.rs': main, ...extra})
    const rocketToml = '[development]\nworkers = 2\n\n[production]\nworkers = 6\n'
    const pools = (a: Awaited<ReturnType<typeof run>>) => a.pools?.map((p) => [p.database, p.pool.value])
    const six = await run('./target/release/notes', app('0.4.10', {'Rocket.toml': rocketToml}))
    expect(pools(six)).toEqual([['diesel src/db.rs:3', 6], ['diesel src/db.rs:6', 1]])
    expect(isAssumption(six.pools![0].pool)).toBe(false)
    expect(six.pools![0].pool.via).toContainEqual({file: 'Rocket.toml', kind: 'file', line: 5})
    expect(six.diagnostics.map((d) => d.code)).toEqual([])
    // Rocket 0.4 is synchronous: its explain names worker threads, not tokio's async tasks (the numbers are the same).
    expect(describeSourced(six.threadsPerProcess)).toMatch(/^default: rocket 0\.4\.10 is synchronous: each of its `workers` threads serves one request at a time/)
    expect(describeSourced(six.processesPerDyno)).toContain('rocket 0.4.10 (synchronous, on hyper 0.10) serves requests on its `workers` threads')
    expect(describeSourced(six.threadsPerProcess)).not.toContain('tokio')
    expect(pools(await run('./target/release/notes', app('0.4.10', {'Rocket.toml': rocketToml}), {ROCKET_WORKERS: '3'}))).toEqual([['diesel src/db.rs:3', 3], ['diesel src/db.rs:6', 1]])
    expect(pools(await run('./target/release/notes', app('0.4.10', {'Rocket.toml': rocketToml}), {ROCKET_ENV: 'dev'}))).toEqual([['diesel src/db.rs:3', 2], ['diesel src/db.rs:6', 1]])
    const cpus = await run('./target/release/notes', app('0.4.10'))
    expect(pools(cpus)).toEqual([['diesel src/db.rs:3', 16], ['diesel src/db.rs:6', 1]])
    expect(cpus.diagnostics.map((d) => d.code)).toContain('cpu-count-default')
    const async5 = await run('./target/release/notes', app('0.5.1'))
    expect(describeSourced(async5.threadsPerProcess)).toContain('async tasks can use every pooled connection at once')
    expect(pools(async5)).toEqual([['diesel src/db.rs:3', 1], ['diesel src/db.rs:6', 1]])
    expect(isAssumption(async5.pools![0].pool)).toBe(true)
    expect(async5.diagnostics).toContainEqual(expect.objectContaining({code: 'unbounded-pool', file: 'src/db.rs', line: 3, message: expect.stringContaining('for each request notes() serves')}))
  })

  it('actix-web 1.x: a plain fn handler making its own connection is bounded by the HttpServer workers; an async handler or actix-web 4 is not', async () => {
    // LaMavia/blog-actix's shape: #[get("api/posts")] fn all() calls db::connect_to_db(), a diesel PgConnection::establish per
    // request. actix-web 1.0 runs a plain fn handler inline on its worker's single-threaded event loop (handler.rs), so each
    // worker serves one such request at a time; HttpServer starts num_cpus::get() workers (actix-server ServerBuilder::new)
    // unless .workers(n) says. Hand: .workers(3) → 3; no .workers → a standard-1x's 8 CPUs → 8, with the CPU-count warning;
    // an `async fn` handler, or actix-web 4 (handlers are async): 1 counted, unbounded-pool said. Before: 1*, unbounded, for all.
    const db = 'use diesel::prelude::*;\npub fn connect_to_db() -> PgConnection {\n    PgConnection::establish(&std::env::var("DATABASE_URL").unwrap()).unwrap()\n}\n'
    const main = (workers: string, asyncFn = false) => ['#[macro_use] extern crate actix_web;', 'use actix_web::{App, HttpResponse, HttpServer};', 'mod db;', '#[get("api/posts")]', `${asyncFn ? 'async ' : ''}fn all() -> HttpResponse {`, '    let _conn = db::connect_to_db();', '    HttpResponse::Ok().finish()', '}', 'fn main() -> std::io::Result<()> {', `    HttpServer::new(|| App::new().service(all))${workers}.bind("0.0.0.0:8080")?.run()`, '}'].join('\n')
    const app = (actix: string, workers: string, asyncFn = false) => ({'Cargo.lock': lock({'actix-web': actix, diesel: '1.4.8'}), 'Cargo.toml': toml('blog', [`actix-web = "${actix}"`, 'diesel = { version = "1.4", features = ["postgres"] }']), 'src/db.rs': db, 'src/main.rs': main(workers, asyncFn)})
    const pools = (a: Awaited<ReturnType<typeof run>>) => a.pools?.map((p) => [p.database, p.pool.value])
    const three = await run('./target/release/blog', app('1.0.2', '.workers(3)'))
    expect(pools(three)).toEqual([['diesel src/db.rs:3', 3]])
    expect(isAssumption(three.pools![0].pool)).toBe(false)
    expect(three.pools![0].pool.via).toContainEqual({file: 'src/main.rs', kind: 'file', line: 10})
    expect(three.diagnostics.map((d) => d.code)).toEqual([])
    expect(describeSourced(three.threadsPerProcess)).toMatch(/^default: actix-web 1\.x runs a plain fn handler on its worker's own thread/)
    const cpus = await run('./target/release/blog', app('1.0.2', ''))
    expect(pools(cpus)).toEqual([['diesel src/db.rs:3', 8]])
    expect(cpus.diagnostics.map((d) => d.code)).toContain('cpu-count-default')
    for (const a of [app('1.0.2', '.workers(3)', true), app('4.4.0', '.workers(3)')]) {
      const r = await run('./target/release/blog', a)
      expect(pools(r)).toEqual([['diesel src/db.rs:3', 1]])
      expect(isAssumption(r.pools![0].pool)).toBe(true)
      expect(r.diagnostics).toContainEqual(expect.objectContaining({code: 'unbounded-pool', file: 'src/db.rs', line: 3}))
    }
  })

  it("an associated function of the app's impl (`Settings::pool_size()` → `Self::var_or(\"POOL\", \"5\")`) is followed, a closure seeing the function's parameter", async () => {
    const r2d2 = {'Cargo.lock': lock({diesel: '2.1.6', r2d2: '0.8.10'}), 'Cargo.toml': toml('feeds', ['diesel = { version = "2", features = ["postgres", "r2d2"] }'])}
    const settings = [
      'pub struct Settings;',
      'impl Settings {',
      '    pub fn pool_size() -> u32 {',
      '        Self::var_or("POOL", "5")',
      '    }',
      '    fn var_or(name: &str, default_value: &str) -> u32 {',
      '        let v = std::env::var(name).unwrap_or_else(|_| default_value.to_string());',
      '        v.parse().unwrap_or_else(|_| panic!("{name} is not a number"))',
      '    }',
      '}',
    ].join('\n')
    const main = 'mod settings;\nuse settings::Settings;\nfn main() {\n    let _p = diesel::r2d2::Pool::builder().max_size(Settings::pool_size()).build(m).unwrap();\n}\n'
    // POOL unset: var_or's default_value "5", parsed: 5.
    const unset = await run('./target/release/feeds', {...r2d2, 'src/main.rs': main, 'src/settings.rs': settings})
    expect(unset.pools?.map((p) => p.pool.value)).toEqual([5])
    expect(unset.diagnostics).toEqual([])
    expect(unset.pools![0].pool.via).toContainEqual({file: 'src/settings.rs', kind: 'file', line: 3})
    // POOL=8 → 8.
    const set = await run('./target/release/feeds', {...r2d2, 'src/main.rs': main, 'src/settings.rs': settings}, {POOL: '8'})
    expect(set.pools?.map((p) => p.pool.value)).toEqual([8])
    // Another type's function of the same name is not that one: Limits::pool_size() is not read as Settings::pool_size().
    const other = await run('./target/release/feeds', {...r2d2, 'src/main.rs': main.replace('Settings::pool_size()', 'Limits::pool_size()'), 'src/settings.rs': settings})
    expect(other.pools?.map((p) => p.pool.value)).toEqual([10])
    expect(isAssumption(other.pools![0].pool)).toBe(true)
  })
})

