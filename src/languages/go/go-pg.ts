/**
 * go-pg's default pool size by release, and the release an app pins (go.mod, dep's Gopkg.lock, glide.lock, govendor's
 * vendor/vendor.json, Godeps/Godeps.json). The default when Options.PoolSize is 0, read from go-pg's source at its tags:
 * - before v3.4.0: 5 (db.go `getPoolSize`: `if opt == nil || opt.PoolSize == 0 { return 5 }`, v3.3.12)
 * - v3.4.0 – v4.6.1: 10 (the same function returning 10: db.go at v3.4.0, options.go at v4.6.1)
 * - v4.6.2 – v6.3.3: 20 (options.go init(): `opt.PoolSize = 20`, v6.3.3; v5.3.3 the same)
 * - v6.3.4 on: 10 × runtime.NumCPU() (options.go init(), v6.3.4 through v10)
 */
import type {FileReader} from '../../model/files.js'

export const GO_PG_REF = {
  cpu: 'https://github.com/go-pg/pg/blob/v9.0.0/options.go',
  five: 'https://github.com/go-pg/pg/blob/v3.3.12/db.go',
  ten: 'https://github.com/go-pg/pg/blob/v4.6.1/options.go',
  twenty: 'https://github.com/go-pg/pg/blob/v6.3.3/options.go',
} as const

export type GoPgDefault = {per: 'cpu' | 'fixed'; ref: string; value: number; what: string}

/** The default for release major.minor.patch. */
export function goPgDefault(v: [number, number, number]): GoPgDefault {
  const at = (a: [number, number, number]): boolean => v[0] !== a[0] ? v[0] > a[0] : v[1] !== a[1] ? v[1] > a[1] : v[2] >= a[2]
  const tag = `v${v.join('.')}`
  if (at([6, 3, 4])) return {per: 'cpu', ref: GO_PG_REF.cpu, value: 10, what: `go-pg ${tag} default PoolSize: 10 × runtime.NumCPU() (since v6.3.4)`}
  if (at([4, 6, 2])) return {per: 'fixed', ref: GO_PG_REF.twenty, value: 20, what: `go-pg ${tag} default PoolSize: 20 (v4.6.2 – v6.3.3)`}
  if (at([3, 4, 0])) return {per: 'fixed', ref: GO_PG_REF.ten, value: 10, what: `go-pg ${tag} default PoolSize: 10 (v3.4.0 – v4.6.1)`}
  return {per: 'fixed', ref: GO_PG_REF.five, value: 5, what: `go-pg ${tag} default PoolSize: 5 (before v3.4.0)`}
}

/** A major version alone decides the default for v5 and v7 on (one default across each); v3, v4 and v6 changed inside the major. */
export function goPgMajorDefault(major: number): GoPgDefault | undefined {
  if (!(major >= 7 || major === 5 || major === 1 || major === 2)) return undefined
  const d = goPgDefault([major, 0, 0])
  return {...d, what: d.what.replace(`v${major}.0.0`, `v${major}`)}
}

export type Pinned = {file: string; line: number; version: [number, number, number]}

const semver = (s: string): [number, number, number] | undefined => {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(s.trim())
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined
}

/** The release of `pkg` (an import path: github.com/go-pg/pg, …/v9, gopkg.in/pg.v5) the app pins, and where. */
export function pinnedVersion(files: FileReader, pkg: string): Pinned | undefined {
  const esc = pkg.replaceAll(/[.*+?^${}()|[\]\\/]/g, String.raw`\$&`)
  const mod = files.read('go.mod')?.text
  if (mod) {
    for (const [i, raw] of mod.split('\n').entries()) {
      const m = new RegExp(`^\\s*(?:require\\s+)?${esc}\\s+(v\\S+)`).exec(raw.replace(/\/\/.*$/, ''))
      const v = m ? semver(m[1]) : undefined
      if (v) return {file: 'go.mod', line: i + 1, version: v}
    }
  }

  // dep: [[projects]] blocks with name = "…" and version = "v6.14.5" (revision-only pins say nothing).
  const gopkg = files.read('Gopkg.lock')?.text
  if (gopkg) {
    const lines = gopkg.split('\n')
    for (let i = 0; i < lines.length; i++) {
      if (!new RegExp(`^\\s*name\\s*=\\s*"${esc}"`).test(lines[i])) continue
      for (let j = i - 1; j >= 0 && !/^\s*\[\[/.test(lines[j]); j--) {
        const v = /^\s*version\s*=\s*"([^"]+)"/.exec(lines[j])
        if (v && semver(v[1])) return {file: 'Gopkg.lock', line: j + 1, version: semver(v[1])!}
      }

      for (let j = i + 1; j < lines.length && !/^\s*\[\[/.test(lines[j]); j++) {
        const v = /^\s*version\s*=\s*"([^"]+)"/.exec(lines[j])
        if (v && semver(v[1])) return {file: 'Gopkg.lock', line: j + 1, version: semver(v[1])!}
      }
    }
  }

  // glide.lock: `- name: …` then `  version: v6.14.5` (a commit hash says nothing).
  const glide = files.read('glide.lock')?.text
  if (glide) {
    const lines = glide.split('\n')
    for (let i = 0; i < lines.length; i++) {
      if (!new RegExp(`^\\s*-\\s*name:\\s*${esc}\\s*$`).test(lines[i])) continue
      for (let j = i + 1; j < lines.length && !/^\s*-\s*name:/.test(lines[j]); j++) {
        const v = /^\s*version:\s*(\S+)/.exec(lines[j])
        if (v && semver(v[1])) return {file: 'glide.lock', line: j + 1, version: semver(v[1])!}
      }
    }
  }

  // govendor (vendor/vendor.json "version"/"versionExact") and Godeps ("Comment": "v4.9.5-3-g…"): JSON lists of packages.
  for (const [file, key, field] of [['vendor/vendor.json', 'path', /"(?:versionExact|version)"\s*:\s*"([^"]+)"/], ['Godeps/Godeps.json', 'ImportPath', /"Comment"\s*:\s*"([^"]+)"/]] as const) {
    const text = files.read(file)?.text
    if (!text) continue
    const lines = text.split('\n')
    for (let i = 0; i < lines.length; i++) {
      if (!new RegExp(`"${key}"\\s*:\\s*"${esc}(/[^"]*)?"`).test(lines[i])) continue
      // The package's object: the lines up to its closing brace, and back to its opening one.
      let a = i
      while (a > 0 && !/\{\s*$/.test(lines[a])) a--
      for (let j = a; j < lines.length && (j === a || !/^\s*\}/.test(lines[j])); j++) {
        const v = field.exec(lines[j])
        if (v && semver(v[1])) return {file, line: j + 1, version: semver(v[1])!}
      }
    }
  }

  return undefined
}
