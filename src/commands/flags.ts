import * as Flags from '@oclif/core/flags'
import {FORMATS} from '../render/format.js'
import {MAX_BACKENDS} from '../util/numbers.js'
import {append} from '../util/arrays.js'
import {UsageError} from '../util/errors.js'
import {redactUrl} from '../util/redact.js'

/**
 * The parse of a flag that names a file or folder: a URL there (`--root $DATABASE_URL`, a
 * variable mixed up) is said as such, before a path function folds it into a folder name.
 */
export function localPath(flag: string): (input: string) => Promise<string> {
  return async (input) => {
    if (/^[a-z][\d+.a-z-]*:\/\//i.test(input)) {
      throw new UsageError(`--${flag} takes a file or folder on this machine, not a URL (${redactUrl(input)})`, 'a database URL goes in --database-url, or in --env DATABASE_URL=...')
    }

    return input
  }
}

/**
 * The flags of every command that computes a budget (plan, scale, readme), defined
 * once. None has an oclif default: a flag not given leaves the config file's
 * value (or conncalc's default) in place, so request.ts can tell them apart.
 */
export const inputFlags = {
  app: Flags.string({
    char: 'a',
    description:
      'the Heroku app: read its formation, config vars, Postgres plan, preboot and buildpacks from the Platform API (token: HEROKU_API_KEY, else `heroku login`\'s ~/.netrc; never printed). Flags still win over what the API says',
  }),
  'api-timeout': Flags.integer({description: 'seconds each Heroku Platform API request may take (default 15)', min: 1}),
  'config-app': Flags.string({
    description: 'with a config file that lists apps: the app that --scale, --pooled (and scale arguments), and -a\'s Heroku app apply to',
  }),
  assume: Flags.string({
    description: 'your numbers for a process type conncalc cannot read (Go, unknown commands): TYPE=PROCESSES:THREADS[:POOL]; repeatable, shown in --explain as your assumption (over the config file\'s assumptions)',
    multiple: true,
  }),
  config: Flags.string({
    parse: localPath('config'),
    char: 'c',
    description: 'the config file (default: conncalc.yml, .conncalc.yml or "conncalc" in package.json, in the app root)',
  }),
  env: Flags.string({description: 'set a variable for every process type (KEY=VALUE); repeatable', multiple: true}),
  'env-file': Flags.string({
    parse: localPath('env-file'),
    // Node reads a script argument `--env-file` as its own option (nodejs/node#54232), so under
    // `npx` a missing file stops npm itself with "node: FILE: not found": --dotenv is the same flag.
    aliases: ['dotenv'],
    description:
      'read variables from a file: dotenv, or the output of `heroku config -s`, `heroku config --json` or `heroku config`; repeatable, later files win (alias --dotenv, for npx: see README)',
    multiple: true,
  }),
  limit: Flags.integer({description: 'the connection limit to check against (overrides --plan)', max: MAX_BACKENDS, min: 1}),
  plan: Flags.string({
    char: 'p',
    description:
      "Heroku Postgres plan, e.g. essential-0, standard-0, heroku-postgresql:premium-2 (default: with -a the app's DATABASE_URL add-on, else the config file's plan, else with --live the live database, else the heroku-postgresql plan app.json addons or heroku.yml setup: addons: provisions)",
  }),
  'plans-file': Flags.string({description: 'use this plan table (JSON or YAML) instead of the built-in one', parse: localPath('plans-file')}),
  pooled: Flags.string({
    description:
      "process types that connect through Heroku's server-side pool (DATABASE_CONNECTION_POOL_URL): they count against the pooler, not the plan directly; detected when the Procfile sets DATABASE_URL=$DATABASE_CONNECTION_POOL_URL",
    multiple: true,
  }),
  'docker-target': Flags.string({
    description:
      "the Dockerfile stage the image that runs is built from (`docker build --target NAME`, e.g. by CI before Dokku's git:from-image), where no deploy file names one (heroku.yml's target and fly.toml's build-target win). Default: the config file's dockerTarget, else the last stage, as `docker build` builds",
  }),
  platform: Flags.string({
    description:
      "the platform whose deploy the peak counts: heroku (the release phase beside the formation; web overlaps only with --preboot) or dokku (old and new containers of every type overlap for DOKKU_WAIT_TO_RETIRE, app.json's scripts.dokku tasks, a root Dockerfile's image). Default: the config file, else what the app's files say (Dokku's app.json keys, CHECKS, DOKKU_SCALE; Dokku when Heroku's files are there too, said and starred)",
    options: ['heroku', 'dokku'],
  }),
  preboot: Flags.boolean({
    allowNo: true,
    description: 'Heroku preboot is on: count the old and new web dynos running together during a deploy (default: the config file, else off)',
  }),
  procfile: Flags.string({
    char: 'f',
    description:
      "the Procfile, or a heroku.yml; its folder is the app root unless --root names another (default: Procfile, else heroku.yml, else a lone Dockerfile or the buildpack's default web process)",
    parse: localPath('procfile'),
  }),
  root: Flags.string({
    parse: localPath('root'),
    description:
      "the folder the process types' commands run from, when it is not the Procfile's: a Procfile kept in a subfolder that the deploy copies to the repository root, e.g. --procfile apps/api/scalingo/Procfile --root . (default: the Procfile's folder)",
  }),
  'rails-env': Flags.string({description: 'the environment section of database.yml/sidekiq.yml to read (default: RAILS_ENV, else production)'}),
  remote: Flags.string({
    char: 'r',
    description: 'read the Heroku app this git remote of the checkout points at (as -a), e.g. -r heroku or -r staging; `-r` alone means heroku',
  }),
  reserve: Flags.integer({description: 'connections to keep free for `heroku run`, pg:psql and Scheduler (added to the total)', max: MAX_BACKENDS, min: 0}),
  scale: Flags.string({
    char: 's',
    description: 'the formation, as `heroku ps:scale` takes it: web=2 worker=1, web=2:standard-2x, web=2..10 (autoscaling: the max is budgeted); types not named run 1 dyno',
    multiple: true,
  }),
  'warn-at': Flags.string({description: 'warn when the total reaches this fraction of the limit (default 0.8)'}),
}


/** How a report is shown and when it fails CI. */
export const outputFlags = {
  explain: Flags.boolean({default: false, description: 'show where every number came from'}),
  'fail-on': Flags.string({
    description: 'exit 1 on diagnostics of this severity or worse; going over the limit always fails (default: error)',
    options: ['error', 'warning'],
  }),
  format: Flags.string({
    description: 'table (default), markdown (for a PR comment), json (as --json), github (workflow commands), svg (a chart)',
    options: [...FORMATS],
  }),
  output: Flags.string({char: 'o', description: 'write the output to this file instead of standard output', parse: localPath('output')}),
}

/**
 * `-r` with no name means the remote `heroku` (the one `heroku git:remote` and
 * `heroku create` add). oclif has no optional flag values, so the name is filled
 * in before parsing when `-r`/`--remote` is last or followed by another flag or a
 * TYPE=N scale argument.
 */
export function defaultRemote(argv: string[]): string[] {
  noEmptyValues(argv)
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    out.push(argv[i])
    if (argv[i] === '--') {
      append(out, argv.slice(i + 1))
      break
    }

    if (argv[i] !== '-r' && argv[i] !== '--remote') continue
    const next = argv[i + 1]
    if (next === undefined || next.startsWith('-') || next.includes('=')) out.push('heroku')
  }

  return out
}

/**
 * An empty value (`--plan ""`, `--root=`, `--scale ''`: usually a shell variable with no value in a CI script) is an
 * input error naming the flag, not a flag left out: read as not given, `--plan "$PLAN"` would gate against the
 * default plan without a word. Words after `--` are not the command's.
 */
function noEmptyValues(argv: readonly string[]): void {
  for (const [i, word] of argv.entries()) {
    if (word === '--') return
    const flag = word.startsWith('--') && word.endsWith('=') ? word.slice(0, -1) : word === '' ? (argv[i - 1]?.startsWith('-') && !argv[i - 1].includes('=') ? argv[i - 1] : '') : undefined
    if (flag === undefined) continue
    const what = flag === '' ? 'an argument is empty' : word === '' ? `${flag} is followed by an empty word` : `${flag}= has an empty value`
    throw new UsageError(`${what} (a shell variable with no value?)`, 'give it a value, or leave the empty word out')
  }
}
