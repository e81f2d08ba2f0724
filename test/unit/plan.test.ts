import { buildPlan, findCycle, PlanError, type PlanMatter } from '../../domain/plan';

const catalog = new Map<string, PlanMatter>(
  [
    { code: 'FILING', prerequisites: [] },
    { code: 'LAND', prerequisites: ['FILING'] },
    { code: 'EIA', prerequisites: ['FILING'] },
    { code: 'PLANNING', prerequisites: ['LAND'] },
    { code: 'PERMIT', prerequisites: ['PLANNING', 'EIA'] },
  ].map((m) => [m.code, m]),
);

describe('plan of a joint review', () => {
  it('when the officer forgets prerequisites, then they are added and marked', () => {
    const plan = buildPlan(catalog, ['PERMIT']);
    expect(plan.map((p) => [p.matterCode, p.level, p.addedAsPrerequisite])).toEqual([
      ['FILING', 0, true],
      ['EIA', 1, true],
      ['LAND', 1, true],
      ['PLANNING', 2, true],
      ['PERMIT', 3, false],
    ]);
  });

  it('when matters share a prerequisite, then they sit on the same level (run in parallel)', () => {
    const plan = buildPlan(catalog, ['LAND', 'EIA']);
    expect(plan.filter((p) => p.level === 1).map((p) => p.matterCode)).toEqual(['EIA', 'LAND']);
  });

  it('when a code is unknown, then the error names it', () => {
    expect(() => buildPlan(catalog, ['LAND', 'NOPE'])).toThrow(PlanError);
    try {
      buildPlan(catalog, ['NOPE']);
    } catch (e) {
      expect((e as PlanError).unknownCodes).toEqual(['NOPE']);
    }
  });

  it('when prerequisites form a cycle, then the cycle is named', () => {
    const cyclic = new Map(catalog);
    cyclic.set('FILING', { code: 'FILING', prerequisites: ['PERMIT'] });
    expect(findCycle(cyclic)).toEqual(['FILING', 'PERMIT', 'PLANNING', 'LAND', 'FILING']);
    expect(findCycle(catalog)).toBeNull();
    expect(() => buildPlan(cyclic, ['LAND'])).toThrow(/prerequisite cycle/);
  });
});
