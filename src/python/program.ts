import {programName} from '../analyzers/setting.js'

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

/** `python manage.py <command>`: Django management commands. */
export function manageCommand(argv: readonly string[]): string | undefined {
  const i = argv.findIndex((a) => a === 'manage.py' || a.endsWith('/manage.py'))
  if (i === -1 || (i > 0 && !/^python/.test(programName(argv[0])))) return undefined
  return argv[i + 1]
}
