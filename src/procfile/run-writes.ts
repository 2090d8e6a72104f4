/**
 * Files a Dockerfile's RUN writes with the shell: `echo 'line' > /usr/local/bin/entrypoint.sh`, `echo '…' >> …`
 * (one echo per line, joined with `&&` or `;`), `printf '…\n' > …`, and a heredoc `cat <<'EOF' > …` (or
 * `cat > … <<EOF`). A `COPY <<EOF /path` heredoc (BuildKit) writes its body too. What such a file holds is then
 * readable like a repository file: an entrypoint written this way is the script the container runs.
 *
 * Only what the build shell writes as written is read: text in single quotes, or in double quotes / an unquoted
 * heredoc with no `$` (those the build shell expands, with the build's env, not the running container's), and
 * `echo -e` / printf escapes (\n, \t, \\, \', \"). A write that cannot be read that way makes the file unknown
 * (`unreadable`), not a partial script. Pure: text in, data out.
 */

/** One physical line of an instruction: its 1-based number in the Dockerfile and its text (continuations joined away). */
export interface PhysicalLine {
  line: number
  text: string
}

/** A heredoc's body lines, with their Dockerfile lines, and whether its word was quoted (no expansion). */
export interface Heredoc {
  body: PhysicalLine[]
  quoted: boolean
  word: string
}

/** A file's lines as the RUNs wrote them, each with the Dockerfile line that wrote it; `unreadable` when a write was not read. */
export interface WrittenFile {
  /** The first write was `>>`: its lines follow what the image already held there (a base image's config file). */
  appends?: true
  lines: PhysicalLine[]
  unreadable?: {line: number; why: string}
}

/** One simple command of a shell line: its words (quotes removed), redirections, and the line it starts on. */
interface Simple {
  /** Per word: the text, and whether any part of it was in double quotes or unquoted with a `$` (build-time expansion). */
  expands: boolean[]
  line: number
  redirects: {append: boolean; heredoc?: string; target: string}[]
  words: string[]
}

/**
 * The simple commands of a RUN's shell text (`a && b; c | d`), quote-aware. `lineAt(offset)` gives the Dockerfile line
 * a character of `text` came from.
 */
function simpleCommands(text: string, lineAt: (offset: number) => number): Simple[] {
  const out: Simple[] = []
  let cur: Simple | undefined
  let word: string | undefined
  let expands = false
  let pending: undefined | {append: boolean; heredoc?: true}
  const start = (k: number): Simple => (cur ??= {expands: [], line: lineAt(k), redirects: [], words: []})
  const endWord = (): void => {
    if (word === undefined) return
    const s = cur!
    if (pending) {
      if (pending.heredoc) s.redirects.push({append: false, heredoc: word, target: ''})
      else s.redirects.push({append: pending.append, target: word})
      pending = undefined
    } else {
      s.words.push(word)
      s.expands.push(expands)
    }

    word = undefined
    expands = false
  }

  const endCommand = (): void => {
    endWord()
    if (cur && (cur.words.length > 0 || cur.redirects.length > 0)) out.push(cur)
    cur = undefined
  }

  for (let k = 0; k < text.length; k++) {
    const c = text[k]
    if (c === "'") {
      start(k)
      const close = text.indexOf("'", k + 1)
      const end = close === -1 ? text.length : close
      word = (word ?? '') + text.slice(k + 1, end)
      k = end
    } else if (c === '"') {
      start(k)
      let k2 = k + 1
      let v = ''
      for (; k2 < text.length && text[k2] !== '"'; k2++) {
        if (text[k2] === '\\' && k2 + 1 < text.length && '"\\$`'.includes(text[k2 + 1])) v += text[++k2]
        else {
          if (text[k2] === '$' || text[k2] === '`') expands = true
          v += text[k2]
        }
      }

      word = (word ?? '') + v
      k = k2
    } else if (c === '\\' && k + 1 < text.length) {
      start(k)
      word = (word ?? '') + text[++k]
    } else if (/\s/.test(c)) {
      endWord()
    } else if (c === '&' && text[k + 1] === '&') {
      endCommand()
      k++
    } else if (c === '|' || c === ';' || c === '&' || c === '(' || c === ')') {
      endCommand()
      if (c === '|' && text[k + 1] === '|') k++
    } else if (c === '>' || (c === '<' && text[k + 1] === '<')) {
      start(k)
      // `2>&1`, `>&2`: not a file.
      if (c === '>' && text[k + 1] === '&') {
        endWord()
        k++
        while (k + 1 < text.length && /\d/.test(text[k + 1])) k++
        continue
      }

      if (word !== undefined && /^\d$/.test(word)) word = undefined
      endWord()
      if (c === '<') {
        k++
        if (text[k + 1] === '-') k++
        pending = {append: false, heredoc: true}
      } else {
        const append = text[k + 1] === '>'
        if (append) k++
        pending = {append}
      }
    } else {
      start(k)
      if (c === '$' || c === '`') expands = true
      word = (word ?? '') + c
    }
  }

  endCommand()
  return out
}

/** `echo -e` / printf backslash escapes. */
function unescape(text: string): string {
  return text.replaceAll(/\\([ntr\\'"]|$)/g, (_m, e: string) => (e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '' : e))
}

/**
 * What one RUN writes, applied on `files` (absolute paths): `>` replaces a file, `>>` appends. `cwd`: the stage's
 * WORKDIR (a relative target is from there). `parts`: the instruction's physical lines; `heredocs`: its heredoc
 * bodies in order.
 */
export function runWrites(parts: PhysicalLine[], heredocs: Heredoc[], cwd: string, files: Map<string, WrittenFile>, resolve: (cwd: string, p: string) => string): void {
  // The joined text, and where each of its characters came from.
  let text = ''
  const starts: {line: number; offset: number}[] = []
  for (const p of parts) {
    starts.push({line: p.line, offset: text.length})
    text += `${p.text} `
  }

  const lineAt = (offset: number): number => {
    let line = parts[0]?.line ?? 1
    for (const s of starts) if (s.offset <= offset) line = s.line
    return line
  }

  let nextHeredoc = 0
  for (const cmd of simpleCommands(text, lineAt)) {
    const docs = cmd.redirects.filter((r) => r.heredoc !== undefined).map(() => heredocs[nextHeredoc++])
    const outs = cmd.redirects.filter((r) => r.heredoc === undefined && r.target !== '')
    // A file written by `tee` (`echo x | tee /f`) or any other program is not followed: only the last `>`/`>>` counts.
    const out = outs.at(-1)
    if (!out || /[$`*?]/.test(out.target)) continue
    const target = resolve(cwd, out.target)
    const name = cmd.words[0]
    const written = files.get(target)
    const base: WrittenFile = out.append && written ? written : out.append ? {appends: true, lines: []} : {lines: []}
    const said = (why: string): void => void files.set(target, {...base, unreadable: {line: cmd.line, why}})
    if (name === 'echo') {
      let k = 1
      let newline = true
      let escapes = false
      while (k < cmd.words.length && /^-[neE]+$/.test(cmd.words[k])) {
        if (cmd.words[k].includes('n')) newline = false
        if (cmd.words[k].includes('e')) escapes = true
        k++
      }

      if (cmd.expands.slice(k).some(Boolean)) {
        said(`line ${cmd.line} writes text the build's shell expands (\`$\`)`)
        continue
      }

      const raw = cmd.words.slice(k).join(' ')
      const value = escapes ? unescape(raw) : raw
      files.set(target, {...base, lines: appendText(base.lines, value + (newline ? '\n' : ''), cmd.line)})
    } else if (name === 'printf') {
      if (cmd.expands.slice(1).some(Boolean) || cmd.words.length !== 2 || /%[^%]/.test(cmd.words[1])) {
        said(`line ${cmd.line}: a printf conncalc does not read (a format with arguments, or text the build's shell expands)`)
        continue
      }

      files.set(target, {...base, lines: appendText(base.lines, unescape(cmd.words[1].replaceAll('%%', '%')), cmd.line)})
    } else if (name === 'cat' && cmd.words.length === 1 && docs.length === 1 && docs[0]) {
      const doc = docs[0]
      if (!doc.quoted && doc.body.some((l) => /(^|[^\\])[$`]/.test(l.text))) {
        said(`the heredoc at line ${doc.body[0]?.line ?? cmd.line} is expanded by the build's shell (its word is not quoted and it holds \`$\`)`)
        continue
      }

      const body = doc.body.map((l) => ({line: l.line, text: doc.quoted ? l.text : l.text.replaceAll(/\\([$`\\])/g, '$1')}))
      files.set(target, {...base, lines: [...base.lines, ...body]})
    } else {
      files.set(target, {lines: [], unreadable: {line: cmd.line, why: `line ${cmd.line} writes it with \`${name ?? '?'}\`, which conncalc does not read`}})
    }
  }
}

/** Text added to a file's lines: the first piece continues the last line when it did not end in a newline. */
function appendText(lines: PhysicalLine[], text: string, line: number): PhysicalLine[] {
  const out = lines.map((l) => ({...l}))
  const pieces = text.split('\n')
  // A trailing newline ends the last piece: nothing follows it yet.
  const open = out.length > 0 && (out.at(-1) as PhysicalLine & {open?: boolean}).open === true
  for (const [i, piece] of pieces.entries()) {
    const last = i === pieces.length - 1
    if (last && piece === '') break
    if (i === 0 && open) {
      const prev = out.at(-1)! as PhysicalLine & {open?: boolean}
      prev.text += piece
      delete prev.open
      if (last) prev.open = true
      continue
    }

    out.push({line, text: piece, ...(last ? {open: true} : {})} as PhysicalLine)
  }

  return out
}

/**
 * A written file as a script to read: each written line at its Dockerfile line, so what the script says is cited at the
 * Dockerfile line that wrote it (blank lines before and between; lines written on one Dockerfile line follow on the next).
 */
export function scriptText(file: WrittenFile): string {
  const out: string[] = []
  for (const l of file.lines) {
    while (out.length < l.line - 1) out.push('')
    out.push(l.text)
  }

  return `${out.join('\n')}\n`
}
