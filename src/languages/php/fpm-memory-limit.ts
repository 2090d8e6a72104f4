/**
 * The memory_limit heroku-php-apache2 / heroku-php-nginx size PHP-FPM with. The boot script dumps the FPM config
 * (`php-fpm -tt`, so a `-F` include and a `-f` config count) and feeds its `php_value[memory_limit]` /
 * `php_admin_value[memory_limit]` lines to bin/util/autotune.php, with `-t DOCUMENT_ROOT` (the positional argument,
 * else the app's folder) for the top `.user.ini` there, and the php.ini of `-i` as PHP's own memory_limit.
 * autotune.php: php_admin_value wins; a .user.ini memory_limit replaces a php_value; else the php.ini's, else 128M.
 * Then WEB_CONCURRENCY = min(⌊RAM ÷ limit⌋, ⌈log2(RAM ÷ 128M)⌉ × cores × 2 × 128M ÷ limit), and at least 1
 * (bin/heroku-php-nginx: `[[ $WEB_CONCURRENCY -lt 1 ]] && WEB_CONCURRENCY=1`).
 */
import type {FileReader} from '../../model/files.js'
import {fromFile, type Source} from '../../model/source.js'

export const HEROKU_PHP_BOOT_SCRIPT = 'https://github.com/heroku/heroku-buildpack-php/blob/main/bin/heroku-php-nginx'

/** The boot scripts' options that take a value (`optstring=":-:C:c:F:f:i:l:p:vth"`). */
const WITH_VALUE = new Set(['-C', '-c', '-F', '-f', '-i', '-l', '-p'])

export interface FpmMemoryLimit {
  /** Bytes; -1 for `-1` (no limit). */
  bytes: number
  raw: string
  source: Source
}

interface BootArgs {
  documentRoot?: string
  fpmFiles: string[]
  phpIni?: string
}

/** The files and document root a heroku-php-apache2/nginx command names (getopts: options first, then one document root). */
export function bootArgs(argv: readonly string[]): BootArgs {
  const out: BootArgs = {fpmFiles: []}
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]
    if (WITH_VALUE.has(a)) {
      const v = argv[++i]
      if (v === undefined) break
      if (a === '-F' || a === '-f') out.fpmFiles.push(v)
      if (a === '-i') out.phpIni = v
    } else if (/^-[CcFfilp]./.test(a)) {
      // getopts also takes the value joined to the flag: -Ffpm_custom.conf
      if (a[1] === 'F' || a[1] === 'f') out.fpmFiles.push(a.slice(2))
      if (a[1] === 'i') out.phpIni = a.slice(2)
    } else if (!a.startsWith('-')) out.documentRoot = a
  }

  return out
}

/** "512M", "1G", "134217728", "-1" as autotune.php's stringtobytes reads them. */
function bytesOf(raw: string): number | undefined {
  const v = raw.trim().replace(/^["']|["']$/g, '')
  if (v === '-1') return -1
  const m = /^(\d+)\s*([kKmMgG]?)$/.exec(v)
  if (!m) return undefined
  const n = Number(m[1])
  const unit = m[2].toLowerCase()
  return unit === 'g' ? n * 1024 ** 3 : unit === 'm' ? n * 1024 ** 2 : unit === 'k' ? n * 1024 : n
}

interface Found {
  line: number
  raw: string
}

/** The last `<key> = value` line of an INI-style text (FPM pool config or .user.ini / php.ini), ; and # comments skipped. */
function lastSetting(text: string, key: RegExp): Found | undefined {
  let found: Found | undefined
  text.split('\n').forEach((line, i) => {
    const t = line.trim()
    if (t.startsWith(';') || t.startsWith('#')) return
    const m = new RegExp(`^${key.source}\\s*=\\s*([^;#\\s]+)`, 'i').exec(t)
    if (m) found = {line: i + 1, raw: m[1]}
  })
  return found
}

const limit = (file: string, found: Found | undefined): FpmMemoryLimit | undefined => {
  if (!found) return undefined
  const bytes = bytesOf(found.raw)
  return bytes === undefined ? undefined : {bytes, raw: found.raw.replace(/^["']|["']$/g, ''), source: fromFile(file, found.line)}
}

/** The memory_limit the boot script's autotune reads for this command, when a file the command names (or .user.ini) sets one. */
export function fpmMemoryLimit(files: FileReader, argv: readonly string[]): FpmMemoryLimit | undefined {
  const args = bootArgs(argv)
  const read = (path: string): string | undefined => (path.endsWith('.php') ? undefined : files.read(path.replace(/^\.\//, ''))?.text)
  let admin: FpmMemoryLimit | undefined
  let value: FpmMemoryLimit | undefined
  for (const f of args.fpmFiles) {
    const text = read(f)
    if (text === undefined) continue
    admin = limit(f, lastSetting(text, /php_admin_value\[memory_limit\]/)) ?? admin
    value = limit(f, lastSetting(text, /php_value\[memory_limit\]/)) ?? value
  }

  if (admin) return admin
  const root = (args.documentRoot ?? '').replace(/^\.\//, '').replace(/\/+$/, '')
  const userIni = root && root !== '.' ? `${root}/.user.ini` : '.user.ini'
  const ini = read(userIni)
  const fromUserIni = ini === undefined ? undefined : limit(userIni, lastSetting(ini, /memory_limit/))
  if (fromUserIni) return fromUserIni
  if (value) return value
  const phpIni = args.phpIni ? read(args.phpIni) : undefined
  return phpIni === undefined ? undefined : limit(args.phpIni!, lastSetting(phpIni, /memory_limit/))
}

const MB = 1024 ** 2

/** autotune.php's worker count for RAM (MB), cores and a memory_limit (bytes; -1 = none), at least 1 as the boot script takes it. */
export function autotuneChildren(ramMb: number, cores: number, limitBytes: number): number {
  if (limitBytes <= 0) return 1
  const ram = ramMb * MB
  const base = 128 * MB
  const factor = Math.ceil(Math.log2(ram / base))
  const result = Math.min(Math.floor(ram / limitBytes), factor * cores * 2 * (base / limitBytes))
  return Math.max(1, Math.floor(result))
}
