#!/usr/bin/env node
'use strict';
// Committed shim so `npx edi` is linked before the first build; the CLI itself is compiled to dist/.
const path = require('node:path');
const fs = require('node:fs');
const main = path.join(__dirname, '..', 'dist', 'main.js');
if (!fs.existsSync(main)) {
  process.stderr.write('edi: not built yet: run `npm run build` (or `npx tsc -b`) at the repository root\n');
  process.exit(2);
}
require(main);
