import {spawn, execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'

import {InputError} from '../../src/util/errors.js'
import {createFileReader, MAX_FILE_BYTES, MAX_LOCK_FILE_BYTES, readProcfile} from '../../src/io/files.js'
import {onceForFiles, withinDir} from '../../src/model/files.js'

let base: string
let root: string

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'conncalc-files-'))
  root = join(base, 'app')
  mkdirSync(join(root, 'config'), {recursive: true})
  writeFileSync(join(root, 'Procfile'), 'web: bundle exec puma -C config/puma.rb\n')
  writeFileSync(join(root, 'config', 'puma.rb'), '\uFEFFthreads 5, 5\nworkers 2\n')
  writeFileSync(join(root, 'config', 'database.yml'), Buffer.from([0x70, 0x6f, 0x6f, 0x6c, 0x00, 0x35]))
  writeFileSync(join(root, 'config', 'sidekiq.yml'), 'x'.repeat(MAX_FILE_BYTES + 1))
  // A package-lock.json over 1 MiB (a mid-size app's): valid JSON that must be read.
  const packages = Object.fromEntries(Array.from({length: 12_000}, (_, i) => [`node_modules/pkg-${i}`, {integrity: 'sha512-' + 'x'.repeat(80), version: '1.0.0'}]))
  writeFileSync(join(root, 'package-lock.json'), JSON.stringify({lockfileVersion: 3, packages: {...packages, 'node_modules/pg': {version: '8.11.3'}}}, null, 2))
  writeFileSync(join(root, 'yarn.lock'), 'x'.repeat(MAX_LOCK_FILE_BYTES + 1))
  writeFileSync(join(base, 'secret.env'), 'DATABASE_URL=postgres://a:b@h/d\n')
  symlinkSync(join(base, 'secret.env'), join(root, 'config', 'linked.yml'))
  writeFileSync(join(root, 'config', 'cable.yml'), 'production:\n  adapter: postgresql\n')
  mkdirSync(join(root, 'config', 'initializers.rb'))
  symlinkSync(join(root, 'config', 'cable.yml'), join(root, 'config', 'cable-link.yml'))
})

describe('createFileReader', () => {
  it('reads a file relative to the root as UTF-8 without its BOM', () => {
    const files = createFileReader(root)
    expect(files.read('config/puma.rb')).toEqual({path: 'config/puma.rb', text: 'threads 5, 5\nworkers 2\n'})
    expect(files.read('./config/puma.rb')?.path).toBe('config/puma.rb')
    expect(files.exists('config/puma.rb')).toBe(true)
    expect(files.problems).toEqual([])
  })

  it('reads a missing file as undefined, quietly', () => {
    const files = createFileReader(root)
    expect(files.read('config/unicorn.rb')).toBeUndefined()
    expect(files.exists('config/unicorn.rb')).toBe(false)
    expect(files.exists('config')).toBe(false) // a directory is not a file
    expect(files.problems).toEqual([])
  })

  it('refuses a binary file with an unparsable-config warning, once', () => {
    const files = createFileReader(root)
    expect(files.read('config/database.yml')).toBeUndefined()
    expect(files.read('config/database.yml')).toBeUndefined()
    expect(files.problems).toEqual([
      {
        code: 'unparsable-config',
        file: 'config/database.yml',
        message: 'config/database.yml cannot be read (not a text file: it holds NUL bytes); the values it may set are assumptions (*), not defaults',
        severity: 'warning',
      },
    ])
  })

  it('notes each read of a file that is there but unreadable in `unread`, with why; a missing file or a folder named as one is not', () => {
    const files = createFileReader(root)
    const within = withinDir(files, 'config')
    expect(files.read('config/database.yml')).toBeUndefined()
    expect(within.read('database.yml')).toBeUndefined() // the same file, through a cd's reader: the same log
    expect(files.read('config/sidekiq.yml')).toBeUndefined()
    expect(files.read('config/unicorn.rb')).toBeUndefined() // missing
    expect(files.read('config')).toBeUndefined() // a folder whose name could be a folder's
    expect(files.read('config/initializers.rb')).toBeUndefined() // a folder named as a file
    expect(files.unread).toEqual([
      {path: 'config/database.yml', why: 'not a text file: it holds NUL bytes'},
      {path: 'config/database.yml', why: 'not a text file: it holds NUL bytes'},
      {path: 'config/sidekiq.yml', why: 'larger than 1 MiB'},
      {path: 'config/initializers.rb', why: 'a directory'},
    ])
    expect(within.unread).toBe(files.unread)
  })

  it('replays the unreadable files a computation met each time its answer is reused (onceForFiles)', () => {
    const files = createFileReader(root)
    const compute = (): number => (files.read('config/database.yml') ? 1 : 0)
    expect(onceForFiles(files, 'k', compute)).toBe(0)
    const mark = files.unread.length
    expect(onceForFiles(files, 'k', compute)).toBe(0)
    expect(files.unread.slice(mark)).toEqual([{path: 'config/database.yml', why: 'not a text file: it holds NUL bytes'}])
  })

  it('reads a lock file larger than 1 MiB, and refuses one past 64 MiB', () => {
    const files = createFileReader(root)
    const lock = files.read('package-lock.json')
    expect(lock!.text.length).toBeGreaterThan(MAX_FILE_BYTES)
    expect((JSON.parse(lock!.text) as {packages: Record<string, {version: string}>}).packages['node_modules/pg'].version).toBe('8.11.3')
    expect(files.read('yarn.lock')).toBeUndefined()
    expect(files.problems.map((p) => p.message)).toEqual(['yarn.lock cannot be read (larger than 64 MiB); the values it may set are assumptions (*), not defaults'])
  })

  it('refuses a file larger than 1 MiB', () => {
    const files = createFileReader(root)
    expect(files.read('config/sidekiq.yml')).toBeUndefined()
    expect(files.problems.map((p) => p.message)).toEqual(['config/sidekiq.yml cannot be read (larger than 1 MiB); the values it may set are assumptions (*), not defaults'])
  })

  it('never reads outside the root: ../, absolute paths, symlinks pointing out', () => {
    const files = createFileReader(root)
    expect(files.read('../secret.env')).toBeUndefined()
    expect(files.read('config/../../secret.env')).toBeUndefined()
    expect(files.read(join(base, 'secret.env'))).toBeUndefined()
    expect(files.read('config/linked.yml')).toBeUndefined()
    expect(files.exists('../secret.env')).toBe(false)
    expect(files.exists('config/linked.yml')).toBe(false)
    expect(files.problems.map((p) => p.message)).toEqual([
      '../secret.env is outside the app folder; not read',
      'config/../../secret.env is outside the app folder; not read',
      `${join(base, 'secret.env').replaceAll('\\', '/')} is outside the app folder; not read`,
      'config/linked.yml is outside the app folder; not read',
    ])
  })

  it('follows a symlink that stays inside the root', () => {
    const files = createFileReader(root)
    expect(files.read('config/cable-link.yml')?.text).toBe('production:\n  adapter: postgresql\n')
  })

  it('never reads through a folder link that points out, and reads an app whose root is reached through a link', () => {
    const outside = join(base, 'outside-config')
    mkdirSync(outside, {recursive: true})
    writeFileSync(join(outside, 'puma.rb'), 'workers 9\n')
    symlinkSync(outside, join(root, 'linked-config'))
    symlinkSync(root, join(base, 'app-link'))
    const files = createFileReader(root)
    expect(files.exists('linked-config/puma.rb')).toBe(false)
    expect(files.read('linked-config/puma.rb')).toBeUndefined()
    expect(files.problems.map((p) => p.message)).toEqual(['linked-config/puma.rb is outside the app folder; not read'])
    const linked = createFileReader(join(base, 'app-link'))
    expect(linked.exists('config/puma.rb')).toBe(true)
    expect(linked.read('config/puma.rb')?.text).toBe('threads 5, 5\nworkers 2\n')
    expect(linked.read('config/cable-link.yml')?.text).toBe('production:\n  adapter: postgresql\n')
    expect(linked.read('config/linked.yml')).toBeUndefined()
    expect(linked.read('linked-config/puma.rb')).toBeUndefined()
  })

  it('reads names that only look like . and .. as names, and ./ and .. segments as paths', () => {
    writeFileSync(join(root, '..procfile'), 'web: x\n')
    const files = createFileReader(root)
    expect(files.read('..procfile')?.text).toBe('web: x\n')
    expect(files.read('config/./puma.rb')?.text).toBe('threads 5, 5\nworkers 2\n')
    expect(files.read('config//puma.rb')?.text).toBe('threads 5, 5\nworkers 2\n')
    expect(files.read('config/../Procfile')?.text).toBe('web: bundle exec puma -C config/puma.rb\n')
    expect(files.exists('config/')).toBe(false)
    expect(files.exists('.')).toBe(false)
  })

  it('lists the files of a folder, sorted, without folders or links that point out of the app', () => {
    const files = createFileReader(root)
    mkdirSync(join(root, 'config', 'initializers'), {recursive: true})
    expect(files.list('config')).toEqual(['cable-link.yml', 'cable.yml', 'database.yml', 'puma.rb', 'sidekiq.yml'])
    expect(files.list('./config/')).toEqual(files.list('config'))
    expect(files.list('config/initializers')).toEqual([])
    expect(files.list('config/missing')).toEqual([])
    expect(files.list('..')).toEqual([])
  })

  it('lists the folders of a folder (workspace globs), sorted, without files or links that point out of the app', () => {
    const files = createFileReader(root)
    mkdirSync(join(root, 'packages', 'web'), {recursive: true})
    mkdirSync(join(root, 'packages', 'api'), {recursive: true})
    writeFileSync(join(root, 'packages', 'README.md'), '# packages\n')
    symlinkSync(join(root, 'packages', 'api'), join(root, 'packages', 'api-link'))
    symlinkSync(base, join(root, 'packages', 'outside'))
    expect(files.folders('packages')).toEqual(['api', 'api-link', 'web'])
    expect(files.folders('')).toEqual(['config', 'packages'])
    expect(files.folders('packages/missing')).toEqual([])
    expect(files.folders('..')).toEqual([])
  })

  it('a file listed, then gone before it is read, is missing: undefined, no warning, no throw', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conncalc-vanish-'))
    mkdirSync(join(dir, 'config', 'initializers'), {recursive: true})
    for (const name of ['a.rb', 'b.rb']) writeFileSync(join(dir, 'config', 'initializers', name), 'ActiveRecord::Base.establish_connection\n')
    const files = createFileReader(dir)
    expect(files.list('config/initializers')).toEqual(['a.rb', 'b.rb'])
    expect(files.exists('config/initializers/b.rb')).toBe(true)
    rmSync(join(dir, 'config', 'initializers', 'b.rb'))
    expect(files.read('config/initializers/a.rb')?.text).toBe('ActiveRecord::Base.establish_connection\n')
    expect(files.read('config/initializers/b.rb')).toBeUndefined()
    expect(files.search?.('config/initializers/b.rb')).toBeUndefined()
    expect(files.problems).toEqual([])
    expect(files.unread).toEqual([])
  })

  it('a file swapped for a FIFO after it was found is refused at once, not waited on for a writer', () => {
    const dir = mkdtempSync(join(tmpdir(), 'conncalc-swap-'))
    mkdirSync(join(dir, 'config'))
    writeFileSync(join(dir, 'config', 'puma.rb'), 'workers 2\n')
    const files = createFileReader(dir)
    expect(files.exists('config/puma.rb')).toBe(true) // its stat is kept for the read
    rmSync(join(dir, 'config', 'puma.rb'))
    execFileSync('mkfifo', [join(dir, 'config', 'puma.rb')])
    // Were the FIFO opened blocking, this writer would end the wait after a while: the read would then see an empty
    // file and return '' as text instead of refusing it. It is killed at the end either way.
    const writer = spawn('sh', ['-c', 'sleep 5; exec 3>"$0"', join(dir, 'config', 'puma.rb')], {stdio: 'ignore'})
    try {
      expect(files.read('config/puma.rb')).toBeUndefined()
      expect(files.problems.map((p) => p.message)).toEqual(['config/puma.rb cannot be read (a named pipe (FIFO), not a regular file); the values it may set are assumptions (*), not defaults'])
    } finally {
      writer.kill()
    }
  })

  it('caches: a file read once is not read again', () => {
    const files = createFileReader(root)
    const first = files.read('config/puma.rb')
    writeFileSync(join(root, 'config', 'puma.rb'), 'workers 9\n')
    expect(files.read('config/puma.rb')).toBe(first)
    writeFileSync(join(root, 'config', 'puma.rb'), '\uFEFFthreads 5, 5\nworkers 2\n')
  })
})

describe('readProcfile', () => {
  it('returns the text with the path as given', () => {
    const p = join(root, 'Procfile')
    expect(readProcfile(p)).toEqual({path: p, text: 'web: bundle exec puma -C config/puma.rb\n'})
  })

  it('returns undefined when there is no Procfile: the buildpack\'s default web process runs then', () => {
    expect(readProcfile(join(root, 'Procfile.nope'))).toBeUndefined()
  })

  it.each([
    ['a directory', 'config', /is a directory, not a Procfile$/],
    ['binary', 'config/database.yml', /is not a text file, so it cannot be a Procfile$/],
    ['huge', 'config/sidekiq.yml', /is larger than 1 MiB, so it cannot be a Procfile$/],
  ])('throws an InputError with a hint when the Procfile is %s', (_what, rel, message) => {
    const p = join(root, rel)
    let error: unknown
    try {
      readProcfile(p)
    } catch (error_) {
      error = error_
    }

    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).message).toMatch(message)
    expect((error as InputError).hint).toBe(rel === 'config' ? `to read the app in that folder, pass --procfile ${p}/Procfile (or run conncalc there)` : 'run conncalc in the app folder, or pass --procfile PATH')
    expect((error as InputError).exitCode).toBe(2)
  })
})
