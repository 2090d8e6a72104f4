/**
 * Which Go files `go build` compiles on the platform: Heroku's Go buildpack (and a Dockerfile's golang image) builds on
 * linux/amd64 with cgo. A file is left out by a GOOS/GOARCH file-name suffix (`db_windows.go`, `x_darwin_arm64.go`) or by
 * a build constraint before its package clause — `//go:build EXPR` (Go 1.17+) or `// +build` lines — that is false
 * there: `ignore`, `tools`, `integration` and every other tag nobody sets are false
 * (https://pkg.go.dev/cmd/go#hdr-Build_constraints, go/build/constraint).
 */
const GOOS = new Set(['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux', 'nacl', 'netbsd', 'openbsd', 'plan9', 'solaris', 'wasip1', 'windows', 'zos'])
const GOARCH = new Set(['386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'loong64', 'mips', 'mipsle', 'mips64', 'mips64le', 'mips64p32', 'mips64p32le', 'ppc', 'ppc64', 'ppc64le', 'riscv', 'riscv64', 's390', 's390x', 'sparc', 'sparc64', 'wasm'])

const tagTrue = (tag: string): boolean => ['linux', 'amd64', 'unix', 'gc', 'cgo'].includes(tag) || /^go1\.\d+$/.test(tag)

/** `//go:build` expression: ||, &&, !, parentheses, tags. Undefined when it does not parse (the file is then kept). */
function evalExpr(expr: string): boolean | undefined {
  const tokens = expr.match(/\|\||&&|!|\(|\)|[\w.]+/g) ?? []
  let i = 0
  const or = (): boolean | undefined => {
    let v = and()
    while (tokens[i] === '||') {
      i++
      const r = and()
      if (v === undefined || r === undefined) return undefined
      v = v || r
    }

    return v
  }

  const and = (): boolean | undefined => {
    let v = not()
    while (tokens[i] === '&&') {
      i++
      const r = not()
      if (v === undefined || r === undefined) return undefined
      v = v && r
    }

    return v
  }

  const not = (): boolean | undefined => {
    const t = tokens[i++]
    if (t === '!') {
      const v = not()
      return v === undefined ? undefined : !v
    }

    if (t === '(') {
      const v = or()
      return tokens[i++] === ')' ? v : undefined
    }

    return t !== undefined && /^[\w.]+$/.test(t) ? tagTrue(t) : undefined
  }

  const v = or()
  return i === tokens.length ? v : undefined
}

/** Whether `go build` on linux/amd64 compiles the file; when not, the line (or the file name) that leaves it out. */
export function builtOnLinux(name: string, text: string): {built: true} | {built: false; line: number; why: string} {
  const parts = name.replace(/\.go$/, '').replace(/_test$/, '').split('_')
  const last = parts.at(-1) ?? ''
  const before = parts.length > 2 ? parts.at(-2)! : ''
  if (parts.length > 1 && GOARCH.has(last) && last !== 'amd64') return {built: false, line: 1, why: `its name ends in _${last}: built only for GOARCH=${last}`}
  const os = GOARCH.has(last) && GOOS.has(before) ? before : parts.length > 1 && GOOS.has(last) ? last : undefined
  if (os && os !== 'linux') return {built: false, line: 1, why: `its name ends in _${os}${GOARCH.has(last) ? `_${last}` : ''}: built only for GOOS=${os}`}
  const lines = text.split('\n')
  const plus: {line: number; ok: boolean}[] = []
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim()
    if (line === '' || (line.startsWith('//') && !/^\/\/\s*(go:build|\+build)\b/.test(line))) continue
    const goBuild = /^\/\/go:build\s+(.+)$/.exec(line)
    if (goBuild) {
      // `//go:build` decides alone when present (Go 1.17+ ignores `// +build` lines then).
      const v = evalExpr(goBuild[1])
      return v === false ? {built: false, line: i + 1, why: `\`${line}\` is false on linux/amd64`} : {built: true}
    }

    const old = /^\/\/\s*\+build\s+(.+)$/.exec(line)
    if (old) {
      // Options (space-separated) are ORed, terms (comma-separated) ANDed, `!` negates; several lines are ANDed.
      const ok = old[1].split(/\s+/).some((opt) => opt.split(',').every((t) => (t.startsWith('!') ? !tagTrue(t.slice(1)) : tagTrue(t))))
      plus.push({line: i + 1, ok})
      continue
    }

    if (line.startsWith('/*')) continue
    break
  }

  const off = plus.find((p) => !p.ok)
  return off ? {built: false, line: off.line, why: `\`${lines[off.line - 1].trim()}\` is false on linux/amd64`} : {built: true}
}
