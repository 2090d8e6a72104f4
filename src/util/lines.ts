/**
 * 1-based line numbers from offsets, for every parser that reports positions
 * (Prism byte offsets, oxc and YAML character offsets). Built once per text,
 * answered by binary search.
 */
export function lineIndex(text: string | Uint8Array): (offset: number) => number {
  const starts = [0]
  // indexOf finds each newline natively: a loop over every character ran in V8's interpreter for each text read.
  if (typeof text === 'string') {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1)
  } else {
    // Uint8Array's indexOf (V8's own) even for a Buffer: Buffer's is Node JavaScript compiled from source on every start.
    const indexOf = Uint8Array.prototype.indexOf
    for (let i = indexOf.call(text, 10); i !== -1; i = indexOf.call(text, 10, i + 1)) starts.push(i + 1)
  }

  return (offset) => {
    let lo = 0
    let hi = starts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (starts[mid] <= offset) lo = mid
      else hi = mid - 1
    }

    return lo + 1
  }
}

/** The line of one offset, when a text is asked only once. */
export const lineAt = (text: string, offset: number): number => lineIndex(text)(offset)
