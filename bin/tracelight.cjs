#!/usr/bin/env node
// The `tracelight` command: runs the bundled CLI (out/main/cli.js), built by `npm run build`.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const cli = join(root, 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write(`tracelight: not built yet (${cli} is missing). Run \`npm run build\` in ${root} first.\n`);
  process.exit(1);
}
require(cli);
