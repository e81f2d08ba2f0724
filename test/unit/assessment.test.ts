import {
  caseAnsweredLate,
  DEFAULT_WEIGHTS,
  emptyFigures,
  monthOf,
  monthsEndingWith,
  parsePeriod,
  quarterOf,
  rankedRows,
  scoreOf,
  weightProblems,
  type AssessmentFigures,
  type AssessmentWeights,
} from '../../domain/assessment';

const figures = (over: Partial<AssessmentFigures>): AssessmentFigures => ({ ...emptyFigures(), ...over });
const weights = (over: Partial<AssessmentWeights> = {}): AssessmentWeights => ({ ...DEFAULT_WEIGHTS, ...over });

describe('assessment periods', () => {
  it('when a month is named, then it runs from Beijing midnight of its first day to that of the next month', () => {
    const p = parsePeriod('2026-11')!;
    expect(p.kind).toBe('month');
    expect(p.from.toISOString()).toBe('2026-10-31T16:00:00.000Z');
    expect(p.to.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(p.months).toEqual(['2026-11']);
    const december = parsePeriod('2026-12')!;
    expect(december.to.toISOString()).toBe('2026-12-31T16:00:00.000Z');
  });

  it('when a quarter is named, then it covers its three months', () => {
    const q = parsePeriod('2026-Q4')!;
    expect(q.kind).toBe('quarter');
    expect(q.months).toEqual(['2026-10', '2026-11', '2026-12']);
    expect(q.from.toISOString()).toBe('2026-09-30T16:00:00.000Z');
    expect(q.to.toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(parsePeriod('2026-Q1')!.months).toEqual(['2026-01', '2026-02', '2026-03']);
  });

  it('when a period is malformed, then it names none', () => {
    for (const bad of [
      '2026-13',
      '2026-00',
      '2026-Q5',
      '2026-Q0',
      '26-11',
      '2026-1',
      '2026/11',
      '',
      '2026-11-01',
      '1999-01',
    ]) {
      expect(parsePeriod(bad)).toBeNull();
    }
  });

  it('when an instant is near midnight in Beijing, then it falls in the Beijing month and quarter', () => {
    expect(monthOf(new Date('2026-09-30T16:30:00Z'))).toBe('2026-10');
    expect(quarterOf(new Date('2026-09-30T16:30:00Z'))).toBe('2026-Q4');
    expect(quarterOf(new Date('2026-09-30T15:30:00Z'))).toBe('2026-Q3');
  });

  it('when months ending with one are asked for, then they run across the year', () => {
    expect(monthsEndingWith('2027-02', 4)).toEqual(['2026-11', '2026-12', '2027-01', '2027-02']);
  });
});

describe('the score', () => {
  it('when everything is on time, on the day, and rated 5 with nothing against it, then the score is 100', () => {
    const f = figures({
      decided: 4,
      onTime: 4,
      workdaysUsedSum: 0,
      workdaysUsedCount: 4,
      promisedWorkdaysSum: 40,
      ratingsCount: 2,
      ratingsSum: 10,
    });
    expect(scoreOf(f, weights())).toBe(100);
  });

  it('when a part has no figures, then the score is shared over the others', () => {
    // No ratings: on time (weight 50) fully, speed (20) half: (50 + 10) / 70.
    const f = figures({ decided: 2, onTime: 2, workdaysUsedSum: 5, workdaysUsedCount: 2, promisedWorkdaysSum: 10 });
    expect(scoreOf(f, weights())).toBe(Math.round((6000 / 70) * 10) / 10);
  });

  it('when nothing was decided and nobody rated, then there is no score', () => {
    expect(scoreOf(figures({ casesOpened: 3 }), weights())).toBeNull();
  });

  it('when deductions exceed the points, then the score is 0', () => {
    const f = figures({ decided: 1, onTime: 0, overdue: 1, accountability: 20 });
    expect(scoreOf(f, weights())).toBe(0);
  });

  it('when the weights change, then the score changes with them', () => {
    const f = figures({
      decided: 10,
      onTime: 8,
      overdue: 2,
      workdaysUsedSum: 30,
      workdaysUsedCount: 10,
      promisedWorkdaysSum: 100,
      casesOpened: 2,
      casesAnsweredLate: 1,
      ratingsCount: 4,
      ratingsSum: 14,
    });
    // Earned: 50 × 0.8 + 20 × 0.7 + 30 × 0.625 = 72.75; deducted 2×2 + 1×2 + 3×1 = 9.
    expect(scoreOf(f, weights())).toBe(63.8);
    // Only punctuality counts, nothing is deducted.
    const punctual = weights({ speed: 0, ratings: 0, overdue: 0, casesOpened: 0, casesAnsweredLate: 0 });
    expect(scoreOf(f, punctual)).toBe(80);
    // Overdue decisions cost 10 each.
    expect(scoreOf(f, weights({ overdue: 10 }))).toBe(47.8);
  });

  it('when a department is slower than promised, then speed earns nothing but does not go negative', () => {
    const f = figures({ decided: 1, onTime: 1, workdaysUsedSum: 15, workdaysUsedCount: 1, promisedWorkdaysSum: 10 });
    expect(scoreOf(f, weights({ onTimeRate: 0, ratings: 0 }))).toBe(0);
  });
});

describe('the ranking', () => {
  it('when rows are ranked, then the best comes first, equal scores share a rank and unscored rows come last', () => {
    const rows = rankedRows(
      [
        { key: 'A', name: 'A', departmentCode: 'A', figures: figures({ decided: 2, onTime: 1 }) },
        { key: 'B', name: 'B', departmentCode: 'B', figures: emptyFigures() },
        { key: 'C', name: 'C', departmentCode: 'C', figures: figures({ decided: 1, onTime: 1 }) },
        { key: 'D', name: 'D', departmentCode: 'D', figures: figures({ decided: 4, onTime: 4 }) },
        { key: 'E', name: 'E', departmentCode: 'E', figures: figures({ decided: 2, onTime: 1 }) },
      ],
      weights(),
    );
    expect(rows.map((r) => [r.key, r.rank, r.score])).toEqual([
      ['C', 1, 100],
      ['D', 1, 100],
      ['A', 3, 50],
      ['E', 3, 50],
      ['B', null, null],
    ]);
    expect(rows[2]).toMatchObject({ onTimeRate: 0.5, avgWorkdaysUsed: null, ratingsAvg: null });
  });
});

describe('weights', () => {
  it('when weights are negative, not numbers, too large or earn nothing, then each problem names its field', () => {
    expect(weightProblems({ ...DEFAULT_WEIGHTS })).toEqual([]);
    expect(weightProblems({ ...DEFAULT_WEIGHTS, overdue: -1, speed: 'x', ratings: 5000 }).map((p) => p.field)).toEqual([
      'speed',
      'ratings',
      'overdue',
    ]);
    expect(weightProblems({ ...DEFAULT_WEIGHTS, onTimeRate: 0, speed: 0, ratings: 0 })).toEqual([
      { field: 'onTimeRate', message: expect.stringContaining('at least one') },
    ]);
  });
});

describe('supervision cases answered late', () => {
  const due = new Date('2026-11-10T10:00:00Z');
  const now = new Date('2026-11-20T00:00:00Z');
  it('when a case went up a level, was answered after its due time or is still open past it, then it is late', () => {
    expect(caseAnsweredLate({ dueAt: due, closedAt: due, outcome: 'escalated' }, now)).toBe(true);
    expect(caseAnsweredLate({ dueAt: due, closedAt: new Date('2026-11-10T11:00:00Z'), outcome: 'answered' }, now)).toBe(
      true,
    );
    expect(caseAnsweredLate({ dueAt: due, closedAt: null, outcome: null }, now)).toBe(true);
  });
  it('when a case was answered in time, closed by the decision before its due time or is open within it, then it is not late', () => {
    expect(caseAnsweredLate({ dueAt: due, closedAt: new Date('2026-11-10T09:00:00Z'), outcome: 'answered' }, now)).toBe(
      false,
    );
    expect(caseAnsweredLate({ dueAt: due, closedAt: new Date('2026-11-09T09:00:00Z'), outcome: 'decided' }, now)).toBe(
      false,
    );
    expect(caseAnsweredLate({ dueAt: due, closedAt: null, outcome: null }, new Date('2026-11-10T09:00:00Z'))).toBe(
      false,
    );
  });
});
