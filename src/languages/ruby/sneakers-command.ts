/** Which commands start Sneakers (plain argv and file-text tests, for the registry's lazy matcher; see sneakers.ts). */
import type {FileReader} from '../../model/files.js'
import type {AnalyzerContext} from '../common/types.js'

import {filesUnder, onceForFiles} from '../../model/files.js'
import {programName} from '../common/setting.js'
import {rakeTasks} from './rails-process-command.js'

const GEM_TASK = 'sneakers:run'

/** How the command starts Sneakers. */
export type Start = {argv: readonly string[]; kind: 'cli'} | {kind: 'gem-task'} | {kind: 'app-task'; task: string}

/** lib/tasks/*.rake (and the Rakefile) that mention Sneakers: where an app's own task may start a Runner. */
export function sneakersRakeFiles(files: FileReader): string[] {
  return onceForFiles(files, 'sneakers-rake-files', () =>
    ['Rakefile', ...filesUnder(files, 'lib/tasks', (p) => p.endsWith('.rake'), {maxDepth: 3}).paths].filter((p) => /sneakers/i.test(files.read(p)?.text ?? '')),
  )
}

export function sneakersStart(argv: readonly string[], ctx: Pick<AnalyzerContext, 'files' | 'versions'>): Start | undefined {
  const prog = programName(argv[0])
  if (prog === 'sneakers' && argv[1] === 'work') return {argv, kind: 'cli'}
  const tasks = rakeTasks(argv)
  if (!tasks) return undefined
  if (tasks.includes(GEM_TASK)) return {kind: 'gem-task'}
  if (!ctx.versions.sneakers && !ctx.versions.kicks) return undefined
  // The app's task: only when a rake file that mentions Sneakers names the task's last part.
  const files = sneakersRakeFiles(ctx.files)
  const task = tasks.find((t) => {
    const last = t.split(':').at(-1)!
    return files.some((f) => (ctx.files.read(f)?.text ?? '').includes(last))
  })
  return task === undefined ? undefined : {kind: 'app-task', task}
}

export const isSneakers = (argv: readonly string[], ctx: Pick<AnalyzerContext, 'files' | 'versions'>): boolean => sneakersStart(argv, ctx) !== undefined

