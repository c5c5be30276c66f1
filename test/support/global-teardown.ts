import { StartedEngine } from '../../tools/engines';

export default async function globalTeardown(): Promise<void> {
  const started: StartedEngine[] = (globalThis as any).__RAMPART_ENGINES__ ?? [];
  await Promise.all(started.map((e) => e.stop()));
}
