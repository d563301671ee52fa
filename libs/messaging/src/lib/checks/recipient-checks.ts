import { Injectable } from '@nestjs/common';
import { SwitchboardError } from '@switchboard/error-taxonomy';
import type { ChannelScope, ResolvedSender } from '../channels/channel-host.port';
import { SuppressionsService } from '../suppressions.service';
import { recipientSuppressed, testRecipientRefusal } from './pre-send-refusals';

/**
 * The recipient checks every channel shares, at accept and again at send time: the sender's
 * allowed recipients (a test number) and the environment's suppression list for the channel.
 */
@Injectable()
export class RecipientChecks {
  constructor(private readonly suppressions: SuppressionsService) {}

  async refusal(scope: ChannelScope, channel: string, sender: ResolvedSender | null, recipient: string, senderAddress: string): Promise<SwitchboardError | null> {
    if (!sender) return senderGone(senderAddress);
    const notAllowed = testRecipientRefusal(sender.testRecipients, recipient);
    if (notAllowed) return notAllowed;
    if (await this.suppressions.isSuppressed(scope, channel, recipient)) return recipientSuppressed(recipient);
    return null;
  }
}

function senderGone(address: string): SwitchboardError {
  return new SwitchboardError({
    code: 'validation_failed',
    message: 'The sender is not (or no longer) registered in this environment',
    details: [{ path: 'from', issue: `no sender ${address.slice(0, 32)} in this tenant environment` }],
  });
}
