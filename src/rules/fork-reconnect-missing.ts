import type {Diagnostic} from '../model/diagnostic.js'
import type {Rule} from './types.js'

import type {ForkFacts} from '../model/process.js'

import {describeSourced, fileLineOf} from '../model/source.js'
import {versionAtLeast} from '../util/version.js'

/** The one line of Ruby the fix adds (Heroku's Puma and Unicorn articles show the same call in do…end form). */
function reconnectSnippet(f: ForkFacts): string {
  const call = 'defined?(ActiveRecord::Base) and ActiveRecord::Base.establish_connection'
  return f.childHook === 'after_fork' ? `after_fork { |server, worker| ${call} }` : `${f.childHook} { ${call} }`
}

/**
 * ActiveRecord before 5.2 keeps the connections a forked child inherits, so a
 * child of a preloading parent talks over the parent's socket unless it
 * reconnects. Rails 5.2 (commit f32cff5, "Improve AR connection fork safety")
 * discards them in the child, so nothing is reported there. Nor when the parent empties its pool before
 * forking (establish_connection, clear_all_connections!, connection_pool.disconnect! in its before-fork hook:
 * ForkFacts.parentEmptiesPool): the child then inherits no connection and opens its own.
 */
export const rule: Rule = {
  check({budget}) {
    const out: Diagnostic[] = []
    for (const p of budget.processTypes) {
      const f = p.model.fork
      const ar = p.model.versions?.activerecord
      if (!f || !ar || versionAtLeast(ar, '5.2.0') || p.dynos === 0) continue
      // A parent that empties its pool before forking leaves the child nothing to share: it connects on its own.
      if (!f.forks.value || !f.preload.value || f.reconnect || f.parentEmptiesPool) continue
      const at = fileLineOf(f.preload.source)
      out.push({
        code: 'fork-reconnect-missing',
        file: at.file ?? f.file,
        fix: `add to ${f.file}: ${reconnectSnippet(f)}`,
        ...(at.line ? {line: at.line} : {}),
        message: `${p.name}: the ${f.parent} loads the app with ActiveRecord ${ar} before forking (${describeSourced(f.preload)}) and no ${f.childHook} calls establish_connection, so children keep using the parent's connection: expect "SSL SYSCALL error: EOF detected", "no connection to the server" and "decryption failed or bad record mac" (Rails 5.2+ discards inherited connections itself)`,
        processType: p.name,
        severity: 'error',
      })
    }

    return out
  },
  code: 'fork-reconnect-missing',
  severity: 'error',
  summary: 'ActiveRecord < 5.2 with a preloading, forking server and no reconnect in the child: children share the parent\'s socket.',
}
