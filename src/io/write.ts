import {mkdirSync, writeFileSync} from 'node:fs'
import {dirname} from 'node:path'

import {InputError} from '../util/errors.js'
import {errnoWords} from './files.js'

/** Write a file conncalc produced (--output, `conncalc readme`); a failure is the user's to fix (exit 2). */
export function writeTextFile(path: string, text: string): void {
  if (path === '') throw new InputError('cannot write the output: the file name is empty', 'name the file to write (--output FILE, or readme --file FILE)')
  try {
    mkdirSync(dirname(path), {recursive: true})
    writeFileSync(path, text, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error'
    throw new InputError(`cannot write ${path} (${errnoWords(code)})`)
  }
}
