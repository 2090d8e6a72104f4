/**
 * How deeply a source file nests its brackets, found in one pass over the text before a
 * parser sees it. oxc-parser's native parser overflows its stack and kills the process
 * (a segmentation fault, not an exception) on JavaScript nested about 10,000 deep, and the
 * evaluators recurse once per level; real code never nests more than a few dozen levels,
 * so a file past MAX_NESTING is refused up front as too deep to read.
 * Strings and comments are skipped, so brackets inside them do not count.
 */
export const MAX_NESTING = 256

/** The deepest bracket nesting in `text` (JavaScript/TypeScript or Python lexical rules), stopping once it passes `limit`. */
export function bracketDepth(text: string, lang: 'js' | 'python', limit = MAX_NESTING): number {
  let depth = 0
  let max = 0
  // Open template literals (JS): the brace depth at which each `${…}` started, so its `}` resumes the template.
  const templates: number[] = []
  let i = 0
  const n = text.length
  const skipString = (quote: string): void => {
    // i is just past the opening quote(s).
    while (i < n) {
      const ch = text[i]
      if (ch === '\\') {
        i += 2
        continue
      }

      if (text.startsWith(quote, i)) {
        i += quote.length
        return
      }

      // A single-quoted string ends at the line's end even when it is not closed (an error the parser reports).
      if (ch === '\n' && quote.length === 1 && quote !== '`') return
      i++
    }
  }

  const template = (): void => {
    // In a template literal's text: up to its closing backtick, or into a `${` expression.
    while (i < n) {
      const ch = text[i]
      if (ch === '\\') {
        i += 2
        continue
      }

      if (ch === '`') {
        i++
        return
      }

      if (ch === '$' && text[i + 1] === '{') {
        i += 2
        depth++
        templates.push(depth)
        max = Math.max(max, depth)
        return
      }

      i++
    }
  }

  while (i < n && max <= limit) {
    const ch = text[i]
    if (lang === 'js' && ch === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i)
      i = end === -1 ? n : end
    } else if (lang === 'js' && ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      i = end === -1 ? n : end + 2
    } else if (lang === 'python' && ch === '#') {
      const end = text.indexOf('\n', i)
      i = end === -1 ? n : end
    } else if (ch === '"' || ch === "'") {
      const triple = lang === 'python' && text.startsWith(ch.repeat(3), i)
      i += triple ? 3 : 1
      skipString(triple ? ch.repeat(3) : ch)
    } else if (lang === 'js' && ch === '`') {
      i++
      template()
    } else if (ch === '(' || ch === '[' || ch === '{') {
      depth++
      max = Math.max(max, depth)
      i++
    } else if (ch === ')' || ch === ']' || ch === '}') {
      if (ch === '}' && templates.at(-1) === depth) {
        templates.pop()
        depth--
        i++
        template()
        continue
      }

      depth = Math.max(0, depth - 1)
      i++
    } else i++
  }

  return max
}
