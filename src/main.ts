// The bundle's entry (npm run build → dist/main.js): oclif's runner and the
// command table come from the same bundle, so there is one copy of oclif.
//
// oclif is imported by subpath (@oclif/core/execute, /command, /flags), not
// from its index: the index loads every part of oclif (ux, help classes,
// semver for an engines check bin/run.js turns off anyway), ~100 KB more for
// every run to parse. Its one other start-up check is kept here:
try {
  process.cwd()
} catch (error) {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') process.stderr.write('WARNING: current directory does not exist\n')
}

export {execute} from '@oclif/core/execute'
export {commands} from './commands/index.js'
