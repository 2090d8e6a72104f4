import {InputError} from '../util/errors.js'
import {type ParsedEnvFile, parseEnvFile} from '../util/env-file.js'
import {readTextFile, whyNotText} from './files.js'

/** The env files read from a pipe in this run, by the path given (a pipe is read once: its second read is empty). */
const PIPES_READ = new Map<string, ParsedEnvFile>()

/**
 * Read an `--env-file` and parse it (util/env-file.ts). Sources name the file as
 * the user wrote it (`.env.production:4`). A file that cannot be read is an
 * InputError (exit 2): a budget computed without the variables the user asked
 * for would be wrong.
 */
export function readEnvFile(path: string): ParsedEnvFile {
  const hint = 'pass --env-file PATH to a dotenv file, or to the output of `heroku config -s` or `heroku config --json`'
  // A pipe too: `--env-file <(heroku config -s -a APP)` keeps the app's secrets off the disk. What it held is kept
  // for the run, since a pipe is read once (plan --live reads the env files twice).
  const kept = PIPES_READ.get(path)
  if (kept) return kept
  const file = readTextFile(path, undefined, undefined, true)
  switch (file.kind) {
    case 'text': {
      const parsed = parseEnvFile(file.text, path)
      if (file.pipe) PIPES_READ.set(path, parsed)
      return parsed
    }

    case 'missing': {
      throw new InputError(`env file not found: ${path}`, hint)
    }

    case 'directory': {
      throw new InputError(`env file ${path} is a directory`, hint)
    }

    case 'binary': {
      throw new InputError(`env file ${path} is not a text file`, hint)
    }

    case 'too-large': {
      throw new InputError(`env file ${path} is larger than 1 MiB`, hint)
    }

    case 'unreadable': {
      throw new InputError(`cannot read env file ${path} (${whyNotText(file)})`, hint)
    }
  }
}
