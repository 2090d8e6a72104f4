/**
 * Spinach workers (NicolasLM/spinach): `flask spinach`, the command its Flask extension registers
 * (spinach/contrib/flask_spinach.py, `@app.cli.command(name='spinach')`), and `python manage.py spinach`
 * of its Django app spinachd. Both start one process running `--threads` worker threads (default
 * DEFAULT_WORKER_NUMBER, 5), each running one job at a time (spinach/worker.py ThreadWorkers), with the
 * app's own pools. `--threads` and the default 5 are the same from 0.0.7 (the first Flask extension
 * with the option) through 0.0.25.
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {assumed, fromDefault, type Source, sourced} from '../../model/source.js'
import {flaskAppEntries} from './app-pools.js'
import {PythonProject} from './modules.js'
import {flaskSubcommand, manageInvocation, scriptRoot} from './program.js'
import {pythonAnalysis} from './server.js'
import {firstOf, flagCandidate, numericFlag} from '../common/setting.js'
import {isSpinach} from '../common/matchers.js'

// spinach@v0.0.25 spinach/const.py: DEFAULT_WORKER_NUMBER = 5; flask_spinach.py: @click.option('--threads', default=DEFAULT_WORKER_NUMBER)
const DEFAULT_THREADS = 'https://github.com/NicolasLM/spinach/blob/v0.0.25/spinach/const.py'
const FLASK_EXT = 'https://github.com/NicolasLM/spinach/blob/v0.0.25/spinach/contrib/flask_spinach.py'
const DJANGO_CMD = 'https://github.com/NicolasLM/spinach/blob/v0.0.25/spinach/contrib/spinachd/management/commands/spinach.py'

/** The app's .py files, folder by folder (at most 4 deep and 2,000 files; `tests` and hidden folders skipped). */
function pythonFiles(ctx: AnalyzerContext, dir = '', depth = 0, out: string[] = []): string[] {
  for (const f of ctx.files.list(dir)) if (f.endsWith('.py') && out.length < 2000) out.push(dir ? `${dir}/${f}` : f)
  if (depth < 4) for (const d of ctx.files.folders(dir)) if (!/^(\.|tests?$|node_modules$)/.test(d)) pythonFiles(ctx, dir ? `${dir}/${d}` : d, depth + 1, out)
  return out
}

/** Where the app sets up the Spinach Flask extension: `.init_app(app)` on an instance of it (or of a subclass), or `Spinach(app)`. */
function extensionSite(ctx: AnalyzerContext): {file: string; line: number} | undefined {
  for (const file of pythonFiles(ctx)) {
    const text = ctx.files.read(file)?.text ?? ''
    if (!/spinach/i.test(text)) continue
    const i = text.split('\n').findIndex((l) => /\bspinach\w*\.init_app\(|\bSpinach\(\s*app\b/i.test(l) && !/^\s*#/.test(l))
    if (i !== -1) return {file, line: i + 1}
  }

  return undefined
}

export const spinach: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const manage = manageInvocation(ctx.command.argv)
    const flask = manage ? undefined : flaskSubcommand(ctx.command.argv)
    const args = manage?.args ?? flask?.args ?? []
    const project = new PythonProject(ctx, scriptRoot(manage?.script))
    const threads = firstOf([flagCandidate(numericFlag(args, ['--threads']), 'Spinach --threads')], sourced(5, fromDefault(`Spinach's default --threads: DEFAULT_WORKER_NUMBER (${manage ? 'the spinachd management command' : 'the Flask extension\'s `flask spinach`'})`, DEFAULT_THREADS), [fromDefault('each Spinach worker thread runs one job at a time (ThreadWorkers)', manage ? DJANGO_CMD : FLASK_EXT)]))
    let entries = manage?.script ? [manage.script] : flaskAppEntries(ctx, project, flask?.app)
    let why: Source = fromDefault('Spinach runs its worker threads in one process', manage ? DJANGO_CMD : FLASK_EXT)
    if (!manage && entries.length === 0) {
      // No FLASK_APP here (it is a config var): the modules where the app sets up the extension are the app's.
      const site = extensionSite(ctx)
      if (site) {
        entries = [site.file]
        why = assumed(`FLASK_APP is not set in the env, .env or .flaskenv, and there is no wsgi.py or app.py: the Flask app is taken to be the one ${site.file}:${site.line} sets up the Spinach extension on`)
      }
    }

    return pythonAnalysis({
      ctx,
      diagnostics: threads.diagnostics,
      entries,
      processes: sourced(1, why),
      project,
      server: 'spinach',
      threads: threads.value,
    })
  },
  id: 'spinach',
  matches: isSpinach,
}
