import {InputError} from '../util/errors.js'
import {type ParsedEnvFile, parseEnvFile} from '../util/env-file.js'
import {readTextFile, whyNotText} from './files.js'

/**
 * Read an `--env-file` and parse it (util/env-file.ts). Sources name the file as
 * the user wrote it (`.env.production:4`). A file that cannot be read is an
 * InputError (exit 2): a budget computed without the variables the user asked
 * for would be wrong.
 */
export function readEnvFile(path: string): ParsedEnvFile {
  const hint = 'pass --env-file PATH to a dotenv file, or to the output of `heroku config -s` or `heroku config --json`'
  const file = readTextFile(path)
  switch (file.kind) {
    case 'text': {
      return parseEnvFile(file.text, path)
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
