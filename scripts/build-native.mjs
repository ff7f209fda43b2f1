// `npm install` runs this: builds the native record scanner (native/record-scanner.c) with the
// node-gyp that npm brings. It is optional for the app: when it does not build, indexing reads
// every record in JavaScript (same result, slower), so a failed build warns and does not fail
// the install. The tests do require it (they compare both paths), so they report it plainly.
import { spawnSync } from 'node:child_process';

const result = spawnSync('node-gyp', ['rebuild'], { stdio: 'inherit', shell: process.platform === 'win32' });
if (result.status !== 0) {
  console.warn('tracelight: the native record scanner did not build; indexing will read every record in JavaScript (slower).');
}
