#!/usr/bin/env node
// Development entry: rebuilds nothing, runs the compiled dist/ after `npm run build`
// (or `npx tsc -w`). Kept separate so bin/run.js stays the production path.
const {execute} = await import('@oclif/core')
await execute({development: true, dir: import.meta.url})
