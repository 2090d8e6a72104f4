/**
 * The official php:*-apache images run PHP inside Apache (mod_php) with the prefork MPM: their Dockerfile does
 * `a2dismod mpm_event && a2enmod mpm_prefork` ("Apache + PHP requires preforking Apache") and ends with
 * `CMD ["apache2-foreground"]`, which `exec apache2 -DFOREGROUND` (docker-library/php@445bf41 Dockerfile-linux.template,
 * apache2-foreground). Each prefork child is one process serving one request at a time, so one PDO connection at most;
 * Apache starts up to MaxRequestWorkers children. The images are Debian's apache2 package, whose
 * /etc/apache2/mods-available/mpm_prefork.conf sets `MaxRequestWorkers 150` (StartServers 5, MinSpareServers 5,
 * MaxSpareServers 10, MaxConnectionsPerChild 0). An app changes it with a COPY of that file (or of another file Apache
 * loads from /etc/apache2), a RUN that writes one, or `sed -i 's/MaxRequestWorkers 150/MaxRequestWorkers 40/'` on it.
 * Apache reads mods-enabled/*.conf before conf-enabled/ and sites-enabled/, and the last value read wins.
 */
import {posix} from 'node:path'

import type {Diagnostic} from '../../model/diagnostic.js'
import type {AnalyzerContext} from '../common/types.js'

import {copiedFile, imageFile} from '../../model/image-files.js'
import {assumed, fromDefault, fromFile, type Source, sourced, type Sourced} from '../../model/source.js'
import {programName} from '../common/setting.js'

export const PHP_APACHE_IMAGE = /^(?:docker\.io\/)?(?:library\/)?php:\S*apache/
const DOCKER_PHP = 'https://github.com/docker-library/php/blob/master/Dockerfile-linux.template'
// Debian's apache2 package, debian/config-dir/mods-available/mpm_prefork.conf: MaxRequestWorkers 150.
const DEBIAN_PREFORK = 'https://salsa.debian.org/apache-team/apache2/-/blob/master/debian/config-dir/mods-available/mpm_prefork.conf'
const APACHE_PREFORK = 'https://httpd.apache.org/docs/2.4/mod/mpm_common.html#maxrequestworkers'
const PREFORK_CONF = '/etc/apache2/mods-available/mpm_prefork.conf'

/** `apache2-foreground`, or `apache2 -DFOREGROUND` / `apache2ctl -D FOREGROUND`, in a php:*-apache image. */
export function isPhpApache(argv: readonly string[], baseImage: string | undefined): boolean {
  if (baseImage === undefined || !PHP_APACHE_IMAGE.test(baseImage)) return false
  const prog = programName(argv[0])
  if (prog === 'apache2-foreground') return true
  if (prog !== 'apache2' && prog !== 'apache2ctl') return false
  const rest = argv.slice(1).join(' ')
  return /(^|\s)-D\s*FOREGROUND\b/.test(rest)
}

/** Apache's load order of its config folders: what is read later wins. */
const ORDER = ['/etc/apache2/apache2.conf', '/etc/apache2/mods-available/', '/etc/apache2/mods-enabled/', '/etc/apache2/conf-available/', '/etc/apache2/conf-enabled/', '/etc/apache2/sites-available/', '/etc/apache2/sites-enabled/']
const rank = (abs: string): number => {
  const i = ORDER.findIndex((p) => abs === p || abs.startsWith(p))
  return i === -1 ? ORDER.length : i
}

/** The last MaxRequestWorkers (or its old name MaxClients) a config text sets, outside any other MPM's IfModule. */
function lastSetting(text: string): undefined | {line: number; raw: string} {
  let found: undefined | {line: number; raw: string}
  let other = 0
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim()
    const open = /^<IfModule\s+!?\s*([\w.]+)\s*>/i.exec(line)
    if (open) {
      if (/(mpm_(event|worker)|event\.c|worker\.c)/i.test(open[1]) || other > 0) other++
      continue
    }

    if (/^<\/IfModule>/i.test(line)) {
      if (other > 0) other--
      continue
    }

    const m = /^(?:MaxRequestWorkers|MaxClients)\s+(\S+)/i.exec(line)
    if (m && other === 0) found = {line: i + 1, raw: m[1]}
  }

  return found
}

/** Apache's prefork children in a php:*-apache image: MaxRequestWorkers, from the image's files or Debian's default 150. */
export function imagePreforkWorkers(ctx: AnalyzerContext): {diagnostics: Diagnostic[]; value: Sourced<number>} | undefined {
  const at = ctx.image
  if (!at || !isPhpApache(ctx.command.argv, at.image.baseImage)) return undefined
  const {files, image} = at
  const diagnostics: Diagnostic[] = []
  // Every file the build put under /etc/apache2 (copied or written), in Apache's load order, then the Dockerfile's order.
  const candidates = [...new Set([...image.copies.flatMap((c) => (c.to.startsWith('/etc/apache2') ? [c.to] : [])), ...image.written.map((w) => w.abs).filter((a) => a.startsWith('/etc/apache2'))])]
  let set: undefined | {abs: string; line: number; path: string; raw: string}
  const unknown: {line: number; path: string; why: string}[] = []
  const consider = (abs: string, path: string, text: string): void => {
    const s = lastSetting(text)
    if (s && (!set || rank(abs) >= rank(set.abs))) set = {abs, line: s.line, path, raw: s.raw}
  }

  for (const to of candidates.toSorted((a, b) => rank(a) - rank(b))) {
    const found = imageFile(image, files, to)
    if (found?.kind === 'written') {
      if (found.unreadable) unknown.push({line: found.unreadable.line, path: image.dockerfile, why: `${to} is written by a RUN: ${found.unreadable.why}`})
      const w = found.path ? files.read(found.path) : undefined
      if (w) consider(to, w.path, w.text)
      continue
    }

    // A folder copied there (`COPY docker/apache/ /etc/apache2/conf-enabled/`): its files.
    const copy = image.copies.find((c) => c.to === to)
    const folder = copy && files.folders(posix.dirname(copy.from) === '.' ? '' : posix.dirname(copy.from)).includes(posix.basename(copy.from)) ? copy.from : undefined
    if (folder) {
      for (const name of files.list(folder).filter((n) => n.endsWith('.conf')).sort()) {
        const f = files.read(`${folder}/${name}`)
        if (f) consider(posix.join(to, name), f.path, f.text)
      }

      continue
    }

    const copied = found ?? copiedFile(image, files, to)
    const file = copied ? files.read(copied.path) : undefined
    if (file) consider(to, file.path, file.text)
  }

  // `RUN sed -i 's/MaxRequestWorkers\t  150/MaxRequestWorkers\t  40/' /etc/apache2/mods-available/mpm_prefork.conf`.
  let edit: undefined | {line: number; raw: string}
  for (const run of image.runs) {
    if (!/MaxRequestWorkers|MaxClients/.test(run.text)) continue
    const sed = /\bsed\b.*?-i\S*\s.*?s([/|#,])[^/|#,]*(?:MaxRequestWorkers|MaxClients)[^/|#,]*\1\s*(?:MaxRequestWorkers|MaxClients)(?:\s|\\t)*(\d+)\s*\1\w*['"]?\s+(.+)$/.exec(run.text)
    const targets = sed ? sed[3].split(/\s+/).map((t) => t.replace(/^['"]|['"]$/g, '')) : []
    if (sed && targets.some((t) => t === PREFORK_CONF || t === PREFORK_CONF.replace('mods-available', 'mods-enabled'))) edit = {line: run.line, raw: sed[2]}
    else if (!image.written.some((w) => run.text.includes(w.abs))) unknown.push({line: run.line, path: image.dockerfile, why: `the RUN at ${image.dockerfile}:${run.line} changes MaxRequestWorkers in a way conncalc does not read`})
  }

  for (const u of unknown) diagnostics.push({code: 'unknown-config-value', file: u.path, fix: `give the workers: --assume ${ctx.processType}=PROCESSES:1:1`, line: u.line, message: `${ctx.processType}: ${u.why}; Apache's prefork children may differ`, processType: ctx.processType, severity: 'warning'})
  const via: Source[] = [fromDefault(`${image.baseImage} runs PHP in Apache's prefork MPM (mod_php): up to MaxRequestWorkers child processes, each serving one request at a time`, DOCKER_PHP)]
  for (const u of unknown) via.push(assumed(u.why))
  const fromCopy = set && rank(set.abs) > rank(PREFORK_CONF) ? set : undefined
  if (!fromCopy && edit && (!set || set.abs === PREFORK_CONF)) return {diagnostics, value: sourced(Number(edit.raw), fromFile(image.dockerfile, edit.line), via)}
  if (set) {
    const n = /^\d+$/.test(set.raw) && Number(set.raw) > 0 ? Number(set.raw) : undefined
    if (n !== undefined) return {diagnostics, value: sourced(n, fromFile(set.path, set.line), via)}
    diagnostics.push({code: 'unknown-config-value', file: set.path, fix: `give the workers: --assume ${ctx.processType}=PROCESSES:1:1`, line: set.line, message: `${ctx.processType}: MaxRequestWorkers ${set.raw} (${set.path}:${set.line}) is not a number conncalc can read; Debian's 150 assumed`, processType: ctx.processType, severity: 'warning'})
    via.push(assumed(`MaxRequestWorkers ${set.raw} at ${set.path}:${set.line} is not read; Debian's 150 assumed`))
  }

  via.push(fromDefault('Apache stops starting prefork children at MaxRequestWorkers', APACHE_PREFORK))
  return {diagnostics, value: sourced(150, fromDefault(`Debian's apache2 package sets MaxRequestWorkers 150 in ${PREFORK_CONF}, which ${image.baseImage} enables (a2enmod mpm_prefork)`, DEBIAN_PREFORK), via)}
}
