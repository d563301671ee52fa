import type { SimulationSettings } from './seed/simulator-seed.schema';
import type { ConversationWindowStore } from './limits/conversation-window.store';
import type { PairRateLimiter } from './limits/pair-rate.limiter';
import type { ThroughputLimiter } from './limits/throughput.limiter';
import type { FaultInjector } from './control/fault.injector';
import type { RequestRecorder } from './control/request.recorder';
import type { SimulatorState } from './state/simulator-state';
import type { RandomSource } from './util/seeded-random';
import type { TimerRegistry } from './util/timer-registry';
import type { StatusScheduler } from './webhooks/status.scheduler';
import type { WebhookDispatcher } from './webhooks/webhook.dispatcher';

/** Everything a route needs, built once per simulator and handed to each route module. */
export interface SimulatorContext {
  state: SimulatorState;
  settings: () => SimulationSettings;
  /** Wall-clock milliseconds; injectable so tests can move time. */
  now: () => number;
  random: RandomSource;
  throughput: ThroughputLimiter;
  pairRate: PairRateLimiter;
  windows: ConversationWindowStore;
  scheduler: StatusScheduler;
  dispatcher: WebhookDispatcher;
  faults: FaultInjector;
  recorder: RequestRecorder;
  timers: TimerRegistry;
  /** Base URL once listening (used in paging links and media URLs). */
  baseUrl: () => string;
  graphVersion: string;
}
