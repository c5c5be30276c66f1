import * as fs from 'fs';
import { StartedEngine } from '../../tools/engines';

export default async function globalTeardown(): Promise<void> {
  const started: StartedEngine[] = (globalThis as any).__RAMPART_ENGINES__ ?? [];
  await Promise.all(started.map((e) => e.stop()));
  const cache: string | undefined = (globalThis as any).__RAMPART_GUARD_CACHE__;
  if (cache) fs.rmSync(cache, { recursive: true, force: true });
}
