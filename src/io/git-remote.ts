/**
 * `-r REMOTE`: the Heroku app a git remote points at, read from the checkout's
 * git config as the Heroku CLI does (@heroku-cli/command's git.ts reads
 * `git remote -v`; conncalc reads .git/config itself so it needs no git binary).
 */
import {statSync} from 'node:fs'
import {dirname, isAbsolute, join, resolve} from 'node:path'

import {UsageError} from '../util/errors.js'
import {readTextFile} from './files.js'
import {herokuAppFromGitUrl, remoteUrl} from '../util/git-config.js'

export function appFromGitRemote(start: string, remote: string): string {
  const gitDir = findGitDir(resolve(start))
  if (!gitDir) throw new UsageError(`-r ${remote}: no git checkout at ${start} or above it`, 'run conncalc in the app\'s checkout, or name the app with -a APP')
  // readTextFile: never opens a FIFO or device (it could block).
  const file = readTextFile(join(gitDir, 'config'))
  if (file.kind !== 'text') throw new UsageError(`-r ${remote}: cannot read ${join(gitDir, 'config')}`, 'name the app with -a APP')
  const {text} = file

  const url = remoteUrl(text, remote)
  if (url === undefined) throw new UsageError(`-r ${remote}: the checkout has no git remote named ${remote}`, 'add it with `heroku git:remote -a APP`, or name the app with -a APP')
  const app = herokuAppFromGitUrl(url, process.env.HEROKU_HOST)
  if (app === undefined) throw new UsageError(`-r ${remote}: the remote's URL is not a Heroku git URL (https://git.heroku.com/APP.git)`, 'name the app with -a APP')
  return app
}

/** The git directory holding `config`: .git, or for a linked worktree the common dir its .git file leads to. */
function findGitDir(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git')
    const stat = statSync(dotGit, {throwIfNoEntry: false})
    if (stat?.isDirectory()) return dotGit
    if (stat?.isFile()) {
      const link = readTextFile(dotGit)
      const m = link.kind === 'text' ? /^gitdir:\s*(.+)$/m.exec(link.text) : null
      if (!m) return undefined
      const gitdir = isAbsolute(m[1].trim()) ? m[1].trim() : resolve(dir, m[1].trim())
      const commondir = readTextFile(join(gitdir, 'commondir'))
      const common = commondir.kind === 'text' ? commondir.text.trim() : undefined
      return common ? resolve(gitdir, common) : gitdir
    }

    if (dirname(dir) === dir) return undefined
  }
}
