import {programName} from '../common/setting.js'

/**
 * The Python program a command starts, past the runners that only choose an
 * interpreter or a virtualenv: `python -m gunicorn`, `uv run celery`,
 * `poetry run`, `pipenv run`, `pdm run`. Returns the program name and its args.
 */
export function pythonProgram(argv: readonly string[]): {args: string[]; name: string} {
  let rest = [...argv]
  for (;;) {
    const head = programName(rest[0])
    if (['pdm', 'pipenv', 'poetry', 'uv'].includes(head) && rest[1] === 'run') {
      rest = rest.slice(2)
      continue
    }

    if (/^python(\d(\.\d+)?)?$/.test(head) && rest[1] === '-m' && rest[2]) {
      rest = rest.slice(2)
      rest[0] = rest[0].split('.')[0] // `python -m celery.bin.celery` is celery
      continue
    }

    break
  }

  return {args: rest.slice(1), name: programName(rest[0])}
}

/**
 * `python manage.py <command> …` (also `python netbox/manage.py`, `./manage.py`,
 * `django-admin <command>`): the command, its arguments, and the script, whose
 * folder Python puts first on the import path.
 */
export function manageInvocation(argv: readonly string[]): {args: string[]; command: string; script?: string} | undefined {
  const {args, name} = pythonProgram(argv)
  if (name === 'django-admin' && args[0]) return {args: args.slice(1), command: args[0]}
  const i = argv.findIndex((a) => a === 'manage.py' || a.endsWith('/manage.py'))
  if (i === -1 || !argv[i + 1] || (i > 0 && !argv.slice(0, i).some((a) => /^python/.test(programName(a))))) return undefined
  return {args: argv.slice(i + 2), command: argv[i + 1], script: argv[i].replace(/^\.\//, '')}
}

/** `python manage.py <command>`: Django management commands. */
export const manageCommand = (argv: readonly string[]): string | undefined => manageInvocation(argv)?.command

/** The folder of the manage.py a command runs, as an import root ('' for the app root). */
export const scriptRoot = (script: string | undefined): string[] => (script?.includes('/') ? [script.slice(0, script.lastIndexOf('/'))] : [])
