import { SwitchboardError } from '@switchboard/error-taxonomy';

/** The SwitchboardError a promise rejects with; fails the test when it resolves or rejects with anything else. */
export async function caughtSwitchboardError(promise: Promise<unknown>): Promise<SwitchboardError> {
  try {
    await promise;
  } catch (error) {
    if (SwitchboardError.isSwitchboardError(error)) return error;
    throw new Error(`expected a SwitchboardError, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  throw new Error('expected the call to fail');
}
