import type {JsonLiveReport} from '../model/live.js'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from './base-command.js'
import {UsageError} from '../util/errors.js'
import {liveJson} from '../live/live-report.js'
import {liveExitCode, runLive} from '../app/live.js'
import {renderLive} from '../render/live.js'
import {liveFlags, liveOptionsFrom} from './live-flags.js'
import {defaultRemote, inputFlags, localPath} from './flags.js'
import {DEFAULT_API_TIMEOUT} from '../app/request.js'

export default class Live extends BaseCommand {
  static override description = `Read a running PostgreSQL database: its connection limit and who holds its connections now.

Connects with a read-only session and short timeouts, reads max_connections, the reserved slots, the role's connection limit and pg_stat_activity, and groups the client connections by application_name, user, client address and state. SSL follows the URL's sslmode (libpq's default, prefer, when none: encrypted when the server offers it, certificate not verified, which is what Heroku Postgres needs). Exit code 0 fine, 1 an error was found (no slot left), 2 the database could not be read, 3 internal error.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --env-file .env.production',
    '<%= config.bin %> <%= command.id %> -a my-app',
    '<%= config.bin %> <%= command.id %> --database-url "$(heroku config:get DATABASE_URL -a my-app)" --plan standard-0',
    '<%= config.bin %> <%= command.id %> --database-url HEROKU_POSTGRESQL_ROSE_URL --env-file .env.heroku --json',
  ]

  static override flags = {
    ...liveFlags,
    app: Flags.string({
      char: 'a',
      description: "the Heroku app whose database to read: its DATABASE_URL config var (or the one --database-url names), from the Platform API (token: HEROKU_API_KEY, else `heroku login`'s ~/.netrc; the URL, its password and the token are never printed)",
    }),
    'api-timeout': inputFlags['api-timeout'],
    remote: Flags.string({char: 'r', description: 'read the database of the Heroku app this git remote of the checkout points at (as -a), e.g. -r heroku; `-r` alone means heroku'}),
    'env-file': Flags.string({
      aliases: ['dotenv'], // see src/commands/flags.ts: Node itself reads `--env-file` under npx
      description:
        'read DATABASE_URL (or the variable --database-url names) from this file: dotenv, or the output of `heroku config -s`, `heroku config --json` or `heroku config`; repeatable, later files win (alias --dotenv, for npx: see README)',
      multiple: true,
      parse: localPath('env-file'),
    }),
    'fail-on': Flags.string({default: 'error', description: 'exit 1 on diagnostics of this severity or worse', options: ['error', 'warning']}),
    plan: Flags.string({char: 'p', description: "the database's Heroku Postgres plan, to check the role's limit against"}),
    'plans-file': Flags.string({description: 'use this plan table (JSON or YAML) instead of the built-in one', parse: localPath('plans-file')}),
    'warn-at': Flags.string({default: '0.8', description: 'warn when connections in use reach this fraction of the limit'}),
  }

  async run(): Promise<JsonLiveReport> {
    const {flags} = await this.parse(Live, defaultRemote(this.argv))
    const warnAt = Number(flags['warn-at'])
    // Checked here so the message names what was typed (`abc`), not NaN.
    if (!(warnAt > 0 && warnAt <= 1)) throw new UsageError(`--warn-at must be a fraction between 0 and 1, got ${flags['warn-at']}`, 'e.g. --warn-at 0.8')
    const report = await runLive({
      ...liveOptionsFrom(flags, flags['env-file'] ?? [], warnAt),
      heroku: flags.app === undefined && flags.remote === undefined ? undefined : {apiTimeoutSeconds: flags['api-timeout'] ?? DEFAULT_API_TIMEOUT, app: flags.app, remote: flags.remote},
      plan: flags.plan,
      plansFile: flags['plans-file'],
    })
    this.print(renderLive(report, await this.colors(), this.width()))
    process.exitCode = liveExitCode(report.diagnostics, flags['fail-on'] as 'error' | 'warning')
    return liveJson(report)
  }
}
