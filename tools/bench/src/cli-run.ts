import { writeSync } from 'node:fs';
import { join } from 'node:path';

// `node cli-run.js <root> <edi args...>`: runs that checkout's `edi` in this process, as `npx edi` runs it
// (stdout and stdin as given), and at exit writes {"maxRssMb"} to file descriptor 3 for the bench.
const [root, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], join(root, 'tools', 'cli', 'bin', 'edi.js'), ...args];
process.on('exit', () => {
  writeSync(3, JSON.stringify({ maxRssMb: process.resourceUsage().maxRSS / 1024 }));
});
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the checkout's CLI, by path, loaded as `npx edi` loads it
require(join(root, 'tools', 'cli', 'dist', 'main.js'));
