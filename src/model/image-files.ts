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
  /** COPY/ADD from the build context: `from` a repository path from the app root, `to` absolute; later copies last. */
  copies: {from: string; into: boolean; line?: number; to: string}[]
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

/** The repository file a COPY put at `abs` (the last copy that has it). */
export function copiedFile(image: ImageFiles, files: FileReader, abs: string): {kind: 'copied'; line?: number; path: string} | undefined {
  for (const c of image.copies.toReversed()) {
    const to = c.into && files.exists(c.from) ? posix.join(c.to, posix.basename(c.from)) : c.to
    if (abs === to && files.exists(c.from)) return {kind: 'copied', ...(c.line ? {line: c.line} : {}), path: c.from}
    if (abs.startsWith(`${to}/`)) {
      const path = posix.join(c.from, abs.slice(to.length + 1))
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
    if (abs.startsWith(`${to}/`)) return posix.join(c.from, abs.slice(to.length + 1))
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
