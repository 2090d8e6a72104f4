// The bundle's entry (npm run build → dist/main.js): oclif's runner and the
// command table come from the same bundle, so there is one copy of oclif.
export {execute} from '@oclif/core'
export {commands} from './commands/index.js'
