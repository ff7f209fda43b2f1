/**
 * Sums self time per function over V8 .cpuprofile files (one per thread that `node --cpu-prof`
 * profiled), for the bench's `--cpu-prof` summary and for `npx tsx bench/cpu-profile.ts FILES...`.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileEntry {
  name: string;
  location: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  files: string[];
  totalMs: number;
  /** Per profiled thread (one file each): its sampled time and its three heaviest functions. */
  threads: { file: string; totalMs: number; top: string[] }[];
  top: ProfileEntry[];
}

function describeUrl(url: string): string {
  if (!url) return '(native)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const repoRelative = relative(process.cwd(), path);
  return repoRelative.startsWith('..') ? path : repoRelative;
}

export function summarizeCpuProfiles(files: string[], limit: number): ProfileSummary {
  const selfByKey = new Map<string, { name: string; location: string; selfUs: number }>();
  let totalUs = 0;
  const threads: ProfileSummary['threads'] = [];
  for (const file of files) {
    const threadSelf = new Map<string, number>();
    let threadUs = 0;
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    // Sample i lasts until sample i+1: its duration is timeDeltas[i+1]; the last one until endTime.
    for (let i = 0; i < profile.samples.length; i++) {
      const durationUs = i + 1 < profile.timeDeltas.length ? profile.timeDeltas[i + 1] : 0;
      const node = byId.get(profile.samples[i]);
      if (!node || durationUs <= 0) continue;
      const frame = node.callFrame;
      const name = frame.functionName || '(anonymous)';
      if (name === '(idle)') continue;
      // Files run through tsx report positions in its output, not the source: name the file only.
      const isTranspiled = /\.(ts|tsx|mts)$/.test(frame.url);
      const location = frame.url ? `${describeUrl(frame.url)}${isTranspiled ? '' : `:${frame.lineNumber + 1}`}` : '';
      const key = `${name}\u0000${location}`;
      const entry = selfByKey.get(key) ?? { name, location, selfUs: 0 };
      entry.selfUs += durationUs;
      selfByKey.set(key, entry);
      totalUs += durationUs;
      threadUs += durationUs;
      threadSelf.set(name, (threadSelf.get(name) ?? 0) + durationUs);
    }
    const threadTop = [...threadSelf.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
    threads.push({ file, totalMs: threadUs / 1000, top: threadTop.map(([name, us]) => `${name} ${(us / 1000).toFixed(0)} ms`) });
  }
  const top = [...selfByKey.values()]
    .sort((a, b) => b.selfUs - a.selfUs)
    .slice(0, limit)
    .map((e) => ({ name: e.name, location: e.location, selfMs: e.selfUs / 1000, share: totalUs > 0 ? e.selfUs / totalUs : 0 }));
  return { files, totalMs: totalUs / 1000, threads, top };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const summary = summarizeCpuProfiles(process.argv.slice(2), 30);
  process.stdout.write(`${(summary.totalMs / 1000).toFixed(2)} s sampled (idle excluded)\n`);
  for (const t of summary.threads) process.stdout.write(`  thread ${relative(process.cwd(), t.file)}: ${(t.totalMs / 1000).toFixed(2)} s (${t.top.join(', ')})\n`);
  for (const e of summary.top) {
    process.stdout.write(`${e.selfMs.toFixed(0).padStart(7)} ms ${(e.share * 100).toFixed(1).padStart(5)}%  ${e.name}  ${e.location}\n`);
  }
}
