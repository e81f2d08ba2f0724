// The documents issuer: reads the outbox that the event log fills (migration 0011), and for each
// event issues its documents (domain/documents.ts), once.
//
// One event at a time: lease its queue row (other API replicas skip it; only the oldest pending
// event of an application is leased, so an application's documents are numbered in the order of
// its log), gather the facts from the read model (the investor from the applications row, never
// from Temporal), draw the PDFs outside any transaction, then in one transaction store them with a
// `document_issued` timeline event carrying each one's SHA-256 and delete the queue row. A crash
// anywhere leaves the row to be leased again once its lease ends; the unique (event, kind) key
// and the per-application lock make a second issuer's work a no-op.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { applicationsRepo } from '../../db/repositories/applications';
import { departmentsRepo } from '../../db/repositories/departments';
import { documentsRepo, type QueuedEvent } from '../../db/repositories/documents';
import { eventsRepo } from '../../db/repositories/events';
import { mattersRepo } from '../../db/repositories/matters';
import { stepsRepo } from '../../db/repositories/steps';
import type { ApplicationRow, Database, EventRow, StepRow } from '../../db/schema';
import {
  composeDocument,
  documentKindsFor,
  documentNo,
  type DocumentFacts,
  type DocumentKind,
} from '../../domain/documents';
import {
  isSpecialProcedure,
  SPECIAL_PROCEDURE_LIMIT_DAYS,
  SPECIAL_PROCEDURE_NAMES,
} from '../../domain/special-procedures';
import { renderDocumentPdf } from '../../lib/document-pdf';
import type { Config } from '../../lib/config';
import type { Logger } from '../../lib/logger';

export interface IssuerDeps {
  db: Kysely<Database>;
  config: Pick<Config, 'centerName' | 'publicBaseUrl'>;
  log: Logger;
}

/** Long enough to draw a few pages many times over; a dead issuer's event is taken up after it. */
const LEASE_SECONDS = 60;
/** Events handled per run at most; the next run (a second later) goes on. */
const MAX_EVENTS_PER_RUN = 100;
const SYSTEM = { id: 'system', displayName: '系统' };

/** The public progress page of a case, as the QR code on the acceptance notice opens it. */
export const progressUrl = (config: Pick<Config, 'publicBaseUrl'>, caseNo: string): string =>
  `${config.publicBaseUrl}/progress?caseNo=${encodeURIComponent(caseNo)}`;

interface Prepared {
  id: string;
  n: number;
  kind: DocumentKind;
  title: string;
  supersedes: string | null;
  pdf: Buffer;
  sha256: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

async function factsFor(
  deps: IssuerDeps,
  kind: DocumentKind,
  event: EventRow,
  application: ApplicationRow,
  step: StepRow | undefined,
  departmentName: (code: string) => string,
): Promise<DocumentFacts> {
  const d = event.detail;
  if (kind === 'completion_notice') {
    const steps = await stepsRepo.listByApplication(deps.db, application.id);
    return {
      kind,
      steps: steps
        .filter((s) => s.status === 'approved')
        .sort((a, b) => (a.decided_at?.getTime() ?? 0) - (b.decided_at?.getTime() ?? 0) || a.id.localeCompare(b.id))
        .map((s) => ({
          matterName: s.matter_name,
          departmentName: departmentName(s.department_code),
          decidedAt: s.decided_at?.toISOString() ?? null,
          certificateNo: s.certificate_no,
        })),
    };
  }
  if (!step) throw new Error(`event ${event.event_id} (${event.type}) names no step`);
  const about = { matterName: step.matter_name, departmentName: departmentName(step.department_code) };
  switch (kind) {
    case 'acceptance_notice': {
      const deemed = event.type === 'step_deemed_accepted';
      return {
        kind,
        ...about,
        deemed,
        submittedAt: deemed ? (step.accepted_at?.toISOString() ?? null) : null,
        promisedLimitDays: step.promised_limit_days,
        deadline: str(d.deadline),
        queryPassword: application.query_password,
        progressUrl: progressUrl(deps.config, application.case_no),
      };
    }
    case 'correction_notice':
      return {
        kind,
        ...about,
        items: Array.isArray(d.items) ? d.items.map(String) : (step.supplement_items ?? []),
        reason: str(d.reason) ?? '',
        // Asked for at the window, the step has no deadline yet: the acceptance window restarts.
        beforeAcceptance: !str(d.deadline),
      };
    case 'refusal_decision':
      return {
        kind,
        ...about,
        stage: event.type === 'step_refused_acceptance' ? 'acceptance' : 'licensing',
        reason: str(d.reason) ?? step.reason ?? '',
      };
    case 'fee_notice': {
      // The basis of the catalog version the step runs on (the current one for a step from before versions).
      const matter =
        step.matter_version !== null
          ? await mattersRepo.findVersion(deps.db, step.matter_code, step.matter_version)
          : await mattersRepo.find(deps.db, step.matter_code);
      return { kind, ...about, amountFen: step.fee_amount_fen ?? 0, basis: matter?.fee?.basis ?? null };
    }
    case 'special_procedure_notice': {
      const procedure = isSpecialProcedure(d.procedure) ? d.procedure : null;
      return {
        kind,
        ...about,
        procedureName: procedure ? SPECIAL_PROCEDURE_NAMES[procedure] : String(d.procedure ?? ''),
        reason: str(d.reason) ?? '',
        approvedBy: str(d.approvedBy) ?? '',
        limitDays:
          typeof d.limitDays === 'number' ? d.limitDays : procedure ? SPECIAL_PROCEDURE_LIMIT_DAYS[procedure] : 0,
        endsAt: str(d.endsAt),
      };
    }
  }
}

/** Draws the documents an event issues, numbered after those the application has. */
async function prepare(deps: IssuerDeps, event: EventRow): Promise<{ application: ApplicationRow; docs: Prepared[] }> {
  const application = await applicationsRepo.find(deps.db, event.application_id);
  if (!application) throw new Error(`event ${event.event_id} names an unknown application`);
  const step = event.step_id ? await stepsRepo.find(deps.db, event.step_id) : undefined;
  const kinds = documentKindsFor(event.type, step ? { feeAmountFen: step.fee_amount_fen } : null);
  const names = new Map((await departmentsRepo.list(deps.db)).map((x) => [x.code, x.name]));
  const departmentName = (code: string) => names.get(code) ?? code;
  const docs: Prepared[] = [];
  for (const kind of kinds) {
    const n = (await documentsRepo.count(deps.db, application.id, kind)) + 1;
    const id = documentNo(application.case_no, kind, n);
    const stepId = kind === 'completion_notice' ? null : (event.step_id ?? null);
    const supersedes = (await documentsRepo.current(deps.db, application.id, stepId, kind)) ?? null;
    const facts = await factsFor(deps, kind, event, application, step, departmentName);
    const layout = composeDocument(
      {
        centerName: deps.config.centerName,
        caseNo: application.case_no,
        documentNo: id,
        issuedAt: event.at.toISOString(),
        applicant: { name: application.investor.name, creditCode: application.investor.creditCode },
        project: { name: application.project.name, code: application.project.code ?? null },
        supersedes,
      },
      facts,
    );
    const pdf = await renderDocumentPdf(layout, { issuedAt: event.at, caseNo: application.case_no });
    docs.push({
      id,
      n,
      kind,
      title: layout.title,
      supersedes,
      pdf,
      sha256: createHash('sha256').update(pdf).digest('hex'),
    });
  }
  return { application, docs };
}

/** Issues the documents of one leased event; answers the ids stored (none when another issuer did it). */
async function issueEvent(deps: IssuerDeps, job: QueuedEvent): Promise<string[]> {
  const event = await documentsRepo.sourceEvent(deps.db, job.event_id);
  if (!event) throw new Error(`queued event ${job.event_id} is not in the event log`);
  const { application, docs } = await prepare(deps, event);
  return deps.db.transaction().execute(async (trx) => {
    await documentsRepo.lockApplication(trx, application.id);
    if (!(await documentsRepo.claimForIssue(trx, job.event_id))) return [];
    const issued: string[] = [];
    for (const doc of docs) {
      const stepId = doc.kind === 'completion_notice' ? null : event.step_id;
      // What the page says (its number, what it replaces) must still hold; otherwise draw again.
      const n = (await documentsRepo.count(trx, application.id, doc.kind)) + 1;
      const current = (await documentsRepo.current(trx, application.id, stepId, doc.kind)) ?? null;
      if (n !== doc.n || current !== doc.supersedes)
        throw new Error(`document numbering moved for ${doc.id}; retrying`);
      const inserted = await documentsRepo.insert(trx, {
        id: doc.id,
        application_id: application.id,
        step_id: stepId,
        kind: doc.kind,
        title: doc.title,
        source_event_id: event.event_id,
        source_event_seq: event.id,
        issued_at: event.at,
        sha256: doc.sha256,
        size_bytes: doc.pdf.length,
        pdf: doc.pdf,
        supersedes: doc.supersedes,
      });
      if (!inserted) continue;
      issued.push(doc.id);
      await eventsRepo.append(trx, {
        eventId: `document:${doc.id}`,
        applicationId: application.id,
        stepId,
        event: {
          type: 'document_issued',
          at: new Date().toISOString(),
          actor: SYSTEM,
          detail: {
            documentId: doc.id,
            kind: doc.kind,
            title: doc.title,
            sha256: doc.sha256,
            supersedes: doc.supersedes,
            sourceEventId: event.event_id,
            sourceEventType: event.type,
          },
        },
      });
    }
    await documentsRepo.dequeue(trx, job.event_id);
    return issued;
  });
}

/** Seconds before a failed event is tried again: 5, 10, 20 … up to 10 minutes. */
const retryAfterSeconds = (attempts: number) => Math.min(600, 5 * 2 ** Math.max(0, attempts - 1));

/**
 * Issues the documents of every event waiting in the outbox (up to a bound per run). Safe in any
 * number of API replicas at once. Answers the ids issued and the events that failed this time
 * (kept in the queue with their error, retried with backoff).
 */
export async function issueDocuments(deps: IssuerDeps): Promise<{ issued: string[]; failed: string[] }> {
  const issued: string[] = [];
  const failed: string[] = [];
  for (let i = 0; i < MAX_EVENTS_PER_RUN; i++) {
    const job = await documentsRepo.lease(deps.db, LEASE_SECONDS);
    if (!job) break;
    try {
      issued.push(...(await issueEvent(deps, job)));
    } catch (err) {
      failed.push(job.event_id);
      deps.log.warn({ err, eventId: job.event_id, attempts: job.attempts }, 'issuing documents failed; will retry');
      await documentsRepo.postpone(deps.db, job.event_id, retryAfterSeconds(job.attempts), String(err));
    }
  }
  return { issued, failed };
}
