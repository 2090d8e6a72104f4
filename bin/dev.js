#!/usr/bin/env -S node --
// Development entry: rebuilds the bundle from src/ (esbuild, well under a
// second), then runs it like bin/run.js.
'use strict'
const {execFileSync} = require('node:child_process')
const {join} = require('node:path')

execFileSync('npm', ['run', '--silent', 'build'], {cwd: join(__dirname, '..'), stdio: 'inherit'})
require('./run.js')
