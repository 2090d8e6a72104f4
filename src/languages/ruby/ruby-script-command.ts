/** Which of the app's own Ruby files a command runs (plain argv and first-line tests, for the registry's lazy matcher). */
import type {FileReader} from '../../model/files.js'

import {appPath, programName} from '../common/setting.js'

/** `#!/usr/bin/env ruby`, `#!/usr/bin/ruby -w`, `#!/usr/bin/env -S ruby --yjit`. */
const RUBY_SHEBANG = /^#!\s*\S*?\b(?:env\s+(?:-S\s+)?)?ruby\d*(?:\s|$)/

/** `ruby`'s options that take the next word as their value (`ruby -I lib x.rb`, `ruby -r ./boot x.rb`). */
const VALUE_OPTIONS = new Set(['-I', '-r', '-C', '-E', '--encoding', '-x'])

/**
 * The app file a command runs as a Ruby script: `ruby [options] FILE` (not `ruby -e`), or a
 * path to a file of the app whose shebang is Ruby or whose name ends in `.rb`
 * (`bin/respirate`, `script/worker.rb`). Servers, job systems and Rails' own commands are
 * matched before this in the registry, so a binstub such as bin/rails never reaches it.
 */
export function rubyScript(argv: readonly string[], files: FileReader): string | undefined {
  if (argv.length === 0) return undefined
  let path: string | undefined = argv[0]
  if (programName(argv[0]) === 'ruby') {
    path = undefined
    for (let i = 1; i < argv.length; i++) {
      const a = argv[i]
      if (a === '-e' || a.startsWith('-e') || a === '-') return undefined
      if (VALUE_OPTIONS.has(a)) i++
      else if (!a.startsWith('-')) {
        path = a
        break
      }
    }

    if (path === undefined) return undefined
    const rel = appPath(path)
    return !rel.startsWith('/') && !rel.includes('..') && files.exists(rel) ? rel : undefined
  }

  if (!path.includes('/') && !path.endsWith('.rb')) return undefined
  const rel = appPath(path)
  if (rel.startsWith('/') || rel.includes('..')) return undefined
  const file = files.read(rel)
  if (!file) return undefined
  return rel.endsWith('.rb') || RUBY_SHEBANG.test(file.text.split('\n', 1)[0]) ? rel : undefined
}
