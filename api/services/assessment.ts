// The assessment table of a period: the figures of every department (or every window staff member)
// read from the read model, scored with the weights in force (domain/assessment.ts).
//
// Who a staff member answers for: the step attempts they decided (the actor of the decision in the
// timeline): those decisions, the supervision cases of those attempts, the complaints upheld about
// those steps and the ratings of them; and the accountability records naming them. What is tied to
// no decision (a case on a step still open, a complaint naming no step, a complaint's late reply)
// counts for the department only.
import type { Kysely } from 'kysely';
import {
  caseAnsweredLate,
  DEFAULT_WEIGHTS,
  emptyFigures,
  rankedRows,
  SCORE_RULE,
  WEIGHT_FIELDS,
  type AssessmentFigures,
  type AssessmentPeriod,
  type AssessmentRow,
  type AssessmentView,
  type AssessmentWeights,
  type AssessmentWeightsView,
} from '../../domain/assessment';
import { assessmentRepo } from '../../db/repositories/assessment';
import { departmentsRepo } from '../../db/repositories/departments';
import type { AssessmentWeightsRow, Database } from '../../db/schema';

export type WeightsView = AssessmentWeightsView;

export function toWeightsView(row: AssessmentWeightsRow | undefined): WeightsView {
  if (!row) return { version: 0, weights: { ...DEFAULT_WEIGHTS }, changedBy: null, changedAt: null, rule: SCORE_RULE };
  // A field added after a version was published takes its default.
  const weights = Object.fromEntries(
    WEIGHT_FIELDS.map((f) => [f, typeof row.weights[f] === 'number' ? row.weights[f] : DEFAULT_WEIGHTS[f]]),
  ) as AssessmentWeights;
  return {
    version: row.version,
    weights,
    changedBy: { id: row.changed_by, displayName: row.changed_by_name },
    changedAt: row.changed_at.toISOString(),
    rule: SCORE_RULE,
  };
}

export const currentWeights = async (db: Kysely<Database>): Promise<WeightsView> =>
  toWeightsView(await assessmentRepo.currentWeights(db));

interface Subject {
  key: string;
  name: string;
  departmentCode: string | null;
  /** Listed even without figures (every department, every active staff member). */
  always: boolean;
}

async function subjectsOf(db: Kysely<Database>, by: AssessmentView): Promise<Subject[]> {
  if (by === 'department') {
    return (await departmentsRepo.list(db)).map((d) => ({
      key: d.code,
      name: d.name,
      departmentCode: d.code,
      always: true,
    }));
  }
  const staff = await db
    .selectFrom('users')
    .select(['id', 'display_name', 'department_code', 'disabled'])
    .where('role', '=', 'staff')
    .orderBy('display_name')
    .execute();
  return staff.map((u) => ({
    key: u.id,
    name: u.display_name,
    departmentCode: u.department_code,
    always: !u.disabled,
  }));
}

/** The figures of each subject in the period (keyed by department code or user id). */
export async function assessmentFigures(
  db: Kysely<Database>,
  period: AssessmentPeriod,
  by: AssessmentView,
  now: Date,
): Promise<Map<string, AssessmentFigures>> {
  const [decisions, ratings, cases, complaints, records] = await Promise.all([
    assessmentRepo.decisions(db, period, by),
    assessmentRepo.ratings(db, period, by),
    assessmentRepo.cases(db, period),
    assessmentRepo.complaintsUpheld(db, period),
    assessmentRepo.accountability(db, period),
  ]);
  const figures = new Map<string, AssessmentFigures>();
  const of = (key: string | null | undefined): AssessmentFigures | undefined => {
    if (!key) return undefined;
    let f = figures.get(key);
    if (!f) figures.set(key, (f = emptyFigures()));
    return f;
  };
  for (const d of decisions) {
    const f = of(d.key)!;
    f.decided += d.decided;
    f.onTime += d.on_time;
    f.overdue += d.overdue;
    f.workdaysUsedSum += d.used_sum ?? 0;
    f.workdaysUsedCount += d.used_count;
    f.promisedWorkdaysSum += d.promised_sum ?? 0;
  }
  for (const r of ratings) {
    const f = of(r.key)!;
    f.ratingsCount += r.count;
    f.ratingsSum += r.sum;
  }
  for (const c of cases) {
    const f = of(by === 'department' ? c.department_code : c.decided_by);
    if (!f) continue;
    f.casesOpened++;
    if (caseAnsweredLate({ dueAt: c.due_at, closedAt: c.closed_at, outcome: c.outcome }, now)) f.casesAnsweredLate++;
  }
  for (const c of complaints) {
    const f = of(by === 'department' ? c.department_code : c.decided_by);
    if (f) f.complaintsUpheld++;
  }
  for (const a of records) {
    const f = of(by === 'department' ? a.department_code : a.person_id);
    if (f) f.accountability++;
  }
  return figures;
}

/** The assessment table of a period, scored with `weights` and ranked. */
export async function assessmentTable(
  db: Kysely<Database>,
  period: AssessmentPeriod,
  by: AssessmentView,
  weights: AssessmentWeights,
  now = new Date(),
): Promise<AssessmentRow[]> {
  const [subjects, figures] = await Promise.all([subjectsOf(db, by), assessmentFigures(db, period, by, now)]);
  // Only the departments and staff members known: a decision by the system (none today) or by a
  // user who is not window staff is left out of the staff view, never shown as an unnamed row.
  return rankedRows(
    subjects
      .filter((s) => s.always || figures.has(s.key))
      .map((s) => ({
        key: s.key,
        name: s.name,
        departmentCode: s.departmentCode,
        figures: figures.get(s.key) ?? emptyFigures(),
      })),
    weights,
  );
}
