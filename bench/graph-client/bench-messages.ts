/** IPC between run.ts and simulator.process.ts. */
export type BenchParentMessage = { type: 'reset' } | { type: 'stop' };
export type BenchChildMessage = { type: 'ready'; url: string } | { type: 'reset-done' };
