/**
 * What one command of a deploy hook (release, postdeploy, predeploy, a release_command) holds while it runs,
 * when that is known without its own analyzer: none for commands that only touch files (a shell builtin, a
 * file utility, Django's collectstatic, an asset build, a package install), one for the framework and
 * migration CLIs that run on one thread (a Rails task, a Django management command, artisan, a migration
 * tool). Anything else is an assumption: one connection, starred (release.ts).
 */
import type {FileReader} from '../model/files.js'

import {knownProgram} from '../languages/shell/programs.js'
import {programName} from '../languages/common/setting.js'
import {readPkg} from '../languages/node/workspaces.js'
import {manageFramework, manageInvocation} from '../languages/python/program.js'
import {noDatabaseProgram} from './no-database.js'

export interface HookCommand {
  connections: number
  ref: string
  what: string
}

// Django 5.1 django/contrib/staticfiles/management/commands/collectstatic.py: `requires_system_checks =
// [Tags.staticfiles]` (BaseCommand.execute runs only those checks: the database ones need `databases`), and
// `requires_migrations_checks` is False; it copies files through the staticfiles storage. compilemessages runs
// msgfmt on .po files (`requires_system_checks = []`).
const DJANGO_FILE_COMMANDS: Record<string, {ref: string; what: string}> = {
  collectstatic: {
    ref: 'https://github.com/django/django/blob/5.1/django/contrib/staticfiles/management/commands/collectstatic.py',
    what: "Django's collectstatic copies static files through the staticfiles storage and runs only the staticfiles checks: it opens no database connection (unless the app's storage backend or an AppConfig.ready() queries the database)",
  },
  compilemessages: {
    ref: 'https://github.com/django/django/blob/5.1/django/core/management/commands/compilemessages.py',
    what: "Django's compilemessages compiles .po files with msgfmt: it opens no database connection",
  },
}

/**
 * Railties tasks that only remove or create files under tmp/ and log/ and depend on no `:environment` (the app is not
 * loaded, so nothing connects): railties/lib/rails/tasks/tmp.rake (`tmp:cache:clear` is `FileUtils.rm_rf(Dir["tmp/cache/[^.]*"])`,
 * `tmp:clear` its sockets/screenshots/storage siblings, `tmp:create` the directories) and log.rake (`log:clear` truncates log/*.log).
 */
const RAILS_FILE_TASKS = new Set(['tmp:clear', 'tmp:cache:clear', 'tmp:sockets:clear', 'tmp:pids:clear', 'tmp:screenshots:clear', 'tmp:storage:clear', 'tmp:create', 'log:clear'])
const RAILS_TMP_REF = 'https://github.com/rails/rails/blob/main/railties/lib/rails/tasks/tmp.rake'

// Laravel 11 src/Illuminate/Foundation/Console: ConfigCacheCommand writes bootstrap/cache/config.php from the
// config files, ViewCacheCommand compiles the Blade templates, StorageLinkCommand makes symlinks: no query.
const ARTISAN_FILE_COMMANDS: Record<string, string> = {
  'config:cache': 'ConfigCacheCommand.php',
  'config:clear': 'ConfigClearCommand.php',
  'storage:link': 'StorageLinkCommand.php',
  'view:cache': 'ViewCacheCommand.php',
  'view:clear': 'ViewClearCommand.php',
}

/** Front-end and compiler tools a package.json build script runs: they write files and open no database connection. */
const BUILD_TOOLS = new Set(['tsc', 'webpack', 'esbuild', 'rollup', 'babel', 'vite', 'parcel', 'swc', 'tailwindcss', 'sass', 'postcss', 'tsup'])
const BUILD_REF = 'https://docs.npmjs.com/cli/v10/using-npm/scripts'

/** Lifecycle scripts `npm install` / `npm ci` / `yarn install` run from the app's own package.json. */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare', 'preprepare', 'postprepare']

/**
 * The text of the package.json script `npm run NAME` / `yarn NAME` / `pnpm NAME` runs, if the command is one, with the
 * words given after it appended as the package manager does (`yarn gm migrate`; npm's after `--`).
 */
export function packageScript(argv: readonly string[], files: FileReader): string | undefined {
  const [runner, first, second] = argv
  if (runner !== 'npm' && runner !== 'yarn' && runner !== 'pnpm' && runner !== 'bun') return undefined
  const viaRun = first === 'run' || first === 'run-script'
  const name = viaRun ? second : runner === 'npm' ? undefined : first
  if (name === undefined || name.startsWith('-')) return undefined
  let rest = argv.slice(viaRun ? 3 : 2)
  if (runner === 'npm') {
    if (rest.length > 0 && rest[0] !== '--') return undefined
    rest = rest.slice(1)
  } else if (rest[0] === '--') rest = rest.slice(1)
  const text = readPkg(files, '')?.scripts[name]
  return text === undefined ? undefined : [text, ...rest].join(' ')
}

/** `npm ci`, `npm install`, `yarn install`, `yarn`, `pnpm install` (flags after it allowed). */
function isInstall(argv: readonly string[]): boolean {
  const [runner, sub, ...rest] = argv
  const words = sub === undefined ? [] : [sub, ...rest]
  const verb = words.find((w) => !w.startsWith('-'))
  if (runner === 'npm') return verb === 'ci' || verb === 'install' || verb === 'i'
  if (runner === 'yarn') return verb === undefined || verb === 'install'
  if (runner === 'pnpm' || runner === 'bun') return verb === 'install' || verb === 'i'
  return false
}

/** What a command of a deploy hook is known to hold, without an analyzer of its own: 0 for the ones that touch only files. */
export function hookCommandConnections(argv: readonly string[], files: FileReader, depth = 0): HookCommand | undefined {
  const known = knownProgram(argv)
  if (known && known.kind === 'finishes') return {connections: known.connections, ref: known.ref, what: known.connections === 0 ? `${known.what}: it opens no database connection` : known.what}
  const noDb = noDatabaseProgram({argv: [...argv], raw: argv.join(' '), wrappers: []})
  if (noDb) return noDb
  const manage = manageInvocation(argv)
  if (manage && Object.hasOwn(DJANGO_FILE_COMMANDS, manage.command) && (manage.script === undefined || manageFramework(manage.script, files) === undefined)) {
    return {connections: 0, ...DJANGO_FILE_COMMANDS[manage.command]}
  }

  // `bin/rails tmp:cache:clear`, `bundle exec rake log:clear tmp:clear`: railties' file tasks only (VAR=value arguments aside).
  let rails = argv
  while (rails[0] === 'bundle' && rails[1] === 'exec') rails = rails.slice(2)
  const tasks = ['rails', 'rake'].includes(programName(rails[0])) ? rails.slice(1).filter((a) => !/^[A-Z_][A-Z0-9_]*=/.test(a)) : []
  if (tasks.length > 0 && tasks.every((t) => RAILS_FILE_TASKS.has(t))) {
    return {connections: 0, ref: RAILS_TMP_REF, what: `\`${programName(rails[0])} ${tasks.join(' ')}\` only removes or creates files under tmp/ or log/ (no :environment prerequisite, the app is not loaded): it opens no database connection`}
  }

  const artisan = argv[0] === 'php' && programName(argv[1]) === 'artisan' ? argv[2] : programName(argv[0]) === 'artisan' ? argv[1] : undefined
  if (artisan !== undefined && Object.hasOwn(ARTISAN_FILE_COMMANDS, artisan)) {
    return {connections: 0, ref: `https://github.com/laravel/framework/blob/11.x/src/Illuminate/Foundation/Console/${ARTISAN_FILE_COMMANDS[artisan]}`, what: `\`artisan ${artisan}\` writes cached files or links: it opens no database connection`}
  }

  // Phoenix's phx.digest (lib/mix/tasks/phx.digest.ex) compresses and fingerprints priv/static: files only.
  if (programName(argv[0]) === 'mix' && argv[1] === 'phx.digest') return {connections: 0, ref: 'https://github.com/phoenixframework/phoenix/blob/main/lib/mix/tasks/phx.digest.ex', what: '`mix phx.digest` fingerprints and compresses static files: it opens no database connection'}
  if (isInstall(argv)) {
    // The root package.json's scripts (readPkg: its string-valued ones), undefined when there is none or it does not parse.
    const scripts = readPkg(files, '')?.scripts
    const hooks = INSTALL_SCRIPTS.filter((s) => scripts?.[s] !== undefined)
    if (scripts !== undefined && hooks.length === 0) return {connections: 0, ref: BUILD_REF, what: `\`${argv.join(' ')}\` installs packages (package.json has no install, postinstall or prepare script of its own): it opens no database connection`}
    return undefined
  }

  const [tool, sub] = argv
  const name = programName(tool?.replace(/^(?:\.\/)?(?:[\w.-]+\/)*node_modules\/\.bin\//, ''))
  if (BUILD_TOOLS.has(name) && (name !== 'vite' || sub === 'build')) return {connections: 0, ref: BUILD_REF, what: `${name} builds files: it opens no database connection`}
  if (name === 'prisma' && sub === 'generate') return {connections: 0, ref: 'https://www.prisma.io/docs/orm/reference/prisma-cli-reference#generate', what: '`prisma generate` writes the Prisma Client from the schema: it opens no database connection'}
  if (name === 'nest' && sub === 'build') return {connections: 0, ref: 'https://docs.nestjs.com/cli/usages#nest-build', what: '`nest build` compiles the app: it opens no database connection'}
  // `npx tsc`, `npx prisma generate`: the tool after the runner.
  if (name === 'npx' && depth < 3 && argv.length > 1) return hookCommandConnections(argv.slice(1).filter((w, i, all) => !(w.startsWith('-') && all.slice(0, i).every((x) => x.startsWith('-')))), files, depth + 1)

  // `npm run build`: the script, when each of its `&&` parts is known to hold none.
  const script = depth < 3 ? packageScript(argv, files) : undefined
  if (script !== undefined && !/[;|<>`$()]|&(?!&)/.test(script.replace(/&&/g, ''))) {
    const parts = script.split('&&').map((p) => p.trim().split(/\s+/).filter(Boolean))
    const each = parts.map((p) => (p.length === 0 ? undefined : hookCommandConnections(p, files, depth + 1)))
    if (each.every((e) => e !== undefined && e.connections === 0)) return {connections: 0, ref: each[0]!.ref, what: `\`${argv.join(' ')}\` runs "${script.trim()}": ${each.map((e) => e!.what).join('; ')}`}
  }

  return undefined
}

/**
 * Framework CLIs that load the app and run one task on one thread: at most the one connection the framework
 * checks out for that thread (ActiveRecord's per-thread connection, Django's per-thread connection per alias,
 * Doctrine's/Laravel's one PDO, Ecto's repo for a mix task). What the platform's docs assume for a release
 * command ("e.g. db:migrate"), counted from that default.
 */
export function frameworkCli(argv: readonly string[], files: FileReader): string | undefined {
  let words = argv
  while (words[0] === 'bundle' && words[1] === 'exec') words = words.slice(2)
  const prog = programName(words[0])
  if (['rake', 'rails', 'hanami'].includes(prog) && words.length > 1) return `${prog} ${words[1]}`
  const manage = manageInvocation(words)
  if (manage) return manage.script !== undefined && manageFramework(manage.script, files) !== undefined ? undefined : `manage.py ${manage.command}`
  if (prog === 'flask' && words.length > 1) return `flask ${words.slice(1).find((w) => !w.startsWith('-')) ?? ''}`.trim()
  if (words[0] === 'php' && ['artisan', 'console'].includes(programName(words[1])) && words.length > 2) return `${programName(words[1])} ${words[2]}`
  if (prog === 'artisan' && words.length > 1) return `artisan ${words[1]}`
  if (prog === 'mix' && words.length > 1) return `mix ${words[1]}`
  return undefined
}
