import { creditCodeCheckChar, creditCodeProblem, isValidCreditCode } from '../../domain/credit-code';

describe('unified social credit code', () => {
  it('when the check character is right, then the code is valid', () => {
    // A published code (Huawei Technologies Co., Ltd.).
    expect(isValidCreditCode('914403001922038216')).toBe(true);
    expect(creditCodeCheckChar('91440300192203821')).toBe('6');
  });

  it('when one character is changed, then the check fails', () => {
    expect(creditCodeProblem('914403001922038215')).toBe('check character does not match');
    expect(creditCodeProblem('914403001922038226')).toBe('check character does not match');
  });

  it('when the length or alphabet is wrong, then the problem says so', () => {
    expect(creditCodeProblem('91440300192203821')).toBe('must be 18 characters');
    expect(creditCodeProblem('9144030019220382I6')).toMatch(/may only contain/);
    expect(creditCodeProblem('9144030019220382Z6')).toMatch(/may only contain/);
  });
});
