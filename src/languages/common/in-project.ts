/**
 * An analysis made with the files of a project in a folder below the app root (withinDir): the files it names are that
 * project's, so they are named from the app root (`database/database.go` of api/ → `api/database/database.go`).
 */
import type {ServerAnalysis} from './types.js'

/** The analysis, its files named from the app root (in place). */
export function fromProject(analysis: ServerAnalysis, project: string): ServerAnalysis {
  const seen = new Set<object>()
  const walk = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || seen.has(v)) return
    seen.add(v)
    const o = v as Record<string, unknown>
    if (!Array.isArray(v) && typeof o.file === 'string' && !o.file.startsWith(`${project}/`)) o.file = `${project}/${o.file}`
    for (const x of Object.values(o)) walk(x)
  }

  walk(analysis)
  return analysis
}
