/**
 * A provider message id as timeline details name it: `wamid` on WhatsApp (as it always has,
 * so reports reading `detail ->> 'wamid'` keep working), `providerMessageId` on other channels.
 */
export function providerIdDetail(channel: string, providerMessageId: string): { wamid: string } | { providerMessageId: string } {
  return channel === 'whatsapp' ? { wamid: providerMessageId } : { providerMessageId };
}
