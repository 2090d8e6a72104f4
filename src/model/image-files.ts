/**
 * The files a container image holds that the build put there from the repository: what its Dockerfile's COPYs brought
 * (procfile/dockerfile.ts) and what its RUNs wrote with the shell (procfile/run-writes.ts). A program that reads a file
 * at a fixed path in the image (PHP-FPM's /usr/local/etc/php-fpm.d/*.conf) reads it through here. Pure data and lookups.
 */
import {posix} from 'node:path'

import type {FileReader} from './files.js'

export interface ImageFiles {
  /** The Dockerfile, from the app root. */
  dockerfile: string
  /** The image its chain of stages starts FROM (`php:8.3-fpm-alpine`), as written after ARG substitution. */
  baseImage: string
  /** The chosen stage's FROM line. */
  line: number
  /**
   * COPY/ADD from the build context: `from` a repository path from the app root, `to` absolute; later copies last.
   * `ifMissing`: a RUN's `cp -n`, which leaves a file already there.
   */
  copies: {from: string; ifMissing?: true; into: boolean; line?: number; to: string}[]
  /** The stage's WORKDIR (absolute): where the image's command starts, the repository folder the type's files are read from. */
  workdir?: string
  /**
   * Files RUNs wrote, by absolute path: `path` the readable copy (`DOCKERFILE@/abs`, in the type's FileReader), or why not;
   * `appends` when the first write was `>>` onto a file the image already had (its lines follow that file's).
   */
  written: {abs: string; appends?: true; path?: string; unreadable?: {line: number; why: string}}[]
  /** Every RUN's text with its first line (programs that edit files in place: `sed -i … www.conf`). */
  runs: {line: number; text: string}[]
}

/** Where the file at `abs` in the image came from: a repository file a COPY put there, or a RUN's write; undefined when neither. */
export type ImageFile =
  | {appends?: true; kind: 'written'; path?: string; unreadable?: {line: number; why: string}}
  | {kind: 'copied'; line?: number; path: string}

export function imageFile(image: ImageFiles, files: FileReader, abs: string): ImageFile | undefined {
  const w = image.written.find((x) => x.abs === abs)
  // A write after the copies is on top (RUNs that write config come after its COPY in the Dockerfiles seen; the order is not kept).
  if (w && !w.appends) return {kind: 'written', ...(w.path ? {path: w.path} : {}), ...(w.unreadable ? {unreadable: w.unreadable} : {})}
  const copied = copiedFile(image, files, abs)
  if (w) return {appends: true, kind: 'written', ...(w.path ? {path: w.path} : {}), ...(w.unreadable ? {unreadable: w.unreadable} : {})}
  return copied
}

const isFolder = (files: FileReader, path: string): boolean => files.folders(posix.dirname(path) === '.' ? '' : posix.dirname(path)).includes(posix.basename(path))

/** The repository file a COPY put at `abs` (the last copy that has it). */
export function copiedFile(image: ImageFiles, files: FileReader, abs: string): {kind: 'copied'; line?: number; path: string} | undefined {
  for (const c of image.copies.toReversed()) {
    const to = c.into && files.exists(c.from) ? posix.join(c.to, posix.basename(c.from)) : c.to
    if (abs === to && files.exists(c.from)) return {kind: 'copied', ...(c.line ? {line: c.line} : {}), path: c.from}
    // A folder copied onto the image's root (`COPY ./docker/rootfs /`) holds every path below it.
    if (abs.startsWith(to === '/' ? '/' : `${to}/`)) {
      const path = posix.join(c.from, abs.slice(to === '/' ? 1 : to.length + 1))
      if (files.exists(path)) return {kind: 'copied', ...(c.line ? {line: c.line} : {}), path}
    }
  }

  return undefined
}

/**
 * The repository path the last COPY that covers `abs` maps it to, whether or not the repository holds it: a build's output
 * an earlier stage made there (`COPY --from=build /app/api/dist/server /app/server` → api/dist/server).
 */
export function copiedPath(image: ImageFiles, files: FileReader, abs: string): string | undefined {
  for (const c of image.copies.toReversed()) {
    const to = c.into && files.exists(c.from) ? posix.join(c.to, posix.basename(c.from)) : c.to
    if (abs === to) return c.from
    // Onto the image's root only a repository folder (`COPY ./docker/rootfs /`): every path would be below anything else.
    if (to === '/' && !isFolder(files, c.from)) continue
    if (abs.startsWith(to === '/' ? '/' : `${to}/`)) return posix.join(c.from, abs.slice(to === '/' ? 1 : to.length + 1))
  }

  return undefined
}

/** Names of the files the build put directly in the image folder `dir` (copied or written), sorted. */
export function imageFolderFiles(image: ImageFiles, files: FileReader, dir: string): string[] {
  const names = new Set<string>()
  for (const c of image.copies) {
    const to = c.into && files.exists(c.from) ? posix.join(c.to, posix.basename(c.from)) : c.to
    if (posix.dirname(to) === dir && files.exists(c.from)) names.add(posix.basename(to))
    // A folder copied onto `dir` (`COPY docker/php-fpm.d/ /usr/local/etc/php-fpm.d/`): its files.
    if (to === dir) for (const n of files.list(c.from)) names.add(n)
  }

  for (const w of image.written) if (posix.dirname(w.abs) === dir) names.add(posix.basename(w.abs))
  return [...names].sort()
}

/**
 * The files the build put in the WORKDIR's tree from another repository path (`COPY config/database.docker.yml
 * /app/config/database.yml`; a RUN's `cp x.sample x`): path from `cwd` (the repository folder the WORKDIR is) → the
 * repository file it holds and the Dockerfile line that put it there. A later copy of the file to its own path puts it
 * back; a `cp -n` does nothing where the file is already there.
 */
export function placedFiles(image: ImageFiles, files: FileReader, cwd: string): Map<string, {from: string; line?: number}> {
  const out = new Map<string, {from: string; line?: number}>()
  const dir = image.workdir
  if (!dir) return out
  for (const c of image.copies) {
    if (!files.exists(c.from)) continue
    const at = c.into ? posix.join(c.to, posix.basename(c.from)) : c.to
    if (!at.startsWith(dir === '/' ? '/' : `${dir}/`)) continue
    const rel = posix.relative(dir, at)
    const repoPath = posix.join(cwd, rel)
    // Only a file under another name, or over one the repository has there: a file copied in under its own name (a
    // requirements.txt into the WORKDIR) is what the command's folder mapping already reads.
    const renamed = posix.basename(c.from) !== posix.basename(at)
    if (repoPath === c.from) out.delete(rel)
    else if ((renamed || files.exists(repoPath)) && !(c.ifMissing && (files.exists(repoPath) || out.has(rel)))) out.set(rel, {from: c.from, ...(c.line ? {line: c.line} : {})})
  }

  return out
}

/**
 * What the build left at `abs` in the image, for a script's file test (`[ -f /app/frankenphp_target ]`): a file a COPY
 * put there from the repository or a RUN wrote, a folder a COPY filled (or one holding such a path), or what a RUN's
 * plain `touch PATH` / `mkdir [-p] PATH` made (absolute paths only: a RUN's WORKDIR is not kept). A path a RUN's `rm`
 * took away (or a folder above it), and one the build did not put there (the base image or a volume may still hold
 * it), are undefined.
 */
export function imageHolds(image: ImageFiles, files: FileReader, abs: string): 'file' | 'folder' | undefined {
  const path = posix.normalize(abs)
  const made = new Map<string, 'file' | 'folder' | 'removed'>()
  for (const run of image.runs) {
    for (const part of run.text.split(/&&|\|\||;|\n/)) {
      const words = part.trim().split(/\s+/).filter(Boolean).map((w) => w.replace(/^(["'])(.*)\1$/, '$2'))
      const program = words[0]?.replace(/^\/(?:usr\/)?bin\//, '')
      if (program !== 'touch' && program !== 'mkdir' && program !== 'rm') continue
      for (const w of words.slice(1)) {
        // A word the build shell expands, or a relative path (from the RUN's WORKDIR, not kept): not read.
        if (!w.startsWith('/') || /[$`*?[\]{}<>|]/.test(w)) continue
        const p = posix.normalize(w)
        if (program === 'rm') for (const k of made.keys()) if (k.startsWith(`${p}/`)) made.delete(k)
        made.set(p, program === 'rm' ? 'removed' : program === 'touch' ? 'file' : 'folder')
      }
    }
  }

  const kind = made.get(path)
  if (kind === 'file' || kind === 'folder') return kind
  if ([...made].some(([p, k]) => k === 'removed' && (path === p || path.startsWith(`${p}/`)))) return undefined
  if (imageFile(image, files, path)) return 'file'
  const copied = copiedPath(image, files, path)
  if (copied !== undefined && (files.list(copied).length > 0 || files.folders(copied).length > 0)) return 'folder'
  if (image.copies.some((c) => c.into && c.to === path)) return 'folder'
  const below = `${path === '/' ? '' : path}/`
  const held = [...image.copies.map((c) => c.to), ...image.written.map((w) => w.abs), ...[...made].filter(([, k]) => k !== 'removed').map(([p]) => p)]
  return held.some((p) => p.startsWith(below)) ? 'folder' : undefined
}
