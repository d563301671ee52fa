// Child process of run.ts: the Meta simulator on its own core, with limits
// raised so the benchmark measures the client and the wire, not Meta's rules.
import { createMetaSimulator, demoSeed, DEMO_IDS, WHATSAPP_MESSAGING_SCOPE } from '@switchboard/meta-simulator';
import type { BenchChildMessage, BenchParentMessage } from './bench-messages';

async function main(): Promise<void> {
  const token = process.env['BENCH_TOKEN'] ?? '';
  const recipient = process.env['BENCH_RECIPIENT'] ?? '';
  const seed = demoSeed();
  seed.tokens = [
    ...(seed.tokens ?? []),
    { token, appId: DEMO_IDS.appId, scopes: [WHATSAPP_MESSAGING_SCOPE], wabaIds: [DEMO_IDS.wabaId], expiresAt: 0 },
  ];
  seed.phoneNumbers = (seed.phoneNumbers ?? []).map((p) => ({ ...p, mps: 1_000_000 }));
  seed.simulation = {
    ...seed.simulation,
    pairRate: { burst: 1_000_000_000, refillIntervalMs: 1 },
    recordLimit: 0,
  };
  const sim = await createMetaSimulator({ seed, graphVersion: 'v24.0' });
  const openWindow = async (): Promise<void> => {
    await sim.simulateInbound({ phoneNumberId: DEMO_IDS.phoneNumberId, from: recipient, text: 'bench' });
  };
  const url = await sim.listen({ host: '127.0.0.1', port: 0 });
  await openWindow();

  const send = (message: BenchChildMessage): void => {
    process.send?.(message);
  };
  process.on('message', (message: BenchParentMessage) => {
    switch (message.type) {
      case 'reset':
        // Between phases: same empty state for both loops.
        sim.reset();
        void openWindow().then(() => send({ type: 'reset-done' }));
        return;
      case 'stop':
        void sim.close().then(() => process.exit(0));
        return;
    }
  });
  send({ type: 'ready', url });
}

main().catch((error: unknown) => {
  console.error('simulator process failed', error);
  process.exit(1);
});
