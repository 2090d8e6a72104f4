/**
 * zod's words for a value that is missing, empty or of the wrong shape at the top of a file, in a user's: `Invalid
 * input: expected string, received undefined` is `missing (a string)`, `Too small: expected array to have >=1 items`
 * on an empty list is `empty`. Undefined for every other problem: zod's message stands. `value` is what the file has
 * at the issue's path; `topLevel` that the path is the file's top; `shape` says what the top should be.
 */
export function missingOrEmpty(issue: {code: string; expected?: unknown; values?: unknown[]}, value: unknown, topLevel: boolean, shape: string): string | undefined {
  if (topLevel) {
    if (issue.code !== 'invalid_type') return undefined
    const what = value === null || value === undefined ? 'the file is empty' : Array.isArray(value) ? 'the file holds a list' : `the file holds a ${typeof value}`
    return `${what}; ${shape}`
  }

  if (issue.code === 'too_small' && Array.isArray(value) && value.length === 0) return 'empty; give at least one'
  if (value !== undefined) return undefined
  if (issue.code === 'invalid_value' && issue.values) return `missing: one of ${issue.values.map(String).join(', ')}`
  if (issue.code === 'invalid_type' && typeof issue.expected === 'string') return `missing (${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`})`
  return undefined
}
