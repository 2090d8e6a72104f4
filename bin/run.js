#!/usr/bin/env node
// Prism (the Ruby parser) runs as WASI, which Node 20 flags as experimental on
// stderr. That warning is noise for our users; every other warning still shows.
const emit = process.emitWarning
process.emitWarning = function (warning, ...rest) {
  const text = typeof warning === 'string' ? warning : warning?.message
  if (typeof text === 'string' && text.includes('WASI')) return
  return emit.call(process, warning, ...rest)
}

const {execute} = await import('@oclif/core')
await execute({dir: import.meta.url})
