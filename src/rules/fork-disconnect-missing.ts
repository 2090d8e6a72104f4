import type {Diagnostic} from '../model/diagnostic.js'
import type {Rule} from './types.js'

import type {BootQuery, ForkFacts} from '../model/process.js'

import {countedExtras} from '../budget/budget.js'
import {fileLineOf} from '../model/source.js'

const CALLS: Record<BootQuery['library'], string | undefined> = {
  activerecord: 'defined?(ActiveRecord::Base) and ActiveRecord::Base.connection_pool.disconnect!',
  other: undefined,
  // Sequel's advice before forking: disconnect every Database.
  sequel: 'Sequel::DATABASES.each(&:disconnect)',
}

/** The line of Ruby the fix adds: close the parent's connections before it forks. */
function disconnectFix(f: ForkFacts): string {
  const libraries = [...new Set((f.bootQueries ?? []).map((q) => q.library))]
  const calls = (libraries.length > 0 ? libraries : ['activerecord' as const]).flatMap((l) => CALLS[l] ?? [])
  if (calls.length === 0) return `close the connection the app opens at boot in ${f.file}'s ${f.parentHook} hook`
  const call = calls.join('; ')
  return `add to ${f.file}: ${f.parent.startsWith('Unicorn') ? `before_fork { |server, worker| ${call} }` : `${f.parentHook} { ${call} }`}`
}

/**
 * A parent that loads the app before forking, never disconnects, and shows a
 * sign of holding a connection after boot (ActiveRecord < 5.2, another ORM,
 * a query after Rails empties its pools: languages/ruby/boot-connection.ts).
 * The analyzer counts it (an Extra of kind "forking-parent", per dyno for a
 * server master, per worker for Resque); this rule names the sign and how to
 * drop it. Without a sign the connection is in the ceiling only and nothing is said.
 */
export const rule: Rule = {
  check({budget}) {
    const out: Diagnostic[] = []
    for (const p of budget.processTypes) {
      const given = p.model.fork
      if (!given || p.dynos === 0) continue
      // A parent hook that disconnects ActiveRecord only: the Sequel signs are what is left.
      const arOnly = Boolean(given.disconnect && given.disconnectLeavesSequel)
      const f: ForkFacts = arOnly ? {...given, bootQueries: (given.bootQueries ?? []).filter((q) => q.library === 'sequel' && q.appConnects)} : given
      const perDyno = countedExtras(p.model.extrasPerDyno, p.model).some((x) => x.kind === 'forking-parent')
      const perProcess = countedExtras(p.model.extrasPerProcess, p.model).some((x) => x.kind === 'forking-parent')
      // The parent's Sequel connection its children inherit: counted in their pools, but the processes share one socket.
      const shared = [...p.model.extrasPerDyno, ...p.model.extrasPerProcess].some((x) => x.kind === 'forking-parent' && x.sharedWithChildren)
      if (!perDyno && !perProcess && !shared) continue
      const n = perDyno ? p.dynos : p.dynos * p.processesPerDyno
      const where = perDyno ? `+1 per dyno, ${n} across ${p.dynos} dyno${p.dynos === 1 ? '' : 's'}` : `+1 per worker, ${n} in all`
      const at = fileLineOf(f.preload.source)
      const signs = (f.bootQueries ?? []).map((q) => q.what).join('; ')
      const opaque = f.parentHookCalls?.length
        ? `. It calls ${f.parentHookCalls.map((c) => `\`${c}\``).join(', ')}, which conncalc cannot read: if that disconnects, this connection is not kept`
        : ''
      const kept = shared && !perDyno && !perProcess
        ? `its children inherit that connection and use it at once over one socket, which Sequel warns leads to "all sorts of weird behavior, including crashes" (doc/fork_safety.rdoc); counted in their pools, not again`
        : `the ${f.parent} keeps that connection beside its children's (counted: ${where})`
      out.push({
        code: 'fork-disconnect-missing',
        file: at.file ?? f.file,
        fix: disconnectFix(f),
        ...(at.line ? {line: at.line} : {}),
        message: `${p.name}: the ${f.parent} loads the app before forking and ${arOnly ? `disconnects only ActiveRecord` : opaque ? 'shows no disconnect' : 'never disconnects'} in ${f.parentHook}${arOnly ? ` (${given.disconnect!.file}:${given.disconnect!.line})` : ''}, and ${signs}: ${kept}${opaque}`,
        processType: p.name,
        severity: 'warning',
      })
    }

    return out
  },
  code: 'fork-disconnect-missing',
  severity: 'warning',
  summary: 'A preloading parent (Puma/Unicorn master, Resque worker) queries after boot (ActiveRecord < 5.2, another ORM, an after_initialize or config.ru query) and never disconnects before forking: it holds a connection of its own.',
}
