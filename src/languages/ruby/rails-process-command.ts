/** Which Rails-loading process a command is (plain argv tests, for the registry's lazy matcher). */
import type {FileReader} from '../../model/files.js'

import {programName} from '../common/setting.js'

/** Rake's own Rakefile names (ruby/rake application.rb DEFAULT_RAKEFILES), in its order. */
const RAKEFILES = ['rakefile', 'Rakefile', 'rakefile.rb', 'Rakefile.rb']

/** The Rakefile in the folder a command runs in, if any (the registry's cheap test before anything is parsed). */
export const rakefileOf = (files: FileReader): string | undefined => RAKEFILES.find((f) => files.exists(f))

/** `rails runner FILE` / `rails r 'code'`: the script or code it runs. */
export function railsRunnerScript(argv: readonly string[]): string | undefined {
  if (!['rails', 'rails.rb'].includes(programName(argv[0])) || (argv[1] !== 'runner' && argv[1] !== 'r')) return undefined
  return argv.slice(2).find((a) => !a.startsWith('-')) ?? ''
}

/** `clockwork FILE` (also `bin/clockwork`, `clockworkd`): the clock file. */
export function clockworkFile(argv: readonly string[]): string | undefined {
  if (!['clockwork', 'clockworkd'].includes(programName(argv[0]))) return undefined
  return argv.slice(1).find((a) => !a.startsWith('-')) ?? ''
}

/** `rake TASK…` / `rails ns:task`: the tasks it runs (a cron job, a clock's command). Servers and job systems match before this. */
export function rakeTasks(argv: readonly string[]): string[] | undefined {
  const prog = programName(argv[0])
  const tasks = argv.slice(1).filter((a) => !a.startsWith('-') && !(a.includes('=') && /^[A-Z_]\w*=/.test(a)))
  if (prog === 'rake' && tasks.length > 0) return tasks
  if ((prog === 'rails' || prog === 'rails.rb') && tasks.length > 0 && tasks.every((t) => t.includes(':'))) return tasks
  return undefined
}

/** `hanami db migrate` (also prepare, seed, create, …): the subcommand, run once against the app's database. */
export function hanamiDbCommand(argv: readonly string[]): string | undefined {
  return programName(argv[0]) === 'hanami' && argv[1] === 'db' && argv[2] !== undefined && !argv[2].startsWith('-') ? argv[2] : undefined
}

export const isRailsProcess = (argv: readonly string[]): boolean =>
  railsRunnerScript(argv) !== undefined || clockworkFile(argv) !== undefined || rakeTasks(argv) !== undefined || hanamiDbCommand(argv) !== undefined

