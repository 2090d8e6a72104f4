/**
 * The Python the app asks the platform for. Heroku's Python buildpack looks, in this order, at runtime.txt
 * (`python-3.11.0`, deprecated), .python-version (`3.11`) and Pipfile.lock's `_meta.requires`
 * python_full_version / python_version (heroku/heroku-buildpack-python README, "Python Version"); with none it
 * installs its own default, a current Python 3.
 */
import type {FileReader} from '../../model/files.js'

export const PYTHON_VERSION_REF = 'https://github.com/heroku/heroku-buildpack-python#python-version'

export interface PythonVersion {
  file: string
  line: number
  major: number
  minor: number
}

/** The major and minor the app's files ask for, where the buildpack reads them first; undefined when none says. */
export function pythonVersion(files: FileReader): PythonVersion | undefined {
  for (const file of ['runtime.txt', '.python-version']) {
    const text = files.read(file)?.text
    if (!text) continue
    const lines = text.split('\n')
    const i = lines.findIndex((l) => /^\s*(python-)?\d+\.\d+/.test(l))
    const m = i === -1 ? undefined : /(\d+)\.(\d+)/.exec(lines[i])
    if (m) return {file, line: i + 1, major: Number(m[1]), minor: Number(m[2])}
  }

  const lock = files.read('Pipfile.lock')?.text
  if (lock) {
    const lines = lock.split('\n')
    for (const key of ['python_full_version', 'python_version']) {
      const i = lines.findIndex((l) => new RegExp(`"${key}"\\s*:\\s*"\\d+\\.\\d+`).test(l))
      const m = i === -1 ? undefined : /:\s*"(\d+)\.(\d+)/.exec(lines[i])
      if (m) return {file: 'Pipfile.lock', line: i + 1, major: Number(m[1]), minor: Number(m[2])}
    }
  }

  return undefined
}
