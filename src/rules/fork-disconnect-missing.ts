import type {Diagnostic} from '../model/diagnostic.js'
import type {Rule} from './types.js'

import type {ForkFacts} from '../model/process.js'

import {countedExtras} from '../budget/budget.js'
import {fileLineOf} from '../model/source.js'

/** The one line of Ruby the fix adds: close the parent's connections before it forks. */
function disconnectSnippet(f: ForkFacts): string {
  const call = 'defined?(ActiveRecord::Base) and ActiveRecord::Base.connection_pool.disconnect!'
  return f.parent.startsWith('Unicorn') ? `before_fork { |server, worker| ${call} }` : `${f.parentHook} { ${call} }`
}

/**
 * A parent that loads the app before forking and never disconnects keeps any
 * connection it opened while booting. The analyzer counts it (an Extra of kind
 * "forking-parent", per dyno for a server master, per worker for Resque); this
 * rule says why and how to drop it.
 */
export const rule: Rule = {
  check({budget}) {
    const out: Diagnostic[] = []
    for (const p of budget.processTypes) {
      const f = p.model.fork
      if (!f || p.dynos === 0) continue
      const perDyno = countedExtras(p.model.extrasPerDyno, p.model).some((x) => x.kind === 'forking-parent')
      const perProcess = countedExtras(p.model.extrasPerProcess, p.model).some((x) => x.kind === 'forking-parent')
      if (!perDyno && !perProcess) continue
      const n = perDyno ? p.dynos : p.dynos * p.processesPerDyno
      const where = perDyno ? `+1 per dyno, ${n} across ${p.dynos} dyno${p.dynos === 1 ? '' : 's'}` : `+1 per worker, ${n} in all`
      const at = fileLineOf(f.preload.source)
      const opaque = f.parentHookCalls?.length
        ? `. It calls ${f.parentHookCalls.map((c) => `\`${c}\``).join(', ')}, which conncalc cannot read: if that disconnects, this connection is not kept`
        : ''
      out.push({
        code: 'fork-disconnect-missing',
        file: at.file ?? f.file,
        fix: `add to ${f.file}: ${disconnectSnippet(f)}`,
        ...(at.line ? {line: at.line} : {}),
        message: `${p.name}: the ${f.parent} loads the app before forking and ${opaque ? 'shows no disconnect' : 'never disconnects'} in ${f.parentHook}; if anything touches the database while it boots, the ${f.parent} keeps that connection beside its children's (counted as an assumption: ${where})${opaque}`,
        processType: p.name,
        severity: 'warning',
      })
    }

    return out
  },
  code: 'fork-disconnect-missing',
  severity: 'warning',
  summary: 'A preloading parent (Puma/Unicorn master, Resque worker) never disconnects before forking and may hold a connection of its own.',
}
