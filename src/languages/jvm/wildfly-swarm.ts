// WildFly Swarm / Thorntail datasources: `new DatasourcesFraction().dataSource("NAME", ds -> { … ds.maxPoolSize(n) … })` in
// the app's main, or project-defaults.yml (`swarm:`/`thorntail:` → datasources → data-sources → NAME → max-pool-size).
// A datasource with no max-pool-size gets IronJacamar's pool default, 20 (the WildFly datasources subsystem's max-pool-size).
import type {Diagnostic} from '../../model/diagnostic.js'
import type {AnalyzerContext} from '../common/types.js'
import {filesUnder} from '../../model/files.js'
import {assumed, fromDefault, fromFile, sourced, type Sourced} from '../../model/source.js'

// IronJacamar PoolConfiguration: maxSize = new AtomicInteger(20), minSize 0; WildFly's datasources subsystem max-pool-size default 20.
const IRONJACAMAR = 'https://github.com/ironjacamar/ironjacamar/blob/master/core/src/main/java/org/jboss/jca/core/api/connectionmanager/pool/PoolConfiguration.java'

const lineOf = (text: string, i: number): number => text.slice(0, i).split('\n').length

export interface SwarmPools {
  diagnostics: Diagnostic[]
  names: string[]
  pool: Sourced<number>
}

/** The datasources a WildFly Swarm / Thorntail app defines, their pools summed (each is its own pool on the database). */
export function swarmDatasources(ctx: AnalyzerContext): SwarmPools | undefined {
  const {paths} = filesUnder(ctx.files, '', (p) => /(^|\/)src\/main\//.test(p) && /\.(java|kt|groovy)$/.test(p), {max: 3000, maxDepth: 12})
  const diagnostics: Diagnostic[] = []
  const found: {file: string; line: number; name: string; size: Sourced<number>}[] = []
  const yml = ['src/main/resources/project-defaults.yml', 'src/main/resources/project-stages.yml'].map((f) => ({f, text: ctx.files.read(f)?.text})).find((x) => x.text && /data-sources\s*:/.test(x.text))
  const ymlSize = (name: string): Sourced<number> | undefined => {
    if (!yml?.text) return undefined
    const at = yml.text.search(new RegExp(`^\\s*${name.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)}\\s*:`, 'm'))
    if (at < 0) return undefined
    const m = /max-pool-size\s*:\s*(\S+)/.exec(yml.text.slice(at).split(/\n(?=\s{0,6}\S[^\n]*:\s*$)/)[0] ?? '')
    return m && /^\d+$/.test(m[1]) ? sourced(Number(m[1]), fromFile(yml.f, lineOf(yml.text, at + m.index))) : undefined
  }

  for (const path of paths) {
    const text = ctx.files.read(path)?.text ?? ''
    if (!/\bDatasourcesFraction\b/.test(text)) continue
    for (const m of text.matchAll(/\.dataSource\s*\(\s*"([^"]+)"/g)) {
      const line = lineOf(text, m.index)
      // The datasource's own builder: the rest of the .dataSource( … ) call, its parentheses balanced (strings skipped).
      const rest = text.slice(m.index + m[0].length)
      let depth = 1
      let end = 0
      for (let q = ''; end < rest.length && depth > 0; end++) {
        const ch = rest[end]
        if (q) {
          if (ch === '\\') end++
          else if (ch === q) q = ''
        } else if (ch === '"' || ch === "'") q = ch
        else if (ch === '(') depth++
        else if (ch === ')') depth--
      }

      const body = rest.slice(0, end)
      const set = /\.maxPoolSize\s*\(\s*([^)]*?)\s*\)/.exec(body)
      const dflt = sourced(20, fromDefault("IronJacamar's default max-pool-size (PoolConfiguration maxSize 20)", IRONJACAMAR), [fromFile(path, line)])
      let size = ymlSize(m[1]) ?? dflt
      if (set) {
        const setLine = lineOf(text, m.index + m[0].length + set.index)
        if (/^\d+$/.test(set[1])) size = sourced(Number(set[1]), fromFile(path, setLine))
        else {
          diagnostics.push({code: 'unknown-config-value', file: path, fix: `tell conncalc the pool: --assume ${ctx.processType}=1:N:N`, line: setLine, message: `${ctx.processType}: ${path}:${setLine} sets datasource ${m[1]}'s maxPoolSize to \`${set[1]}\`, which conncalc does not evaluate; IronJacamar's default, 20, is counted`, processType: ctx.processType, severity: 'warning'})
          size = sourced(20, assumed(`maxPoolSize is \`${set[1]}\` at ${path}:${setLine}, not read; the default counted`), [dflt.source])
        }
      }

      found.push({file: path, line, name: m[1], size})
    }
  }

  if (found.length === 0) return undefined
  const total = found.reduce((a, f) => a + f.size.value, 0)
  const pool = found.length === 1 ? found[0].size : sourced(total, fromFile(found[0].file, found[0].line), [...found.map((f) => f.size.source), assumed(`${found.length} datasources (${found.map((f) => f.name).join(', ')}), each its own pool, summed`)])
  return {diagnostics, names: found.map((f) => f.name), pool}
}
