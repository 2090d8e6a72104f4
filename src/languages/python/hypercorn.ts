/**
 * Hypercorn: processes = -w/--workers, else the `workers` of the config -c/--config names (default 1,
 * hypercorn/config.py; it does not read WEB_CONCURRENCY), each an asyncio (or trio) event loop bounded by the
 * app's pool.
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {fromDefault, fromFile, sourced} from '../../model/source.js'
import {pyCandidate} from './candidate.js'
import {copiedFile} from '../../model/image-files.js'
import {posix} from 'node:path'
import {entryFiles} from './app-pools.js'
import {moduleOfAppSpec, PythonProject} from './modules.js'
import {pythonProgram} from './program.js'
import {pythonAnalysis} from './server.js'
import {appArgument} from './gunicorn.js'
import {appPath, type Candidate, findFlag, firstOf, flagCandidate, numericFlag} from '../common/setting.js'
import {isHypercorn} from '../common/matchers.js'

const REF = 'https://github.com/pgjones/hypercorn/blob/main/src/hypercorn/config.py'

/**
 * The config `-c/--config` names, as hypercorn/__main__.py _load_config reads it: `python:module` (Config.from_object),
 * `file:path.py` (Config.from_pyfile: the file's names), else a TOML file (Config.from_toml); its `workers` is used
 * unless -w/--workers is given (main: a command-line value replaces the config's). A config conncalc cannot find or
 * read: said, the default used.
 */
async function configWorkers(ctx: AnalyzerContext, project: PythonProject, spec: string): Promise<Candidate> {
  const unread = (why: string): Candidate => ({
    diagnostics: [{code: 'unknown-config-value', fix: `set --workers on the command line, or --assume ${ctx.processType}=PROCESSES:THREADS:POOL`, message: `${ctx.processType}: hypercorn config ${spec} is not read (${why})`, processType: ctx.processType, severity: 'warning'}],
  })
  if (spec.startsWith('python:') || spec.startsWith('file:')) {
    const path = spec.startsWith('python:') ? project.resolve(spec.slice('python:'.length)) : appPath(spec.slice('file:'.length))
    const module = path && ctx.files.exists(path) ? await project.load(path) : undefined
    if (!module) return unread('no such module or file in the app')
    return pyCandidate(module.names.get('workers'), 'hypercorn workers')
  }

  // In a container image, a file a COPY put in the WORKDIR from elsewhere in the repository (`COPY hypercorn.toml /app/`
  // where /app holds backend/src): read where it came from, and cited there.
  const here = appPath(spec)
  const image = ctx.image
  const copied = ctx.files.exists(here) || !image?.image.workdir ? undefined : copiedFile(image.image, image.files, posix.join(image.image.workdir, here))
  const path = copied?.path ?? here
  const text = (copied ? image!.files : ctx.files).read(path)?.text
  if (text === undefined) return unread('no such file in the app')
  let toml: Record<string, unknown>
  try {
    toml = (await import('smol-toml')).parse(text) as Record<string, unknown>
  } catch (error) {
    return unread(`its TOML does not parse: ${(error as Error).message.split('\n')[0]}`)
  }

  if (toml.workers === undefined) return {diagnostics: []}
  const line = text.split(/\r?\n/).findIndex((l) => /^\s*workers\s*=/.test(l)) + 1
  if (typeof toml.workers === 'number' && Number.isInteger(toml.workers) && toml.workers > 0) return {diagnostics: [], value: sourced(toml.workers, fromFile(path, line))}
  return {diagnostics: [{code: 'unknown-config-value', file: path, line, message: `${ctx.processType}: hypercorn workers = ${String(toml.workers)} is not a number of processes conncalc reads`, processType: ctx.processType, severity: 'warning'}]}
}

export const hypercorn: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {args} = pythonProgram(ctx.command.argv)
    const project = new PythonProject(ctx)
    const config = findFlag(args, ['-c', '--config'])
    const fromConfig = config ? await configWorkers(ctx, project, config.value) : {diagnostics: []}
    const workers = firstOf([flagCandidate(numericFlag(args, ['-w', '--workers']), 'hypercorn workers'), fromConfig], sourced(1, fromDefault('Hypercorn default workers', REF)))
    const diagnostics = [...workers.diagnostics]

    const appModule = moduleOfAppSpec(appArgument(args))
    return pythonAnalysis({
      ...(appModule ? {appModule: {module: appModule, named: `hypercorn ${appArgument(args)}`}} : {}),
      ctx,
      diagnostics,
      entries: entryFiles(project, [appModule]),
      processes: workers.value,
      project,
      server: 'hypercorn',
      threads: 'event-loop',
    })
  },
  id: 'hypercorn',
  matches: isHypercorn,
}
