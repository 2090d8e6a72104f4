import {mkdirSync, writeFileSync} from 'node:fs'
import {dirname} from 'node:path'

import {InputError} from '../util/errors.js'

/** Write a file conncalc produced (--output, `conncalc readme`); a failure is the user's to fix (exit 2). */
export function writeTextFile(path: string, text: string): void {
  try {
    mkdirSync(dirname(path), {recursive: true})
    writeFileSync(path, text, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error'
    throw new InputError(`cannot write ${path} (${code})`)
  }
}
