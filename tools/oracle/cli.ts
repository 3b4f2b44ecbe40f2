/** Entry point of `npm run oracle` (compiled to dist/tools/oracle/cli.js): see main.ts and README.md. */
import { oracleMain } from './main.js';

oracleMain(process.argv.slice(2), { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`oracle: internal error: ${(e as Error)?.stack ?? e}\n`);
    process.exitCode = 3;
  },
);
