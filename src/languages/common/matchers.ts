/**
 * The `matches()` of every analyzer whose `analyze()` the registry loads
 * lazily (see lazy.ts): cheap tests on the command line that only need the
 * program name, so a Rails app never loads the Python, Node, JVM, PHP or Go
 * code, nor the job systems it does not run. Each analyzer module uses the
 * same function as its own `matches`, so the two cannot drift apart.
 *
 * Keep this module light: nothing here may import an analyzer module or
 * src/python, src/node or src/jvm beyond their plain-data helpers
 * (python/program.ts, node/programs.ts).
 */
import type {AnalyzerContext, ParsedCommand} from './types.js'

import {dotnetMarker} from '../../platform/language.js'
import {NODE_PROGRAMS} from '../node/programs.js'
import {appCliCommand, djceleryArgs, flaskDevServer, flaskSubcommand, manageCommand, manageFramework, manageInvocation, pythonProgram, pythonScript} from '../python/program.js'
import {readFlag} from './argv.js'
import {phpWorker} from '../php/php-command.js'
import {isPhpApache} from '../php/apache-prefork.js'
import {programName} from './setting.js'
import {versionAtLeast} from '../../util/version.js'
import {filesUnder} from '../../model/files.js'
import {copiedPath} from '../../model/image-files.js'
import {posix} from 'node:path'

type Matcher = (cmd: ParsedCommand, ctx: AnalyzerContext) => boolean

// Python servers and workers: the program past `python -m`, `uv run`, `poetry run`, …
export const isGunicorn: Matcher = (cmd) => pythonProgram(cmd.argv).name === 'gunicorn'
export const isUvicorn: Matcher = (cmd) => {
  const {args, name} = pythonProgram(cmd.argv)
  return name === 'uvicorn' || (name === 'fastapi' && args[0] === 'run')
}

/**
 * `litestar run` (`litestar --app x:y run …`): Litestar's CLI serving the app. The group's own options (--app,
 * --app-dir, each with a value) may come before `run`. The command's arguments after `run`; undefined for any other.
 */
export function litestarRunArgs(argv: readonly string[]): {args: string[]; group: string[]} | undefined {
  const {args, name} = pythonProgram(argv)
  if (name !== 'litestar') return undefined
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === 'run') return {args: args.slice(i + 1), group: args.slice(0, i)}
    if (!a.startsWith('-')) return undefined
    if ((a === '--app' || a === '--app-dir') && args[i + 1] !== undefined) i++
  }

  return undefined
}

export const isLitestarRun: Matcher = (cmd) => litestarRunArgs(cmd.argv) !== undefined
export const isGranian: Matcher = (cmd) => pythonProgram(cmd.argv).name === 'granian'
export const isHypercorn: Matcher = (cmd) => pythonProgram(cmd.argv).name === 'hypercorn'
export const isDaphne: Matcher = (cmd) => pythonProgram(cmd.argv).name === 'daphne'
/** `waitress-serve …` and `python -m waitress …` (waitress/__main__.py runs the same runner). */
export const isWaitress: Matcher = (cmd) => ['waitress', 'waitress-serve'].includes(pythonProgram(cmd.argv).name)
export const isUwsgi: Matcher = (cmd) => pythonProgram(cmd.argv).name === 'uwsgi'
/** `celery …` (and Flower's own `flower` script), django-celery's `manage.py celery …` / `celeryd`, and `flask celery …` (Celery's click group added to the Flask CLI: languages/python/celery.ts). */
export const isCelery: Matcher = (cmd, ctx) =>
  ['celery', 'flower'].includes(pythonProgram(cmd.argv).name) ||
  flaskSubcommand(cmd.argv)?.name === 'celery' ||
  // django-celery's `manage.py celery worker`, `manage.py celeryd`, … of a Django manage.py, unless the app has a command
  // of that name itself (<app>/management/commands/celery.py: django-command.ts reads it).
  (djceleryArgs(cmd.argv) !== undefined && manageFramework(manageInvocation(cmd.argv)?.script, ctx.files) === undefined && !ownCommand(ctx, manageInvocation(cmd.argv)!.command))

/** A `<app>/management/commands/<name>.py` anywhere in the app (a few folders deep). */
function ownCommand(ctx: AnalyzerContext, name: string): boolean {
  return filesUnder(ctx.files, '', (p) => p.endsWith(`/management/commands/${name}.py`), {max: 1, maxDepth: 6}).paths.length > 0
}
export const isRq: Matcher = (cmd) => {
  const {args, name} = pythonProgram(cmd.argv)
  // Flask-RQ2's `flask rq worker` (flask_rq2/cli.py) runs rq's own worker command; its `flask rq scheduler` rq-scheduler's.
  const flask = name === 'flask' ? flaskSubcommand(cmd.argv) : undefined
  // rq-scheduler's `rqscheduler` script and django-rq's `manage.py rqscheduler` (rq.ts: it holds no connection).
  return (name === 'rq' && (args[0] === 'worker' || args[0] === 'worker-pool')) || name === 'rqworker' || name === 'rqscheduler' || ['rqscheduler', 'rqworker'].includes(manageCommand(cmd.argv) ?? '') || (flask?.name === 'rq' && (flask.args[0] === 'worker' || flask.args[0] === 'scheduler'))
}

/** huey's own consumer: `huey_consumer main.huey` (the console script) or `huey_consumer.py main.huey` (huey/bin). */
export const isHueyConsumer: Matcher = (cmd) => ['huey_consumer', 'huey_consumer.py'].includes(pythonProgram(cmd.argv).name)
/** `flask spinach` (Spinach's Flask extension) and `python manage.py spinach` (its Django app, spinachd). */
export const isSpinach: Matcher = (cmd) => flaskSubcommand(cmd.argv)?.name === 'spinach' || manageInvocation(cmd.argv)?.command === 'spinach'
export const isDramatiq: Matcher = (cmd) => pythonProgram(cmd.argv).name === 'dramatiq' || manageInvocation(cmd.argv)?.command === 'rundramatiq'
export const isDjangoCommand: Matcher = (cmd, ctx) => {
  const manage = manageInvocation(cmd.argv)
  // `./manage.py runserver` of a Flask-Script app (a manage.py that imports no Django) is not Django's.
  return manage !== undefined && (manage.script === undefined || manageFramework(manage.script, ctx.files) === undefined)
}

// Werkzeug's development server: Flask-Script's `manage.py runserver`, `flask run`, `python app.py` calling app.run().
export const isWerkzeug: Matcher = (cmd, ctx) => flaskDevServer(cmd.argv, ctx.files) !== undefined
/** `flask worker start`, a Flask-Script `manage.py run_worker`, a console script the app declares: a function of the app's own CLI. */
export const isPythonCliCommand: Matcher = (cmd, ctx) => appCliCommand(cmd.argv, ctx.files) !== undefined
/** `python clock.py`: a script of the app (after every Python server and manage.py). */
export const isPythonScript: Matcher = (cmd, ctx) => pythonScript(cmd.argv, ctx.files) !== undefined

// Node, JVM, PHP, Go (.NET below).
export const isNode: Matcher = (cmd) => NODE_PROGRAMS.has(programName(cmd.argv[0]))
/**
 * `java …`, Maven/Gradle, or the start script Gradle's `application` plugin writes (`installDist`, what a
 * `stage` task usually runs on Heroku): `build/install/NAME/bin/NAME` runs one JVM.
 */
export const isJvm: Matcher = (cmd, ctx) =>
  ['java', 'mvn', 'mvnw', 'gradle', 'gradlew'].includes(programName(cmd.argv[0])) ||
  (/^(\.\/)?build\/install\/[^/]+\/bin\/[^/]+$/.test(cmd.argv[0] ?? '') && (ctx.files.exists('build.gradle') || ctx.files.exists('build.gradle.kts')))
/** sbt-native-packager's start script as the Scala buildpack stages it (`target/universal/stage/bin/NAME`), or Play 2.2's `target/start`, in an sbt app. */
export const isPlay: Matcher = (cmd, ctx) => /^(\.\/)?target\/(universal\/stage\/bin\/[^/]+|start)$/.test(cmd.argv[0] ?? '') && (ctx.files.exists('build.sbt') || ctx.files.exists('project/build.properties'))
export const isPhp: Matcher = (cmd, ctx) => {
  const name = programName(cmd.argv[0])
  // Apache with mod_php in an official php:*-apache image (php/apache-prefork.ts).
  if (isPhpApache(cmd.argv, ctx.image?.image.baseImage)) return true
  // RoadRunner's `rr serve` (php/roadrunner.ts); Mozilla's rr debugger has no `serve`.
  if (name === 'rr' && cmd.argv[1] === 'serve') return true
  // FrankenPHP serving PHP itself (php/frankenphp.ts): `frankenphp run`, `frankenphp php-server`.
  if (name === 'frankenphp' && (cmd.argv[1] === 'run' || cmd.argv[1] === 'php-server')) return true
  return name === 'heroku-php-apache2' || name === 'heroku-php-nginx' || (name.startsWith('php-fpm') && /^php-fpm(\d+(\.\d+)?)?$/.test(name)) || phpWorker(cmd.argv) !== undefined
}
/** Files the Go buildpack detects a Go app by (bin/detect): modules, dep, godep, govendor, glide. */
export const GO_MARKERS = ['go.mod', 'Gopkg.lock', 'Godeps/Godeps.json', 'vendor/vendor.json', 'glide.yaml']
/**
 * A binary where cargo leaves it: `[DIR/]target/[TRIPLE/](release|debug)/NAME`. With `--target TRIPLE` (a cross or
 * musl build) cargo puts the output under the triple's folder (https://doc.rust-lang.org/cargo/reference/build-cache.html).
 * `dir` is the crate folder it was built in ('' for the root).
 */
export function cargoOutput(prog: string): {dir: string; profile: 'debug' | 'release'; name: string} | undefined {
  const m = /^(?:\.\/)?(?:([\w.-]+(?:\/[\w.-]+)*)\/)?target\/(?:[\w.]+-[\w.-]+\/)?(release|debug)\/([\w.-]+)$/.exec(prog)
  return m ? {dir: m[1] ?? '', name: m[3], profile: m[2] as 'debug' | 'release'} : undefined
}

/**
 * A Cargo binary in an app with a Cargo.toml: `./target/release/NAME` (where the Rust buildpacks
 * leave `cargo build --release`'s binaries), `cargo run`, or a bare NAME that a package builds.
 */
export const isRust: Matcher = (cmd, ctx) => {
  const prog = cmd.argv[0] ?? ''
  // `DIR/target/release/NAME`: a crate in DIR, built there (emk/heroku-buildpack-rust's RustConfig BUILD_PATH).
  const built = cargoOutput(prog)
  const inDir = built?.dir
  if (inDir && !inDir.split('/').includes('..') && ctx.files.exists(`${inDir}/Cargo.toml`)) return true
  if (!ctx.files.exists('Cargo.toml')) return false
  if ((built && built.dir === '') || (prog === 'cargo' && cmd.argv[1] === 'run')) return true
  if (prog.includes('/')) return rustImageBinary(prog, ctx) !== undefined
  return /^[\w-]+$/.test(prog) && cargoBuilds(ctx.files, prog)
}

/** Whether the app's Cargo project (the root package or a workspace member) builds a binary named `name`. */
function cargoBuilds(files: AnalyzerContext['files'], name: string): boolean {
  const names = (text: string): boolean => new RegExp(`^[ \\t]*name\\s*=\\s*"${name}"`, 'm').test(text)
  const manifest = files.read('Cargo.toml')?.text ?? ''
  if (files.exists(`src/bin/${name}.rs`) || files.exists(`src/bin/${name}/main.rs`) || names(manifest)) return true
  // A workspace member's binary (`members = ["server", "crates/*"]`, server/Cargo.toml `name = "lldap"`; a `[[bin]] name`
  // or src/bin/NAME.rs of a member): `cargo build -p`/`cargo install --path crates/X` build it (lldap/lldap, DefGuard/defguard).
  const list = /^\s*members\s*=\s*\[([^\]]*)\]/m.exec(manifest)?.[1] ?? ''
  const members = [...list.matchAll(/"([^"]+)"/g)].flatMap(([, m]) => (m.endsWith('/*') ? files.folders(m.slice(0, -2)).map((f) => `${m.slice(0, -2)}/${f}`) : /[*?[]/.test(m) ? [] : [m.replace(/\/$/, '')]))
  return members.some((m) => names(files.read(`${m}/Cargo.toml`)?.text ?? '') || files.exists(`${m}/src/bin/${name}.rs`) || files.exists(`${m}/src/bin/${name}/main.rs`))
}

/**
 * The Cargo binary an image runs by a path (`/usr/bin/chirpstack`, `/usr/local/bin/docs_rs_web`), named by its file name,
 * when the repository's Cargo project builds a binary of that name and the Dockerfile builds with cargo or copies cargo's
 * output (`target/…/release/NAME`). What container.ts cannot follow back to the build output — a `cp` in a RUN's `case`
 * arm (chirpstack/chirpstack), `cp /build/target/$PROFILE_DIR/docs_rs_* /artifacts/` (rust-lang/docs.rs) — is named by
 * the binary's own name, which only that build makes.
 */
export function rustImageBinary(prog: string, ctx: Pick<AnalyzerContext, 'files' | 'image'>): string | undefined {
  const image = ctx.image
  if (!image || cargoOutput(prog) || !ctx.files.exists('Cargo.toml')) return undefined
  const name = prog.slice(prog.lastIndexOf('/') + 1)
  if (!/^[\w-]+$/.test(name)) return undefined
  const text = image.files.read(image.image.dockerfile)?.text ?? ''
  if (!/\bcargo\s+(?:build|install|chef\s+cook)\b|\btarget\/(?:[\w.$-]+\/)?(?:release|debug)\//.test(text)) return undefined
  return cargoBuilds(ctx.files, name) ? name : undefined
}
/** `openfga run`: the OpenFGA server (languages/go/openfga.ts); `openfga migrate` finishes. */
export const isOpenFga: Matcher = (cmd) => programName(cmd.argv[0]) === 'openfga' && cmd.argv.slice(1).find((a) => !a.startsWith('-')) === 'run'
/** A .go file at the root that is `package main` (its first lines). */
const rootMainPackage = (files: AnalyzerContext['files']): boolean => files.list('').some((n) => n.endsWith('.go') && !n.endsWith('_test.go') && /^\s*package\s+main\b/m.test(files.read(n)?.text.slice(0, 4000) ?? ''))

/**
 * The folder below the app root holding the Go module an image's binary was built in (photoview: `COPY api /app/api`,
 * `go build -o photoview .` in WORKDIR /app/api, `COPY --from=api /app/api/photoview /app/photoview`): the nearest folder
 * above the binary's repository path (image-files copiedPath) with a go.mod, when the root has none and the Dockerfile
 * runs `go build`. Or the build context's root module ('' as dir) when the command is read from a folder without one: a
 * script the image copied from a subfolder (prest: `COPY --from=builder /workspace/etc/entrypoint.sh /app/entrypoint.sh`,
 * which runs `/bin/prestd`, the copy of /workspace/prestd that `go build -o prestd cmd/prestd/main.go` wrote in the
 * builder's copy of the repository).
 */
export function goModuleOfImageBinary(prog: string, ctx: Pick<AnalyzerContext, 'files' | 'image'>): undefined | {binary: string; dir: string} {
  const image = ctx.image
  if (!prog || !image || ctx.files.exists('go.mod') || prog.startsWith('-')) return undefined
  if (!(image.files.read(image.image.dockerfile)?.text ?? '').includes('go build')) return undefined
  // The command line's /app/x is read as x (util/app-path.ts: the platform's app root); in the image it is /app/x again.
  const paths = prog.startsWith('/') ? [prog] : [`/app/${posix.normalize(prog)}`, ...(image.image.workdir ? [posix.join(image.image.workdir, prog)] : [])]
  // The container reading names a binary an earlier stage built at a repository path by that path (`./api/photoview`).
  const own = prog.startsWith('/') ? undefined : posix.normalize(posix.join(ctx.files.within ?? '', prog))
  const repos = [...paths.map((p) => copiedPath(image.image, image.files, p)), own].filter((p): p is string => p !== undefined && !p.startsWith('..') && !p.startsWith('/'))
  const repo = repos.find((p) => p.includes('/'))
  if (repo) {
    const parts = repo.split('/')
    for (let i = parts.length - 1; i > 0; i--) {
      const dir = parts.slice(0, i).join('/')
      if (image.files.exists(`${dir}/go.mod`)) return {binary: parts.slice(i).join('/'), dir}
    }
  }

  // The root's module, from a command read in a folder below it: a binary at the root of the repository's copy that a
  // `go build -o NAME` of the Dockerfile wrote (not a file of the repository).
  const atRoot = repos.find((p) => !p.includes('/') && p !== '')
  if (ctx.files.within && atRoot && !image.files.exists(atRoot) && image.files.exists('go.mod') && dockerfileBuilds(image.files.read(image.image.dockerfile)?.text ?? '', atRoot, image.files)) return {binary: atRoot, dir: ''}
  return undefined
}

/** A `go build -o` of the Dockerfile writes a file named `name` (its output path's last part, or an output folder the packages' folders of a `./x/...` pattern are written to). */
function dockerfileBuilds(text: string, name: string, files: AnalyzerContext['files']): boolean {
  return text
    .replaceAll(/\\\r?\n/g, ' ')
    .split('\n')
    .filter((line) => /\bgo\s+build\b/.test(line))
    .some((line) =>
      [...line.matchAll(/(?:^|\s)-o(?:\s+|=)["']?([^\s"';&|]+)/g)].some(
        (m) =>
          m[1].slice(m[1].lastIndexOf('/') + 1) === name ||
          // `go build -o /out/ ./cmd/...`: every main package below cmd/ is written to /out/ under its folder's name.
          (m[1].endsWith('/') && [...line.matchAll(/(?:^|\s)(?:\.\/)?([\w./-]*?)\/?\.\.\.(?=\s|$)/g)].some((p) => files.list(p[1] ? `${p[1]}/${name}` : name).some((f) => f.endsWith('.go')))),
      ),
    )
}

export const isGo: Matcher = (cmd, ctx) => {
  const prog = cmd.argv[0] ?? ''
  if (goModuleOfImageBinary(prog, ctx)) return true
  // A GOPATH-era app with no dependency manifest (built by `go get` in a golang image) has only its root package main.
  if (!GO_MARKERS.some((m) => ctx.files.exists(m)) && !rootMainPackage(ctx.files)) return false
  // Heroku's Go buildpack installs binaries to bin/<name>; Procfiles run `bin/app` or just `app`.
  if (prog.startsWith('bin/') || !prog.includes('/')) return true
  // In an image, a binary at the absolute path a Dockerfile's `go build -o /bin/api ./cmd/api` wrote (copied on by
  // `COPY --from=build /bin/api /bin/api`): go.ts reads it from that package (build-outputs.ts).
  // A script the image runs names it by its absolute path, which the command line reads as the app root's (util/app-path.ts:
  // `/app/gogs/gogs web` in gogs/gogs' docker/s6/gogs/run is `gogs/gogs`): in the image it is that absolute path again.
  if (!ctx.image || (!prog.startsWith('/') && (!prog.includes('/') || prog.startsWith('.')))) return false
  const text = ctx.image.files.read(ctx.image.image.dockerfile)?.text ?? ''
  if (!text.includes('go build')) return false
  if (text.includes(`-o ${prog} `) || text.includes(`-o=${prog} `) || text.includes(`-o ${prog}\n`)) return true
  // Built under another path and put at prog by a `COPY --from` (`go build -o gatus .` in WORKDIR /app, then
  // `COPY --from=builder /app/gatus .`; `-o /go/build-out/nakama`, then `COPY --from=builder /go/build-out/nakama /nakama/`):
  // a `go build -o` of this Dockerfile writes a file of that name (go.ts reads that build's package, build-outputs.ts).
  return dockerfileBuilds(text, prog.slice(prog.lastIndexOf('/') + 1), ctx.files)
}

// .NET: `dotnet X.dll`, `dotnet run`, or, in an app the .NET buildpack detects, the published
// executable it runs (`cd MyApi/bin/publish; ./MyApi --urls http://*:$PORT`) or a bare program.
export const isDotnet: Matcher = (cmd, ctx) => {
  const prog = cmd.argv[0] ?? ''
  if (programName(prog) === 'dotnet') return true
  if (prog.includes('/') && !/(^|\/)(bin|publish|out|heroku_output)\//.test(prog)) return false
  return dotnetMarker(ctx.files) !== undefined
}

// Elixir: mix (also under `elixir -S`/`iex -S`), and a release's start script
// (`_build/prod/rel/app/bin/app start`, phx.gen.release's `bin/server`) in an app with mix.exs.
const RELEASE_COMMANDS = new Set(['start', 'start_iex', 'foreground', 'daemon', 'daemon_iex', 'eval', 'rpc'])
/** The mix task a command runs: `mix phx.server`, `elixir --sname a -S mix run --no-halt` → "phx.server", "run". */
export function mixTask(argv: readonly string[]): string | undefined {
  const prog = programName(argv[0])
  const at = prog === 'mix' ? 0 : ['elixir', 'iex'].includes(prog) ? argv.findIndex((a, i) => a === 'mix' && argv[i - 1] === '-S') : -1
  if (at === -1) return undefined
  const rest = argv.slice(at + 1)
  const task = rest.find((a) => !a.startsWith('-'))
  if (task !== 'do') return task
  // `mix do ecto.migrate, phx.server` (or `mix do ecto.migrate + phx.server`, Elixir 1.14+): the tasks run in turn in
  // one VM, each finishing before the next (Mix.Tasks.Do); the last is the one that keeps running.
  const tasks = rest.slice(rest.indexOf('do') + 1).join(' ').split(/\s*,\s*|\s+\+\s+/).filter((t) => t.trim() !== '')
  return tasks.at(-1)?.trim().split(/\s+/).find((a) => !a.startsWith('-')) ?? task
}

/**
 * An Ecto migration run, which starts no application: `mix ecto.migrate` / `ecto.rollback`, or a
 * release's `bin/app eval "App.Release.migrate"` (the module phx.gen.release writes).
 */
export function ectoMigration(argv: readonly string[]): 'eval' | 'mix' | undefined {
  const task = mixTask(argv)
  if (task !== undefined) return /^ecto\.(migrate|rollback)$/.test(task) ? 'mix' : undefined
  return argv[1] === 'eval' && RELEASE_SCRIPT.test(argv[0] ?? '') && /\b(migrate|rollback)\b/.test(argv.slice(2).join(' ')) ? 'eval' : undefined
}

/** A release's start script: `bin/app`, `_build/prod/rel/app/bin/app`, or `./app` / `app` run from the release's bin/ (isElixir checks the name). */
const RELEASE_SCRIPT = /(^|\/)bin\/[^/]+$|^(\.\/)?[\w-]+$/

/**
 * The names a release of this Mix project is started by: the project's `app: :name` and the keys of its
 * `releases: [name: …]` (Mix.Tasks.Release: a release is named by its key, the app's name when there is none).
 */
function mixReleaseNames(ctx: {files: AnalyzerContext['files']}): Set<string> {
  const text = ctx.files.read('mix.exs')?.text ?? ''
  const names = new Set<string>()
  const app = /\bapp:\s*:(\w+)/.exec(text)
  if (app) names.add(app[1])
  const releases = /\breleases:\s*\[([^\]]*)/.exec(text)
  for (const m of releases?.[1].matchAll(/(?:^|[\s,[])(\w+):\s*\[/g) ?? []) names.add(m[1])
  return names
}

export const isElixir: Matcher = (cmd, ctx) => {
  const prog = programName(cmd.argv[0])
  if (prog === 'mix' || ((prog === 'elixir' || prog === 'iex') && mixTask(cmd.argv) !== undefined)) return true
  if (!ctx.files.exists('mix.exs')) {
    // The overlay script of a release of a Mix project in a folder below (`COPY --from=builder /src/app/_build/prod/rel/shop ./`
    // then `CMD ["/opt/shop/bin/server"]`: app/rel/overlays/bin/server): languages/elixir/elixir.ts reads that project.
    const project = /^(?:\.\/)?(.+)\/rel\/overlays\/bin\/[^/]+$/.exec(cmd.argv[0] ?? '')?.[1]
    return project !== undefined && ctx.files.exists(`${project}/mix.exs`)
  }

  const argv0 = cmd.argv[0] ?? ''
  if (/(^|\/)bin\/server$/.test(argv0) || !RELEASE_COMMANDS.has(cmd.argv[1] ?? '')) return /(^|\/)bin\/server$/.test(argv0)
  // `bin/app eval …`, or phx.gen.release's bin/migrate: `cd -P -- "$(dirname -- "$0")"; exec ./app eval …` beside it in bin/.
  return /(^|\/)bin\/[^/]+$/.test(argv0) || (RELEASE_SCRIPT.test(argv0) && mixReleaseNames(ctx).has(programName(argv0)))
}

// Ruby job systems started by their own CLI or a rake task.
const RESQUE_TASKS = new Set(['resque:work', 'resque:workers'])
export const resqueTask = (argv: readonly string[]): string | undefined => argv.slice(1).find((a) => RESQUE_TASKS.has(a))
/** resque-pool's manager: `resque-pool -c config/resque-pool.yml`, or its rake task `rake resque:pool`. */
export const isResquePool = (argv: readonly string[]): boolean =>
  programName(argv[0]) === 'resque-pool' || (['rake', 'rails'].includes(programName(argv[0])) && argv.slice(1).includes('resque:pool'))
export const isResque: Matcher = (cmd) => (['rake', 'rails'].includes(programName(cmd.argv[0])) && resqueTask(cmd.argv) !== undefined) || isResquePool(cmd.argv)

export const isQueRakeTask = (argv: readonly string[]): boolean => ['rails', 'rake'].includes(programName(argv[0])) && argv.slice(1).includes('que:work')
/** `shoryuken`, `shoryuken start …` (bin/shoryuken's default task); not `shoryuken sqs …` (the queue CLI) nor `version`/`help`. */
export const isShoryuken: Matcher = (cmd) => programName(cmd.argv[0]) === 'shoryuken' && !['sqs', 'version', 'help'].includes(cmd.argv[1] ?? '')
/** Rpush's daemon, `rpush start` (not `push`, `stop`, `status`, `init`, `version`: ruby/rpush.ts). */
export const isRpush: Matcher = (cmd) => programName(cmd.argv[0]) === 'rpush' && cmd.argv[1] === 'start'
export const isQue: Matcher = (cmd) => programName(cmd.argv[0]) === 'que' || isQueRakeTask(cmd.argv)

/** A Backburner work task: `backburner:work`, `backburner:simple:work`, `backburner:forking:work`, … (ruby/kafka-beanstalk.ts). */
export const BACKBURNER_TASK = /^backburner:(?:(simple|forking|threads_on_fork|threading):)?work$/
/** `karafka server`, `karafka swarm` (not `karafka console`, `topics`, `info`, `install`). */
export const isKarafka: Matcher = (cmd) => programName(cmd.argv[0]) === 'karafka' && (cmd.argv[1] === 'server' || cmd.argv[1] === 'swarm')
/** `racecar ConsumerClass` (with options): a consumer class is named. */
export const isRacecar: Matcher = (cmd) => programName(cmd.argv[0]) === 'racecar' && cmd.argv.slice(1).some((a) => /^[A-Z]/.test(a))
/** `backburner [queues]`, `rake backburner:work` and its worker variants. */
export const isBackburner: Matcher = (cmd) =>
  programName(cmd.argv[0]) === 'backburner' || (['rake', 'rails'].includes(programName(cmd.argv[0])) && cmd.argv.slice(1).some((a) => BACKBURNER_TASK.test(a)))

const DELAYED_JOB_TASKS = new Set(['jobs:work', 'jobs:workoff'])
export const isDelayedJobDaemon = (argv0: string | undefined): boolean => programName(argv0) === 'delayed_job' && (argv0 ?? '').includes('/')
const isDelayedJobTask = (argv: readonly string[]): boolean => ['rails', 'rake'].includes(programName(argv[0])) && argv.slice(1).some((a) => DELAYED_JOB_TASKS.has(a))
export const isDelayedJob: Matcher = (cmd) => isDelayedJobDaemon(cmd.argv[0]) || isDelayedJobTask(cmd.argv)

// Rack servers. `rackup` runs the server `-s` names, else the one RACKUP_HANDLER or RACK_HANDLER names, else
// the first of its handler list that loads — the list is the bundle's Rack's (or, with Rack 3, the rackup gem's):
//   rackup gem 2.x: puma, falcon, webrick (rack/rackup lib/rackup/handler.rb, SERVER_NAMES; RACKUP_HANDLER first)
//   rack 2.1–2.2:   puma, thin, falcon, webrick (rack/rack@2.2.0 lib/rack/handler.rb:48)
//   rack 2.0:       puma, thin, webrick (rack/rack@2.0.0 lib/rack/handler.rb:55)
//   rack 1.5–1.6:   thin, puma, webrick (rack/rack@1.6.0 lib/rack/handler.rb:59)
// A server is loadable when its gem is in Gemfile.lock; WEBrick is last, whether or not it can load (webrick.ts says).
export function rackupServer(argv: readonly string[], versions: Record<string, string>, env?: {get(name: string): {value: string} | undefined}): string | undefined {
  if (programName(argv[0]) !== 'rackup') return undefined
  const named = readFlag(argv, ['-s', '--server'])?.value ?? (versions.rackup && versionAtLeast(versions.rackup, '2') ? env?.get('RACKUP_HANDLER')?.value : undefined) ?? env?.get('RACK_HANDLER')?.value
  if (named) return named
  return rackupHandlers(versions).find((s) => versions[s] !== undefined) ?? 'webrick'
}

/** The servers `rackup` tries, in order, before WEBrick (see rackupServer). */
export function rackupHandlers(versions: Record<string, string>): string[] {
  const rack = versions.rack
  if ((versions.rackup && versionAtLeast(versions.rackup, '2')) || (rack && versionAtLeast(rack, '3'))) return ['puma', 'falcon']
  if (!rack || versionAtLeast(rack, '2.1')) return ['puma', 'thin', 'falcon']
  if (versionAtLeast(rack, '2')) return ['puma', 'thin']
  if (versionAtLeast(rack, '1.5')) return ['thin', 'puma']
  return []
}

/**
 * `rails server` (`rails s`): the server named by `-u`/`--using` (Rails 5+) or the old positional name
 * (`rails server thin`), else `null`: none named. Not `rails server` → undefined.
 */
export function railsServerUsing(argv: readonly string[]): string | null | undefined {
  if (!['rails', 'rails.rb'].includes(programName(argv[0])) || !(argv[1] === 's' || argv[1] === 'server')) return undefined
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]
    if (a === '-u' || a === '--using') return argv[i + 1] ?? null
    if (a.startsWith('--using=')) return a.slice('--using='.length)
    // Flags that take a value: skip it. A bare word is the old positional server name.
    if (/^-(p|b|c|e|P|-port|-binding|-config|-environment|-pid)$/.test(a)) i++
    else if (!a.startsWith('-')) return a
  }

  return null
}

// `rails server` with no server named passes `server: nil` to Rails::Server, a ::Rack::Server (Rails 7.1+: Rackup::Server
// when the rackup gem loads, railties/lib/rails/rackup/server.rb), whose #server falls back to Rack::Handler.default: the
// same pick as `rackup` with no `-s` (rails/rails@00f944e5 railties/lib/rails/commands/server/server_command.rb: `class
// Server < ::Rack::Server`, server_options `server: using`; rack/rack@2.2.0 lib/rack/server.rb #server). Hanami 2's
// `hanami server` starts Rackup::Server with config/debug/warn (and host/port when given), no server (hanami/cli
// lib/hanami/cli/server.rb): the same pick; Hanami 1's Hanami::Server is a ::Rack::Server with `--server NAME`.
export const RAILS_SERVER = 'https://github.com/rails/rails/blob/00f944e50e6a2bb763b8048b663349364063ad73/railties/lib/rails/commands/server/server_command.rb'
const HANAMI_SERVER = 'https://github.com/hanami/cli/blob/036f01b9d4dd0c544285ff19e24c61ad7b3d8dbe/lib/hanami/cli/server.rb'

/** A Rack launcher — `rails server`, `hanami server` — with the server it is told to run (null: none named, Rack picks). */
export function rackLauncher(argv: readonly string[]): {name: string; ref: string; using: string | null} | undefined {
  const rails = railsServerUsing(argv)
  if (rails !== undefined) return {name: '`rails server`', ref: RAILS_SERVER, using: rails}
  if (programName(argv[0]) === 'hanami' && (argv[1] === 'server' || argv[1] === 's')) return {name: '`hanami server`', ref: HANAMI_SERVER, using: readFlag(argv, ['--server'])?.value ?? null}
  return undefined
}

/** The server a Rack launcher (`rails server`, `hanami server`) runs; undefined for any other command. */
export function launcherServer(argv: readonly string[], versions: Record<string, string>, env?: {get(name: string): {value: string} | undefined}): string | undefined {
  const launcher = rackLauncher(argv)
  if (launcher === undefined) return undefined
  if (launcher.using) return launcher.using
  // No rack in the versions read: no Gemfile.lock (every Rails or Hanami bundle locks rack), so the bundle is unknown
  // (a Dockerfile's base image, say): Puma, the server `rails new` has put in the Gemfile since Rails 5.0, as before.
  if (versions.rack === undefined) return 'puma'
  return rackupServer(['rackup'], versions, env)
}

/** Why `rails server` / `hanami server` / `rackup` runs the server it runs (for --explain); undefined for any other command. */
export function rackPickWhy(argv: readonly string[], versions: Record<string, string>, env?: {get(name: string): {value: string} | undefined}): {ref: string; why: string} | undefined {
  const launcher = rackLauncher(argv)
  if (!launcher && programName(argv[0]) !== 'rackup') return undefined
  const name = launcher?.name ?? '`rackup`'
  const ref = launcher?.ref ?? 'https://github.com/rack/rack/blob/2.2.0/lib/rack/handler.rb'
  const named = launcher ? launcher.using : readFlag(argv, ['-s', '--server'])?.value
  if (named) return {ref, why: `${name} is told to run ${named}`}
  const server = rackupServer(['rackup'], versions, env)
  const rackupVar = versions.rackup && versionAtLeast(versions.rackup, '2') && env?.get('RACKUP_HANDLER') ? 'RACKUP_HANDLER' : undefined
  const variable = rackupVar ?? (env?.get('RACK_HANDLER') ? 'RACK_HANDLER' : undefined)
  if (variable) return {ref, why: `${name} runs ${server}: ${variable} names it`}
  const tried = rackupHandlers(versions)
  return {ref, why: `${name} runs Rack's default handler: the first of ${[...tried, 'webrick'].join(', ')} in Gemfile.lock${launcher ? ' (it starts a Rack server given no server)' : ''}`}
}

export const isThin: Matcher = (cmd, ctx) => programName(cmd.argv[0]) === 'thin' || rackupServer(cmd.argv, ctx.versions, ctx.env) === 'thin' || launcherServer(cmd.argv, ctx.versions, ctx.env) === 'thin'
/** `rackup` (or `rails server`, `hanami server`) in a bundle with none of the servers it tries before WEBrick (or with RACK_HANDLER=webrick). */
export const isRackupWebrick: Matcher = (cmd, ctx) => rackupServer(cmd.argv, ctx.versions, ctx.env) === 'webrick' || launcherServer(cmd.argv, ctx.versions, ctx.env) === 'webrick'
/** `falcon serve`, `falcon host`, and `rackup` / `rails server` / `hanami server` when Rack picks Falcon (languages/ruby/falcon.ts). */
export const isFalcon: Matcher = (cmd, ctx) =>
  (programName(cmd.argv[0]) === 'falcon' && (cmd.argv[1] === 'serve' || cmd.argv[1] === 'host')) || rackupServer(cmd.argv, ctx.versions, ctx.env) === 'falcon' || launcherServer(cmd.argv, ctx.versions, ctx.env) === 'falcon'
export const isPassenger: Matcher = (cmd) => programName(cmd.argv[0]) === 'passenger' && cmd.argv[1] === 'start'
