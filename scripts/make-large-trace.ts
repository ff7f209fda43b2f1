/**
 * Writes a large deterministic OTel Python console trace file for benchmarks and prints what it
 * holds as JSON.
 *
 *   npx tsx scripts/make-large-trace.ts --form compact|pretty --size-mb 50 --out FILE [--seed 1]
 */
import { parseArgs } from 'node:util';
import { generateOtelFile } from '../bench/generate-otel';

const { values } = parseArgs({
  options: {
    form: { type: 'string', default: 'compact' },
    'size-mb': { type: 'string', default: '50' },
    out: { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
});

const form = values.form;
const sizeMb = Number(values['size-mb']);
const seed = Number(values.seed);
if ((form !== 'compact' && form !== 'pretty') || !values.out || !(sizeMb > 0) || !Number.isInteger(seed)) {
  process.stderr.write('usage: make-large-trace.ts --form compact|pretty --size-mb N --out FILE [--seed N]\n');
  process.exit(2);
}

const result = generateOtelFile({ path: values.out, form, sizeBytes: Math.round(sizeMb * 1024 * 1024), seed });
process.stdout.write(JSON.stringify(result) + '\n');
