import type {ServerAnalyzer} from '../languages/common/types.js'

import type {FileReader} from '../model/files.js'

import {appPath} from '../languages/common/setting.js'
import {assumed, sourced} from '../model/source.js'
import {flaskSubcommand, isPythonName, manageFramework, manageInvocation} from '../languages/python/program.js'

/** A path the command runs that the repo does not hold: a script built at deploy, or one the repo no longer has. */
function notInApp(argv0: string | undefined, files: FileReader): string | undefined {
  if (!argv0?.includes('/')) return undefined
  const path = appPath(argv0)
  if (path.startsWith('/')) return undefined
  return path.includes('..') || path.includes('$') || files.exists(path) ? undefined : `${path} is not in the app (made at build, or named by a Procfile the repo outgrew?)`
}

/** `python web.py` of a script the repo does not hold: Python stops with "can't open file" before it runs anything. */
export function scriptNotInApp(argv: readonly string[], files: FileReader): string | undefined {
  const program = (argv[0] ?? '').split('/').pop()!
  if (!isPythonName(program)) return undefined
  const script = argv.slice(1).find((a) => !a.startsWith('-'))
  if (!script?.endsWith('.py') || argv.slice(1).some((a) => a === '-m' || a === '-c')) return undefined
  const path = appPath(script)
  if (path.startsWith('/') || path.includes('..') || path.includes('$') || files.exists(path)) return undefined
  return `${path} is not in the app: Python stops with "can't open file" at start (a script made at build, or one the repo no longer has?)`
}

/** Why a `manage.py X` is not read as a Django management command: its manage.py is another framework's. */
function notDjango(argv: string[], files: FileReader): string | undefined {
  const manage = manageInvocation(argv)
  const framework = manage?.script === undefined ? undefined : manageFramework(manage.script, files)
  return framework ? `${manage!.script} is written with ${framework}, not Django, and conncalc has no analyzer for its \`${manage!.command}\` command` : undefined
}

/** `flask <command>` other than the ones conncalc reads (run, celery, spinach): an extension's or the app's own command. */
function flaskCommand(argv: string[]): string | undefined {
  const sub = flaskSubcommand(argv)
  return sub ? `\`flask ${sub.name}\` is a command the Flask app registers (its own @app.cli.command, or an extension's), which conncalc does not read` : undefined
}

/** Anything no analyzer recognises: 1 process × 1 connection, and say so. */
export const unknown: ServerAnalyzer = {
  analyze(ctx) {
    const what = ctx.command.argv[0] ?? ctx.command.raw
    // Quoted in a message (and in every source that cites it): a long command is shortened.
    const quoted = `"${what.length > 80 ? `${what.slice(0, 79)}…` : what}"`
    const reason = ctx.unknownWhy ?? notDjango(ctx.command.argv, ctx.files) ?? flaskCommand(ctx.command.argv) ?? notInApp(ctx.command.argv[0], ctx.files) ?? scriptNotInApp(ctx.command.argv, ctx.files)
    const why = reason ? `${quoted}: ${reason}` : `conncalc does not recognise ${quoted}`
    return {
      diagnostics: [
        {
          code: 'unknown-command',
          file: ctx.origin?.file,
          fix: `if it opens database connections, tell conncalc how many: --assume ${ctx.processType}=PROCESSES:THREADS:POOL`,
          line: ctx.origin?.line,
          message: `${ctx.processType}: ${why}; counting 1 process × 1 connection`,
          processType: ctx.processType,
          severity: 'warning',
        },
      ],
      language: 'unknown',
      processesPerDyno: sourced(1, assumed(`${why}; 1 process per dyno`)),
      server: 'unknown',
      threadsPerProcess: sourced(1, assumed(`${why}; 1 thread per process`)),
    }
  },
  id: 'unknown',
  matches: () => true,
}
