#!/usr/bin/env node
// vmx entry point: runs the compiled CLI (npm install builds it through the prepare script).
import { main } from '../dist/src/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`vmx: internal error: ${e?.stack ?? e}\n`);
    process.exitCode = 1;
  },
);
