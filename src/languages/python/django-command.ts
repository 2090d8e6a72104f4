/**
 * A Django management command conncalc has no analyzer for (`python manage.py
 * sendalerts`, `process_tasks`, `run_huey`): one process that loads the app's
 * settings, so its DATABASES are known; how many threads use them is not, so
 * one is assumed and said (`unknown-command`, with the --assume fix).
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {assumed, fromDefault, sourced} from '../../model/source.js'
import {PythonProject} from './modules.js'
import {manageInvocation, scriptRoot} from './program.js'
import {pythonAnalysis} from './server.js'
import {isDjangoCommand} from '../common/matchers.js'

const REF = 'https://docs.djangoproject.com/en/stable/ref/django-admin/'

export const djangoCommand: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const manage = manageInvocation(ctx.command.argv)!
    const what = `manage.py ${manage.command}`
    return pythonAnalysis({
      ctx,
      diagnostics: [
        {
          code: 'unknown-command',
          file: ctx.origin?.file,
          fix: `if \`${what}\` runs jobs on several threads or processes, say how many: --assume ${ctx.processType}=PROCESSES:THREADS`,
          line: ctx.origin?.line,
          message: `${ctx.processType}: \`${what}\` is a Django management command conncalc does not know; counting 1 process × 1 thread with the app's DATABASES`,
          processType: ctx.processType,
          severity: 'warning',
        },
      ],
      entries: manage.script ? [manage.script] : [],
      processes: sourced(1, fromDefault('a Django management command runs in one process', REF)),
      project: new PythonProject(ctx, scriptRoot(manage.script)),
      server: 'django-command',
      threads: sourced(1, assumed(`conncalc does not know \`${what}\`; one thread using the database is assumed`)),
    })
  },
  id: 'django-command',
  matches: isDjangoCommand,
}
