import { runCli } from './cli';

// The `edi` binary (bin/edi.js loads this file).
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0); // `edi parse big.x12 | head` is fine
  throw err;
});

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }).then(
  (status) => {
    process.exitCode = status;
  },
  (err: unknown) => {
    process.stderr.write(`edi: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
