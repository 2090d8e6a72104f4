// c3p0 pools built in a JVM app's code (no Spring Boot): Java/Kotlin `new ComboPooledDataSource()` with
// `setMaxPoolSize(n)`, c3p0.properties (`c3p0.maxPoolSize`) or c3p0-config.xml's <named-config>/<default-config>;
// Hibernate's own c3p0 pool (hibernate.c3p0.max_size); Clojure
// `(doto (ComboPooledDataSource.) (.setMaxPoolSize n))` and clojure.jdbc-c3p0's `(make-datasource-spec {…})`.
import type {Diagnostic} from '../../model/diagnostic.js'
import type {AnalyzerContext} from '../common/types.js'
import {filesUnder} from '../../model/files.js'
import {assumed, fromDefault, fromFile, type Source, sourced, type Sourced} from '../../model/source.js'
import {clojureMap} from './clojure-map.js'

// C3P0Defaults: MAX_POOL_SIZE = 15, INITIAL_POOL_SIZE = 3, MIN_POOL_SIZE = 3.
const C3P0_DEFAULTS = 'https://github.com/swaldman/c3p0/blob/master/src/com/mchange/v2/c3p0/impl/C3P0Defaults.java'
// clojure.jdbc-c3p0 (jdbc.pool.c3p0) make-datasource-spec: (.setMaxPoolSize (:max-pool-size dbspec 15)),
// (.setMinPoolSize (:min-pool-size dbspec 3)), (.setInitialPoolSize (:initial-pool-size dbspec 0)).
// hibernate-c3p0 C3P0ConnectionProvider: `hibernate.c3p0.max_size` → c3p0's maxPoolSize; DEFAULT_MAX_POOL_SIZE = 15, DEFAULT_MIN_POOL_SIZE = 3.
const HIBERNATE_C3P0 = 'https://github.com/hibernate/hibernate-orm/blob/main/hibernate-c3p0/src/main/java/org/hibernate/c3p0/internal/C3P0ConnectionProvider.java'
const JDBC_C3P0 = 'https://github.com/bostonaholic/clojure.jdbc-c3p0/blob/master/src/jdbc/pool/c3p0.clj'

export interface C3p0Pool {
  diagnostics: Diagnostic[]
  minOpen: Sourced<number>
  pool: Sourced<number>
}

const lineOf = (text: string, i: number): number => text.slice(0, i).split('\n').length

function unread(processType: string, file: string, line: number, what: string, fallback: string): Diagnostic {
  return {code: 'unknown-config-value', file, fix: `tell conncalc the pool: --assume ${processType}=1:N:N`, line, message: `${processType}: ${file}:${line} ${what}, which conncalc does not evaluate; ${fallback} is counted`, processType, severity: 'warning'}
}

/** The pool a size setting gives: a literal from its line; anything else said, and the default counted as an assumption. */
function sized(processType: string, raw: string | undefined, file: string, line: number, dflt: Sourced<number>, diagnostics: Diagnostic[]): Sourced<number> {
  if (raw === undefined) return dflt
  if (/^\d+$/.test(raw)) return sourced(Number(raw), fromFile(file, line))
  diagnostics.push(unread(processType, file, line, `sets c3p0's maxPoolSize to \`${raw}\``, `the default, ${dflt.value},`))
  return sourced(dflt.value, assumed(`maxPoolSize is \`${raw}\` at ${file}:${line}, not read; the default counted`), [dflt.source])
}

const atMost = (n: number, why: Source, pool: Sourced<number>): Sourced<number> => (n >= pool.value ? sourced(pool.value, why, [pool.source]) : sourced(n, why))

function clojurePool(ctx: AnalyzerContext): C3p0Pool | undefined {
  const {paths} = filesUnder(ctx.files, 'src', (p) => /\.clj[cs]?$/.test(p), {max: 3000})
  for (const path of paths) {
    const text = ctx.files.read(path)?.text ?? ''
    const diagnostics: Diagnostic[] = []
    const spec = /\((?:[\w.-]+\/)?make-datasource-spec\s+/.exec(text)
    if (spec && /jdbc\.pool\.c3p0/.test(text)) {
      const line = lineOf(text, spec.index)
      const start = spec.index + spec[0].length
      const dflt = sourced(15, fromDefault("clojure.jdbc-c3p0's make-datasource-spec: (:max-pool-size dbspec 15)", JDBC_C3P0), [fromFile(path, line)])
      const minDefault = fromDefault("clojure.jdbc-c3p0's make-datasource-spec: :min-pool-size 3 (c3p0 keeps at least minPoolSize open once the pool is used)", JDBC_C3P0)
      if (text[start] === '{') {
        const map = clojureMap(text, start) ?? ''
        const size = /:max-pool-size\s+([^\s,}]+)/.exec(map)
        const pool = sized(ctx.processType, size?.[1], path, size ? lineOf(text, start + size.index) : line, dflt, diagnostics)
        const min = /:min-pool-size\s+(\d+)[\s,}]/.exec(map)
        return {diagnostics, minOpen: min ? atMost(Number(min[1]), fromFile(path, lineOf(text, start + min.index)), pool) : atMost(3, minDefault, pool), pool}
      }

      // A URI string carries no pool options; a var or an expression is not followed.
      if (text[start] !== '"') {
        const raw = /^[^\s)]+/.exec(text.slice(start))?.[0] ?? ''
        diagnostics.push(unread(ctx.processType, path, line, `builds its c3p0 pool from \`${raw}\`, options not written at the call`, "clojure.jdbc-c3p0's default, 15,"))
        const pool = sourced(15, assumed(`make-datasource-spec's options (\`${raw}\` at ${path}:${line}) are not read; clojure.jdbc-c3p0's default counted`), [dflt.source])
        return {diagnostics, minOpen: atMost(3, minDefault, pool), pool}
      }

      return {diagnostics, minOpen: atMost(3, minDefault, dflt), pool: dflt}
    }

    const ds = /\(ComboPooledDataSource\.|\(new\s+ComboPooledDataSource\b/.exec(text)
    if (ds) {
      const line = lineOf(text, ds.index)
      const dflt = sourced(15, fromDefault("c3p0's default maxPoolSize (C3P0Defaults.MAX_POOL_SIZE)", C3P0_DEFAULTS), [fromFile(path, line)])
      const set = /\(\s*\.setMaxPoolSize\s+(?:[^\s()]+\s+)?([^\s()]+)\s*\)/.exec(text.slice(ds.index))
      const pool = sized(ctx.processType, set?.[1], path, set ? lineOf(text, ds.index + set.index) : line, dflt, diagnostics)
      return {diagnostics, minOpen: atMost(3, fromDefault("c3p0's default initialPoolSize (C3P0Defaults.INITIAL_POOL_SIZE)", C3P0_DEFAULTS), pool), pool}
    }
  }

  return undefined
}

/**
 * c3p0.properties / c3p0-config.xml on the classpath: c3p0 reads them for every ComboPooledDataSource. A pool built with a
 * configuration name (`new ComboPooledDataSource("reports")`) takes `<named-config name="reports">`'s maxPoolSize, else
 * `<default-config>`'s (c3p0's docs: named configs extend and override the default config).
 */
function configFile(ctx: AnalyzerContext, name?: string): {file: string; line: number; raw: string} | undefined {
  for (const dir of ['src/main/resources/', 'resources/', '']) {
    const xml = ctx.files.read(`${dir}c3p0-config.xml`)?.text
    const named = name && xml ? new RegExp(`<named-config\\s+name\\s*=\\s*"${name.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)}"\\s*>([\\s\\S]*?)</named-config>`).exec(xml) : undefined
    const nx = named && /<property\s+name\s*=\s*"maxPoolSize"\s*>\s*([^<\s]+)\s*</.exec(named[1])
    if (nx && xml) return {file: `${dir}c3p0-config.xml`, line: lineOf(xml, named.index + named[0].indexOf(nx[0])), raw: nx[1]}
    const props = ctx.files.read(`${dir}c3p0.properties`)?.text
    const p = props && /^[ \t]*c3p0\.maxPoolSize[ \t]*[=:][ \t]*(\S+)/m.exec(props)
    if (p) return {file: `${dir}c3p0.properties`, line: lineOf(props, p.index), raw: p[1]}
    const block = xml && /<default-config>([\s\S]*?)<\/default-config>/.exec(xml)
    const x = block && /<property\s+name\s*=\s*"maxPoolSize"\s*>\s*([^<\s]+)\s*</.exec(block[1])
    if (x) return {file: `${dir}c3p0-config.xml`, line: lineOf(xml, block.index + block[0].indexOf(x[0])), raw: x[1]}
  }

  return undefined
}

/**
 * Hibernate's own c3p0 pool (hibernate-c3p0): any `hibernate.c3p0.*` setting makes Hibernate's C3P0ConnectionProvider
 * the connection provider; its pool is `hibernate.c3p0.max_size`, else 15 (C3P0ConnectionProvider DEFAULT_MAX_POOL_SIZE,
 * c3p0's own default before). Read from hibernate.cfg.xml (`<property name="[hibernate.]c3p0.max_size">`),
 * hibernate.properties, or persistence.xml (`<property name="hibernate.c3p0.max_size" value="…"/>`).
 */
function hibernatePool(ctx: AnalyzerContext): C3p0Pool | undefined {
  for (const dir of ['src/main/resources/', 'src/main/resources/META-INF/', 'resources/', '']) {
    for (const name of ['hibernate.cfg.xml', 'hibernate.properties', 'persistence.xml']) {
      const file = `${dir}${name}`
      const text = ctx.files.read(file)?.text
      if (!text || !/(?:hibernate\.)?c3p0\./.test(text)) continue
      const xmlSize = /<property\s+name\s*=\s*"(?:hibernate\.)?c3p0\.max_size"\s*(?:value\s*=\s*"([^"]*)"\s*\/?>|>\s*([^<]*?)\s*<)/.exec(text)
      const propSize = name.endsWith('.properties') ? /^[ \t]*hibernate\.c3p0\.max_size[ \t]*[=:][ \t]*(\S+)/m.exec(text) : null
      const anyC3p0 = name.endsWith('.properties') ? /^[ \t]*hibernate\.c3p0\./m.exec(text) : /<property\s+name\s*=\s*"(?:hibernate\.)?c3p0\.[^"]+"/.exec(text)
      if (!anyC3p0) continue
      const diagnostics: Diagnostic[] = []
      const at = xmlSize ?? propSize
      const line = lineOf(text, (at ?? anyC3p0).index)
      const dflt = sourced(15, fromDefault("Hibernate's C3P0ConnectionProvider: hibernate.c3p0.max_size unset → 15 (DEFAULT_MAX_POOL_SIZE, c3p0's default)", HIBERNATE_C3P0), [fromFile(file, line)])
      const raw = xmlSize ? (xmlSize[1] ?? xmlSize[2]) : propSize?.[1]
      const pool = sized(ctx.processType, raw, file, line, dflt, diagnostics)
      return {diagnostics, minOpen: atMost(3, fromDefault("Hibernate's C3P0ConnectionProvider: hibernate.c3p0.min_size unset → 3", HIBERNATE_C3P0), pool), pool}
    }
  }

  return undefined
}

function javaPool(ctx: AnalyzerContext): C3p0Pool | undefined {
  const {paths} = filesUnder(ctx.files, '', (p) => /(^|\/)src\/main\//.test(p) && /\.(java|kt|groovy|scala)$/.test(p), {max: 3000, maxDepth: 12})
  for (const path of paths) {
    const text = ctx.files.read(path)?.text ?? ''
    const ds = /\bComboPooledDataSource\s*\(/.exec(text)
    if (!ds) continue
    const diagnostics: Diagnostic[] = []
    const line = lineOf(text, ds.index)
    const named = /\bComboPooledDataSource\s*\(\s*"([^"]+)"\s*\)/.exec(text)?.[1]
    const conf = configFile(ctx, named)
    const base = sourced(15, fromDefault("c3p0's default maxPoolSize (C3P0Defaults.MAX_POOL_SIZE)", C3P0_DEFAULTS), [fromFile(path, line)])
    const dflt = conf ? sized(ctx.processType, conf.raw, conf.file, conf.line, base, diagnostics) : base
    const set = /\.setMaxPoolSize\s*\(\s*([^)]*?)\s*\)|\bmaxPoolSize\s*=\s*([^;\n]+?)\s*(?:;|\n)/.exec(text)
    const raw = set ? (set[1] ?? set[2]) : undefined
    const pool = sized(ctx.processType, raw, path, set ? lineOf(text, set.index) : line, dflt, diagnostics)
    return {diagnostics, minOpen: atMost(3, fromDefault("c3p0's default initialPoolSize (C3P0Defaults.INITIAL_POOL_SIZE)", C3P0_DEFAULTS), pool), pool}
  }

  return hibernatePool(ctx)
}

/** The app's c3p0 pool: the first ComboPooledDataSource (or clojure.jdbc-c3p0 spec) built in its sources. */
export function c3p0InCode(ctx: AnalyzerContext, clojure: boolean): C3p0Pool | undefined {
  return clojure ? clojurePool(ctx) : javaPool(ctx)
}
