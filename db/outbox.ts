// The outbox side of notifications: each change that writes a timeline event and notices also
// enqueues, in the same transaction, the messages to send outside the app (so a committed notice
// is never without its deliveries, and a rolled-back one has none):
// - an email per in-app notice to each user of its audience who asked for email (users.notify_by);
// - an SMS to the investor's contact phone when the event is one the investor is told of
//   (domain/messages.ts `investorMessagesFor`: acceptance, a correction request, a decision, a fee due).
// Addresses are read here from the database: personal data never passes through a workflow.
// The words come from domain/messages.ts; api/delivery/dispatcher.ts sends what is enqueued.
import { randomUUID } from 'node:crypto';
import {
  investorMessagesFor,
  investorSms,
  noticeEmail,
  type ApplicationRef,
  type NoticeSubject,
} from '../domain/messages';
import type { TimelineEvent } from '../domain/projection';
import { applicationsRepo } from './repositories/applications';
import { deliveriesRepo, type NewDelivery } from './repositories/deliveries';
import type { InsertedNotification } from './repositories/notifications';
import { stepsRepo } from './repositories/steps';
import { usersRepo } from './repositories/users';
import type { ApplicationRow } from './schema';

type Db = Parameters<typeof deliveriesRepo.enqueue>[0];

/** How a message names the application: its case number (the one printed on the acceptance notice). */
export const applicationRef = (app: ApplicationRow): ApplicationRef => ({
  caseRef: app.case_no,
  projectName: app.project.name,
});

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

export async function enqueueDeliveries(
  trx: Db,
  c: {
    eventId: string;
    applicationId: string;
    stepId: string | null;
    event: TimelineEvent;
    /** False when the event was logged before (a retried or replayed projection): nothing new to tell. */
    eventIsNew: boolean;
    /** The notices inserted by this change (none when they were inserted before). */
    notifications: InsertedNotification[];
  },
): Promise<void> {
  // Most changes tell nobody outside the app: no reads then, on the projections' hot path.
  const mayTellInvestor =
    c.eventIsNew &&
    c.stepId !== null &&
    investorMessagesFor(c.event.type, { feeAmountFen: 0, feePaid: true }).length > 0;
  if (!mayTellInvestor && c.notifications.length === 0) return;
  const app = await applicationsRepo.find(trx, c.applicationId);
  if (!app) return;
  const ref = applicationRef(app);
  const rows: NewDelivery[] = await noticeEmails(trx, { ...c, about: ref });
  const phone = text(app.investor.phone);
  if (mayTellInvestor && c.stepId && phone) {
    const step = await stepsRepo.find(trx, c.stepId);
    if (step) {
      const detail = c.event.detail;
      const kinds = investorMessagesFor(c.event.type, {
        feeAmountFen: step.fee_amount_fen,
        feePaid: step.fee_paid_at !== null,
      });
      for (const kind of kinds) {
        rows.push({
          id: randomUUID(),
          dedupeKey: `event:${c.eventId}:sms:investor:${kind}`,
          eventId: c.eventId,
          notificationId: null,
          applicationId: c.applicationId,
          kind,
          channel: 'sms',
          recipientUserId: null,
          recipient: phone,
          subject: null,
          body: investorSms(kind, {
            ...ref,
            matterName: step.matter_name,
            deadline: text(detail.deadline) ?? step.deadline?.toISOString() ?? null,
            items: Array.isArray(detail.items) ? detail.items.map(String) : [],
            reason: text(detail.reason),
            certificateNo: text(detail.certificateNo),
            feeAmountFen: step.fee_amount_fen,
          }),
        });
      }
    }
  }
  await deliveriesRepo.enqueue(trx, rows);
}

/** An email per in-app notice to each user of its audience who asked for email. */
async function noticeEmails(
  trx: Db,
  c: { eventId: string; applicationId: string | null; notifications: InsertedNotification[]; about: NoticeSubject },
): Promise<NewDelivery[]> {
  const rows: NewDelivery[] = [];
  for (const n of c.notifications) {
    const readers = await usersRepo.emailSubscribers(trx, {
      userId: n.audience_user_id,
      role: n.audience_role,
      departmentCode: n.audience_department,
    });
    for (const reader of readers) {
      const { subject, text: body } = noticeEmail(n.code, n.params, c.about, { displayName: reader.display_name });
      rows.push({
        id: randomUUID(),
        dedupeKey: `notice:${n.id}:email:${reader.id}`,
        eventId: c.eventId,
        notificationId: n.id,
        applicationId: c.applicationId,
        kind: n.code,
        channel: 'email',
        recipientUserId: reader.id,
        recipient: reader.email,
        subject,
        body,
      });
    }
  }
  return rows;
}

/** The emails of a complaint's or rectification task's notices, in the transaction of its report. */
export async function enqueueComplaintDeliveries(
  trx: Db,
  c: { eventId: string; complaintId: string; notifications: InsertedNotification[] },
): Promise<void> {
  if (c.notifications.length === 0) return;
  await deliveriesRepo.enqueue(
    trx,
    await noticeEmails(trx, {
      eventId: c.eventId,
      applicationId: null,
      notifications: c.notifications,
      about: { complaintNo: c.complaintId },
    }),
  );
}
