/**
 * Calls that run only when a module is Python's program (`python app.py`), not when it is imported: under
 * `if __name__ == "__main__":` (a module imported has `__name__` set to its own dotted name:
 * https://docs.python.org/3/library/__main__.html#name-main), and in functions called only from there (`main()`).
 * A server imports the app's modules (gunicorn's `app:app`, `celery -A proj`, uvicorn, …): none of them is `__main__`, so
 * a pool made in such a block (`if __name__ == "__main__": engine = create_engine(…); app.run()`) is not its process's.
 */
import type {PyCall, PyFunctionSites, PyModule} from './values.js'

export const MAIN_NAME = 'https://docs.python.org/3/library/__main__.html#name-main'

/** `__name__ == "__main__"` (either side), as an `if` condition is written. */
const MAIN_COND = /^\s*\(?\s*(__name__\s*==\s*(['"])__main__\2|(['"])__main__\3\s*==\s*__name__)\s*\)?\s*$/

const names = (c: PyCall, fn: PyFunctionSites): boolean => c.callee === fn.name || c.callee.endsWith(`.${fn.name}`)
const passes = (c: PyCall, fn: PyFunctionSites): boolean =>
  (c.argNames ?? []).some((n) => n !== undefined && (n === fn.name || n.endsWith(`.${fn.name}`))) || Object.values(c.kwargText ?? {}).some((t) => t === fn.name || t.endsWith(`.${fn.name}`))

const inMainArm = (c: PyCall): boolean => (c.arms ?? []).some((a) => a.branch === 0 && MAIN_COND.test(a.cond))

/**
 * Keys (`file:line`) of the calls in `modules` that run only when their module is run as the program, for the modules
 * other than `main` (the file Python runs as `__main__`, when the process runs one).
 */
export function mainOnlyCalls(modules: readonly PyModule[], main?: string): Set<string> {
  const out = new Set<string>()
  const mainOnly = (m: PyModule, c: PyCall): boolean => m.file !== main && inMainArm(c)
  // Functions every call of which is main-only: their bodies' calls are too (a few levels: main() → setup() → …).
  const onlyFromMain = new Set<PyFunctionSites>()
  const callAt = new Map<string, {c: PyCall; m: PyModule}[]>()
  for (const m of modules) {
    for (const c of m.calls) {
      const key = `${m.file}:${c.line}`
      const at = callAt.get(key)
      if (at) at.push({c, m})
      else callAt.set(key, [{c, m}])
    }
  }

  const isMainOnly = (m: PyModule, c: PyCall): boolean => mainOnly(m, c) || (c.within !== undefined && onlyFromMain.has(c.within))
  for (let round = 0; round < 4; round++) {
    let grew = false
    for (const m of modules) {
      for (const c of m.calls) {
        const fn = c.within
        if (!fn || onlyFromMain.has(fn) || fn.sites.length === 0 || fn.truncated || fn.decorated) continue
        // Every site is a call of this function (its name ends the callee) that runs only as the program.
        const all = fn.sites.every((s) => (callAt.get(`${s.file}:${s.line}`) ?? []).some(({c: at, m: from}) => names(at, fn) && isMainOnly(from, at)))
        // And nothing else names it: a call from another module (`init_db.main()` in an app's startup hook) may be
        // missing from its sites, and a function passed as a value (`add_job(main)`) runs when called there.
        const elsewhere = all && modules.some((from) => from.calls.some((at) => at.within !== fn && !isMainOnly(from, at) && (names(at, fn) || passes(at, fn))))
        if (all && !elsewhere) {
          onlyFromMain.add(fn)
          grew = true
        }
      }
    }

    if (!grew) break
  }

  for (const m of modules) for (const c of m.calls) if (isMainOnly(m, c)) out.add(`${m.file}:${c.line}`)
  return out
}
