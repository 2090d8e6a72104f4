// Standard output and error, when each is a pipe, a file or a device other than a terminal
// (/dev/null), written with fs.writeSync instead of through the stream Node would make for it.
// For a pipe Node makes a net.Socket: node:net, node:stream and the stream machinery, whose
// functions V8 compiles from source on every run (Node's own code cache holds only the modules'
// top level) — ~6 M of the ~275 M instructions of a `conncalc plan` whose output is piped, as in
// CI or `| less`.
//
// On Linux and macOS Node writes to a pipe or a file synchronously too, so what is written, and
// when, is the same: a write is done when write() returns; its callback is called on the next
// tick; an error (EPIPE: the reader has gone) fails the callback and is emitted as 'error' on the
// next tick, after which nothing more is written, as with Node's stream (oclif ignores EPIPE on
// stdout; with no listener it is an uncaught error, as with Node's). A pipe its reader made
// non-blocking and that is full (EAGAIN) hands the rest of the run's output to Node's own stream,
// which waits for the reader. Terminals keep Node's stream (colours, width), and Windows too,
// where Node writes to pipes asynchronously.
'use strict'
const EventEmitter = require('node:events')

/**
 * Replace `proc.stdout` and `proc.stderr` (process's, by default) where they are a pipe or a
 * file; true when both were. `fs` gives fstatSync and writeSync (node:fs), `isatty` node:tty's
 * (tests pass their own), asked only about a character device: node:tty loads node:net and
 * Node's streams, which a pipe or a file does not need.
 */
function directStdio(proc = process, fs = require('node:fs'), isatty = (fd) => require('node:tty').isatty(fd)) {
  if (proc.platform === 'win32') return false
  let both = true
  for (const [name, fd] of [
    ['stdout', 1],
    ['stderr', 2],
  ]) {
    const own = Object.getOwnPropertyDescriptor(proc, name)
    if (!isPipeOrFile(fs, fd, isatty) || typeof own?.get !== 'function' || !own.configurable) {
      both = false
      continue
    }

    const stream = directStream(fd, fs, () => own.get.call(proc))
    Object.defineProperty(proc, name, {configurable: true, enumerable: own.enumerable, get: () => stream})
  }

  return both
}

/** A pipe, a file, or a device that is not a terminal (/dev/null): what Node writes synchronously. */
function isPipeOrFile(fs, fd, isatty) {
  try {
    const stat = fs.fstatSync(fd)
    return stat.isFIFO() || stat.isFile() || (stat.isCharacterDevice() && !isatty(fd))
  } catch {
    return false
  }
}

/** A writable for `fd`; `nodeStream()` makes Node's own stream for it, used once a write would block. */
function directStream(fd, fs, nodeStream) {
  const stream = new EventEmitter()
  // What node:console reads of a stream when a write fails (EPIPE: `conncalc --help | head -1`):
  // whether 'error' was emitted yet; if not, it listens for it so the error is not uncaught.
  const state = {errorEmitted: false}
  let node
  let failed
  const handOver = () => {
    if (!node) {
      node = nodeStream()
      node.on('error', (error) => stream.emit('error', error))
      node.on('drain', () => stream.emit('drain'))
    }

    return node
  }

  const write = (chunk, encoding, callback) => {
    if (typeof encoding === 'function') {
      callback = encoding
      encoding = undefined
    }

    if (node) return node.write(chunk, encoding, callback)
    const done = typeof callback === 'function' ? callback : undefined
    if (failed) {
      if (done) process.nextTick(done, failed)
      return false
    }

    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' && encoding !== 'buffer' ? encoding : 'utf8') : chunk
    let at = 0
    try {
      while (at < bytes.length) {
        try {
          at += fs.writeSync(fd, bytes, at, bytes.length - at)
        } catch (error) {
          if (error.code !== 'EINTR') throw error
        }
      }
    } catch (error) {
      if (error.code === 'EAGAIN') return handOver().write(bytes.subarray(at), done)
      failed = error
      stream.writable = false
      if (done) process.nextTick(done, error)
      process.nextTick(() => {
        state.errorEmitted = true
        stream.emit('error', error)
      })
      return false
    }

    // null, as Node's stream passes: node:console's write callback (console.log, which oclif's
    // help uses) takes anything else for an error and reads the stream's _writableState.
    if (done) process.nextTick(done, null)
    return true
  }

  return Object.assign(stream, {
    end(chunk, encoding, callback) {
      if (typeof chunk === 'function') callback = chunk
      else if (typeof encoding === 'function') callback = encoding
      if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') write(chunk, typeof encoding === 'string' ? encoding : undefined)
      if (typeof callback === 'function') process.nextTick(callback)
      return stream
    },
    _writableState: state,
    fd,
    writable: true,
    write,
  })
}

exports.directStdio = directStdio
