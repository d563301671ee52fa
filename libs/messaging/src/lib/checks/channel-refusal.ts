import type { Issue } from '@switchboard/channel-contract';
import { SwitchboardError } from '@switchboard/error-taxonomy';

const MESSAGES: Partial<Record<Issue['code'], string>> = {
  validation_failed: 'The message still holds an un-substituted placeholder or breaks a rule of the channel',
  media_invalid: 'A media link breaks the media rules: https only, no URL shorteners, a file type the kind allows',
};

/** The channel's pre-send issues as one refusal: the first issue's code, every issue of that code as a detail. */
export function channelRefusal(issues: readonly Issue[]): SwitchboardError {
  const code = issues[0]?.code ?? 'validation_failed';
  return new SwitchboardError({
    code,
    message: MESSAGES[code] ?? 'The channel refused the message',
    details: issues.filter((issue) => issue.code === code).map(({ path, issue }) => ({ path, issue })),
  });
}
