import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

const src = fileURLToPath(new URL('../../src', import.meta.url))

/**
 * A doc comment followed at once by another doc comment documents nothing: an editor shows the
 * second over the declaration, and the first was left behind when its function moved (21 such
 * comments in src/ at the end of session 30, each describing a declaration elsewhere). A file's
 * opening comment, above the first declaration's own, is the one allowed case. The 1-based line
 * each stranded comment ends on.
 */
function strandedComments(text: string): number[] {
  const lines = text.split('\n')
  const out: number[] = []
  let seenCode = false
  let inComment = false
  for (let i = 0; i < lines.length - 1; i++) {
    const line = lines[i].trim()
    if (line.startsWith('/*')) inComment = true
    if (!inComment && line !== '' && !line.startsWith('//')) seenCode = true
    const ends = inComment && line.endsWith('*/')
    if (ends) inComment = false
    if (ends && seenCode && lines[i + 1].trim().startsWith('/**')) out.push(i + 1)
  }

  return out
}

describe('doc comments in src/', () => {
  it('finds a stranded comment (the check itself)', () => {
    expect(strandedComments('/** header */\n/** doc */\nconst a = 1\n')).toEqual([])
    expect(strandedComments('const a = 1\n\n/** left behind */\n/** b */\nconst b = 2\n')).toEqual([3])
    expect(strandedComments('const a = 1\n/**\n * left\n */\n/** b */\nconst b = 2\n')).toEqual([4])
  })

  it('leaves no doc comment stranded above another', () => {
    const stranded: string[] = []
    for (const file of readdirSync(src, {recursive: true}) as string[]) {
      if (!file.endsWith('.ts')) continue
      for (const line of strandedComments(readFileSync(join(src, file), 'utf8'))) stranded.push(`src/${file}:${line}`)
    }

    expect(stranded).toEqual([])
  })
})
