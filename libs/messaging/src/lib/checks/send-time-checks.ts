import { Injectable } from '@nestjs/common';
import type { SwitchboardError } from '@switchboard/error-taxonomy';
import { ChannelHosts } from '../channels/channel-hosts';
import type { MessageEntity } from '../persistence/message.entity';
import { RecipientChecks } from './recipient-checks';

/**
 * "The checks run again at send time": a message can wait (scheduledAt, a retry, a backlog)
 * while its sender goes, its recipient is suppressed or leaves a test number's list, or its
 * channel's state changes (WhatsApp: the window closes, the template is paused). The send
 * worker calls `check` just before the vendor call; a refusal is returned, not thrown, so the
 * worker records it as the message's failure instead of retrying it.
 */
@Injectable()
export class SendTimeChecks {
  constructor(
    private readonly hosts: ChannelHosts,
    private readonly recipients: RecipientChecks,
  ) {}

  /** Null when the message may go now; else the refusal, in the taxonomy, that accept would have given. */
  async check(message: MessageEntity): Promise<SwitchboardError | null> {
    const host = this.hosts.get(message.channel);
    // Fresh, not accept's short-lived copy: a changed test-number list applies to the next send.
    const sender = await host.resolveSender(message, message.sender, { fresh: true });
    return (await this.recipients.refusal(message, message.channel, sender, message.to, message.sender)) ?? (await host.recheck(message));
  }
}
