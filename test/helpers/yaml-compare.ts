/**
 * util/yaml-plain.ts against the yaml package on one text: whether the plain reader took it, and
 * every way its answer differs from the package's (value, key order, number types, the line of
 * every key and item and of paths that name nothing, duplicate keys). Used by
 * test/util/yaml-plain.test.ts and test/corpus/yaml-plain.js.
 */
import {readPlainYaml} from '../../src/util/yaml-plain.js'
import {parseWithPackage, type YamlPath} from '../../src/util/yaml.js'

export interface YamlComparison {
  accepted: boolean
  differences: string[]
}

export function compareYaml(text: string): YamlComparison {
  const plain = readPlainYaml(text)
  if (!plain) return {accepted: false, differences: []}
  const pkg = parseWithPackage(text, 'file.yml')
  const differences: string[] = []
  if (pkg.errors.length > 0 || pkg.diagnostics.length > 0) differences.push(`the package does not read it: ${pkg.errors[0]?.message ?? pkg.diagnostics[0]?.message}`)
  sameValue(plain.value, pkg.value, '$', differences)
  for (const path of pathsOf(pkg.value)) {
    const variants: YamlPath[] = [path, [...path, 'no-such-key'], [...path, 0], [...path, '0'], [...path, -1]]
    const last = path.at(-1)
    if (typeof last === 'number') variants.push([...path.slice(0, -1), String(last)], [...path.slice(0, -1), last + 1000])
    if (typeof last === 'string' && /^\d+$/.test(last)) variants.push([...path.slice(0, -1), Number(last)])
    for (const p of variants) {
      const a = plain.lineOf(p)
      const b = pkg.lineOf(p)
      if (a !== b) differences.push(`lineOf(${JSON.stringify(p)}): ${a} against the package's ${b}`)
    }

    const dups = pkg.duplicateKeys(path)
    if (dups.length > 0) differences.push(`the package finds keys written twice under ${JSON.stringify(path)}`)
  }

  return {accepted: true, differences}
}

/** Every path to a key or item in `value` (the root's, [], included). */
function pathsOf(value: unknown): YamlPath[] {
  const out: YamlPath[] = []
  const walk = (v: unknown, path: (number | string)[]): void => {
    out.push(path)
    if (Array.isArray(v)) v.forEach((item, i) => walk(item, [...path, i]))
    else if (v !== null && typeof v === 'object') for (const [k, item] of Object.entries(v)) walk(item, [...path, k])
  }

  walk(value, [])
  return out
}

/** Strict equality: the same types (Object.is for numbers: NaN, -0), prototypes and key order. */
function sameValue(a: unknown, b: unknown, at: string, differences: string[]): void {
  if (differences.length > 20) return
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    if (!Object.is(a, b)) differences.push(`${at}: ${String(a)} (${typeof a}) against the package's ${String(b)} (${typeof b})`)
    return
  }

  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) {
    differences.push(`${at}: a different kind of object`)
    return
  }

  const ka = Reflect.ownKeys(a)
  const kb = Reflect.ownKeys(b)
  if (JSON.stringify(ka.map(String)) !== JSON.stringify(kb.map(String))) {
    differences.push(`${at}: keys ${JSON.stringify(ka.map(String))} against the package's ${JSON.stringify(kb.map(String))}`)
    return
  }

  for (const k of ka) {
    if (Array.isArray(a) && k === 'length') continue
    sameValue((a as Record<PropertyKey, unknown>)[k], (b as Record<PropertyKey, unknown>)[k], `${at}.${String(k)}`, differences)
  }
}
