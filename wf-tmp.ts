import { rmSync } from 'node:fs';
import { TraceService } from './src/core/trace-service';
(async () => {
  const service = new TraceService({ cacheDir: '/tmp/bd/wfcache', watch: false });
  const opened = await service.openPath({ path: '/tmp/bd/wf100k.jsonl' }); if (!opened.ok) throw new Error(opened.error);
  await service.whenIdle();
  const sourceId = opened.value[0].sourceId;
  const sessionId = (await service.listSessions({ sourceId, offset: 0, limit: 1 })).rows[0].sessionId;
  for (let i = 0; i < 5; i++) {
    (service as any).sources.get(sourceId).trees.clear();
    const t = performance.now();
    const w = await service.getWaterfall({ sourceId, sessionId, collapsedKeys: [], offset: 0, limit: 200 });
    if (!w.ok) throw new Error(w.error);
    console.log('cold window', i, (performance.now() - t).toFixed(0), 'ms');
  }
  await service.close();
})();
