import { MESSAGE_ID_PATTERN, newMessageId } from './message-id';

describe('newMessageId', () => {
  it('is msg_ + a 26-character ULID that sorts by creation time', () => {
    const earlier = newMessageId(1_700_000_000_000);
    const later = newMessageId(1_700_000_000_001);
    expect(earlier).toMatch(MESSAGE_ID_PATTERN);
    expect(earlier < later).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => newMessageId())).size).toBe(1000);
  });
});
