/**
 * The config a fork-safety fix adds, per server, as one line of Ruby (the
 * Heroku articles on Puma, Unicorn and Resque show the same calls in do…end form).
 */
import type {ForkFacts} from '../model/process.js'

const guard = 'defined?(ActiveRecord::Base) and '

/** Re-establish ActiveRecord's connection in each child. */
export function reconnectSnippet(f: ForkFacts): string {
  const call = `${guard}ActiveRecord::Base.establish_connection`
  if (f.childHook === 'after_fork') return `after_fork { |server, worker| ${call} }`
  return `${f.childHook} { ${call} }`
}

/** Close the parent's ActiveRecord connections before it forks. */
export function disconnectSnippet(f: ForkFacts): string {
  const call = `${guard}ActiveRecord::Base.connection_pool.disconnect!`
  if (f.parentHook === 'before_fork' && f.parent.startsWith('Unicorn')) return `before_fork { |server, worker| ${call} }`
  return `${f.parentHook} { ${call} }`
}

/** "config/puma.rb:6" for a source in a file, else nothing. */
export function fileLine(source: {file?: string; kind: string; line?: number}): {file?: string; line?: number} {
  return source.kind === 'file' ? {file: source.file, line: source.line} : {}
}
