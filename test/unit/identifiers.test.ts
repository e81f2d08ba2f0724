import { normalizePhone, PHONE_PATTERN } from '../../domain/identifiers';

describe('phone numbers as people type them', () => {
  it.each([
    ['138 0000 0000', '13800000000'],
    ['138-0000-0000', '13800000000'],
    [' 138\u30000000－0000 ', '13800000000'],
    ['+86 138 0000 0000', '13800000000'],
    ['0086-13800000000', '13800000000'],
    ['0470-1234567', '04701234567'],
    ['(0470) 123 4567', '04701234567'],
    ['（010）1234-5678', '01012345678'],
  ])('when %j is typed, then %j is checked and stored', (typed, stored) => {
    expect(normalizePhone(typed)).toBe(stored);
    expect(PHONE_PATTERN.test(normalizePhone(typed))).toBe(true);
  });

  it.each(['1380000', '23800000000', '138 0000 0000 1', 'abc', '+1 415 555 0100'])(
    'when %j is typed, then it is still refused',
    (typed) => {
      expect(PHONE_PATTERN.test(normalizePhone(typed))).toBe(false);
    },
  );
});
