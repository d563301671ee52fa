import { SwitchboardError } from '@switchboard/error-taxonomy';

export function notFound(message: string, path?: string): SwitchboardError {
  return new SwitchboardError({ code: 'not_found', message, ...(path ? { details: [{ path, issue: message }] } : {}) });
}

export function invalid(path: string, issue: string, message = 'The request is not valid'): SwitchboardError {
  return new SwitchboardError({ code: 'validation_failed', message, details: [{ path, issue }] });
}
