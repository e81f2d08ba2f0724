// A timeline in words: each entry names its event, the matter it concerns and who acted, with
// what the entry carries that the next person needs (items asked for, reasons, notes, urge
// messages, certificate numbers, deadlines), never raw codes.
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { formatDeadline, formatTime, useDepartments, useMatters, yuan } from './components';
import zhCN from './locales/zh-CN';
import type { TimelineEvent } from './types';

const isEvent = (type: string): type is keyof typeof zhCN.events => Object.hasOwn(zhCN.events, type);
const isProcedure = (p: unknown): p is keyof typeof zhCN.procedures =>
  typeof p === 'string' && Object.hasOwn(zhCN.procedures, p);
const isOpinion = (o: unknown): o is 'agree' | 'disagree' | 'agree_forward' =>
  o === 'agree' || o === 'disagree' || o === 'agree_forward';

export const eventName = (t: TFunction, type: string) => (isEvent(type) ? t(`events.${type}`) : type);

/** The parts of an event's detail a person reads, in words. */
export function eventDetails(
  t: TFunction,
  e: TimelineEvent,
  names: { department: (code: string) => string; matter: (code: string) => string },
): string[] {
  const d = (e.detail ?? {}) as Record<string, unknown>;
  const out: string[] = [];
  const str = (k: string) => (typeof d[k] === 'string' && d[k] !== '' ? (d[k] as string) : undefined);
  if (Array.isArray(d.items) && d.items.length)
    out.push(t('timeline.items', { n: d.items.length, items: d.items.join('；') }));
  if (isProcedure(d.procedure)) out.push(t('timeline.procedure', { procedure: t(`procedures.${d.procedure}`) }));
  if (typeof d.limitDays === 'number') out.push(t('timeline.limitDays', { n: d.limitDays }));
  if (str('endsAt')) out.push(t('timeline.endsAt', { at: formatDeadline(str('endsAt')) }));
  if (str('approvedBy')) out.push(t('timeline.approvedBy', { name: str('approvedBy') }));
  if (isOpinion(d.opinion)) {
    const dep = str('departmentCode');
    out.push(`${dep ? `${names.department(dep)}：` : ''}${t(`sessions.${d.opinion}`)}`);
  }
  if (str('reason') && e.type !== 'step_deadline_recomputed') out.push(t('timeline.reason', { text: str('reason') }));
  if (str('note')) out.push(t('timeline.note', { text: str('note') }));
  if (str('message')) out.push(t('timeline.message', { text: str('message') }));
  if (str('answer')) out.push(t('timeline.answer', { text: str('answer') }));
  if (str('reply')) out.push(t('timeline.reply', { text: str('reply') }));
  if (typeof d.round === 'number' && d.round > 1) out.push(t('timeline.round', { n: d.round }));
  if (str('minutes')) out.push(t('timeline.minutes', { text: str('minutes') }));
  if (str('certificateNo')) out.push(t('timeline.certificate', { no: str('certificateNo') }));
  if (typeof d.workdays === 'number') out.push(t('timeline.workdays', { n: d.workdays }));
  if (typeof d.pausedWorkdays === 'number' && d.pausedWorkdays > 0)
    out.push(t('timeline.paused', { n: d.pausedWorkdays }));
  if (typeof d.amountFen === 'number') out.push(t('timeline.amount', { amount: yuan(d.amountFen) }));
  if (str('receiptNo')) out.push(t('timeline.receipt', { no: str('receiptNo') }));
  if (str('caseId') && typeof d.level === 'number') out.push(t('timeline.case', { level: d.level }));
  if (typeof d.attempt === 'number' && d.attempt > 1) out.push(t('fields.attempt', { n: d.attempt }));
  if (Array.isArray(d.reasons) && d.reasons.length) {
    out.push(
      (d.reasons as string[])
        .map((r) => {
          const [kind = '', code = ''] = r.split(':');
          return kind === 'rejected' || kind === 'failed'
            ? t(`timeline.attention_${kind}`, { matter: names.matter(code) })
            : t('timeline.attention_disagreement');
        })
        .join('；'),
    );
  }
  const deadline = str('deadline');
  if (deadline && e.type !== 'step_light_yellow') out.push(t('timeline.deadline', { at: formatDeadline(deadline) }));
  else if (deadline) out.push(t('timeline.due', { at: formatDeadline(deadline) }));
  return out;
}

/** The timeline of an application (or of one step), oldest first. */
export function Timeline({
  events,
  matterOfStep,
  showMatter = true,
}: {
  events: TimelineEvent[];
  /** The matter name of a step id (the timeline names the matter of each step's entry). */
  matterOfStep: (stepId: string) => string | undefined;
  showMatter?: boolean;
}) {
  const { t } = useTranslation();
  const departments = useDepartments();
  const matters = useMatters();
  return (
    <ol className="timeline">
      {events.map((e, i) => {
        const matter = e.stepId ? matterOfStep(e.stepId) : undefined;
        const details = eventDetails(t, e, {
          department: departments.name,
          matter: matters.name,
        });
        return (
          <li key={i} data-event={e.type}>
            <time>{formatTime(e.at)}</time> <strong>{eventName(t, e.type)}</strong>
            {showMatter && matter && <span className="timeline-matter"> · {matter}</span>}
            <span className="muted"> · {e.actor.displayName}</span>
            {details.length > 0 && <div className="timeline-detail">{details.join(' · ')}</div>}
          </li>
        );
      })}
    </ol>
  );
}
