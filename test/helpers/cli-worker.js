// The worker thread behind runCliInProcess (test/helpers/cli.ts): conncalc's bundle
// (dist/cli.cjs, what bin/run.js runs, loaded as bin/run.js loads it) loaded once, then run
// once per message as bin/run.js runs it — same argv, env, working directory, output and exit
// code — without starting a new Node process each time.
import {fileURLToPath} from 'node:url'
import {workerData} from 'node:worker_threads'

import {loadBundle} from '../../bin/code-cache.js'

const BIN = new URL('../../bin/run.js', import.meta.url)
const {flag, port} = workerData
// A bundle that fails to load is reported to each caller, not left for them to wait on. No code
// cache here (test/cli/code-cache.test.ts tests it): a worker's exit would write one.
const loaded = (async () => loadBundle(fileURLToPath(new URL('../../dist/cli.cjs', import.meta.url)), {CONNCALC_CODE_CACHE: '0'}))().then(
  (bundle) => ({execute: bundle.execute}),
  (error) => ({error: error instanceof Error ? error.stack : String(error)}),
)

/** What the command writes, as bytes (decoded once at the end, as spawnSync decodes a pipe). */
let captured
function capture(stream, name) {
  const write = stream.write
  stream.write = function (chunk, encoding, callback) {
    if (!captured) return write.call(this, chunk, encoding, callback)
    captured[name].push(typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8') : Buffer.from(chunk))
    const done = typeof encoding === 'function' ? encoding : callback
    if (typeof done === 'function') process.nextTick(done)
    return true
  }
}

capture(process.stdout, 'stdout')
capture(process.stderr, 'stderr')

async function run({args, env}) {
  const {error, execute} = await loaded
  if (error !== undefined) return {error}
  // Exactly the environment a spawned conncalc gets; bin/run.js adds this one itself.
  for (const key of Object.keys(process.env)) delete process.env[key]
  Object.assign(process.env, {OCLIF_DISABLE_ENGINE_WARNING: '1'}, env)
  process.argv = [process.execPath, fileURLToPath(BIN), ...args]
  process.exitCode = undefined
  captured = {stderr: [], stdout: []}
  const listening = {stderr: process.stderr.listeners('drain'), stdout: process.stdout.listeners('drain')}
  let code
  try {
    await execute({dir: BIN.href, target: './dist/cli.cjs'})
    // What a command left queued (a stream's last write) lands before the process would exit.
    await new Promise((resolve) => setImmediate(resolve))
    code = process.exitCode ?? 0
  } catch (error) {
    // Node's own report of an uncaught error: the stack on standard error, exit 1.
    captured.stderr.push(Buffer.from(`${error instanceof Error ? error.stack : String(error)}\n`))
    code = 1
  }

  const text = (chunks) => Buffer.concat(chunks).toString('utf8')
  const result = {code: Number(code), stderr: text(captured.stderr), stdout: text(captured.stdout)}
  captured = undefined
  process.exitCode = undefined
  // oclif's flush() waits for a 'drain' that a captured write never needs: its listener would
  // stay behind run after run (a process exits instead).
  for (const name of ['stderr', 'stdout']) {
    for (const listener of process[name].listeners('drain')) if (!listening[name].includes(listener)) process[name].removeListener('drain', listener)
  }
  return result
}

// One run at a time, in the order asked (runs share process.env, argv and the captured
// streams): a request that comes while one runs (its caller gave up) waits its turn. The caller
// waits on `flag` (Atomics.wait) and reads the answer, tagged with its request's id, from `port`.
let queue = Promise.resolve()
port.on('message', (request) => {
  queue = queue.then(async () => {
    let result
    try {
      result = await run(request)
    } catch (error) {
      result = {error: error instanceof Error ? error.stack : String(error)}
    }

    port.postMessage({...result, id: request.id})
    Atomics.store(flag, 0, 1)
    Atomics.notify(flag, 0)
  })
})
