import type { CallbackDispatcher } from './callbacks/callback.dispatcher';
import type { FaultInjector } from './control/fault.injector';
import type { RequestRecorder } from './control/request.recorder';
import type { SmsSettings } from './seed/sms-seed.schema';
import type { SenderRate } from './state/sender-rate';
import type { SmsState } from './state/sms-state';
import type { Timers } from './util/timers';

/** Everything the routes and services share, built once per simulator. */
export interface SmsContext {
  state: SmsState;
  settings: () => SmsSettings;
  /** Wall-clock ms; injectable so tests can move time. */
  now: () => number;
  timers: Timers;
  dispatcher: CallbackDispatcher;
  faults: FaultInjector;
  recorder: RequestRecorder;
  senderRate: SenderRate;
}
