import { chmodSync } from 'node:fs';
import { afterEach, beforeEach } from 'vitest';
import { TraceService, type TraceServiceOptions } from '../../src/core/trace-service';
import type { SourceInfo } from '../../src/shared/contract/wire-types';
import { makeTempDir } from './temp-dir';

// One copy of the per-test setup the engine's integration tests share: temp source and cache folders, services closed after each test.
export function useTraceServiceHarness(prefix: string) {
  let dir: { path: string; remove: () => void };
  let cache: { path: string; remove: () => void };
  let services: TraceService[] = [];

  beforeEach(() => {
    dir = makeTempDir(prefix);
    cache = makeTempDir('tracelight-cache-');
  });

  afterEach(async () => {
    await Promise.all(services.map((s) => s.close()));
    services = [];
    // A test may have made the folder read-only; give it back to its owner so it can be removed.
    chmodSync(dir.path, 0o700);
    dir.remove();
    cache.remove();
  });

  return {
    /** The current test's source folder. */
    get dir(): string {
      return dir.path;
    },
    /** The current test's cache folder. */
    get cacheDir(): string {
      return cache.path;
    },
    /** A service on this test's cache folder, closed after the test (closing it sooner is fine). */
    makeService(watch = true, options: Omit<TraceServiceOptions, 'cacheDir' | 'watch'> = {}): TraceService {
      const service = new TraceService({ ...options, cacheDir: cache.path, watch });
      services.push(service);
      return service;
    },
    /** Opens `path`, which must open, and returns its (first) source. */
    async openOne(service: TraceService, path: string): Promise<SourceInfo> {
      const opened = await service.openPath({ path });
      if (!opened.ok) throw new Error(opened.error);
      return opened.value[0];
    },
  };
}
