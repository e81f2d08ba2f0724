// One joint review (联合审批): starts each department step as a child workflow once the
// matters it depends on are approved (并联审批 within a stage), and follows them to the end.
import {
  allHandlersFinished,
  condition,
  proxyActivities,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { ApplicationStatus } from '../domain/model';
import { FailureType, SearchAttr, stepWorkflowId, type ApplicationWorkflowInput, type StepResult } from './shared';
import { stepWorkflow } from './step';

const acts = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: [FailureType.InvalidInput],
  },
});

const SYSTEM = { id: 'system', displayName: '系统' };

type StepProgress = 'blocked' | 'running' | 'approved' | 'rejected';

export async function applicationWorkflow(input: ApplicationWorkflowInput): Promise<ApplicationStatus> {
  const progress = new Map<string, StepProgress>(input.steps.map((s) => [s.matterCode, 'blocked']));
  const finished: StepResult[] = [];
  const app = { status: 'in_progress' as ApplicationStatus };
  let seq = 0;

  const setStatus = async (next: ApplicationStatus, type: string, detail: Record<string, unknown>) => {
    app.status = next;
    upsertSearchAttributes([{ key: SearchAttr.applicationStatus, value: next }]);
    await acts.projectApplication({
      workflowId: workflowInfo().workflowId,
      seq: ++seq,
      applicationId: input.applicationId,
      status: next,
      event: { type, at: new Date().toISOString(), actor: SYSTEM, detail },
    });
  };

  const startReadySteps = async () => {
    for (const step of input.steps) {
      if (progress.get(step.matterCode) !== 'blocked') continue;
      if (!step.prerequisites.every((p) => progress.get(p) === 'approved')) continue;
      progress.set(step.matterCode, 'running');
      const child = await startChild(stepWorkflow, {
        workflowId: stepWorkflowId(input.applicationId, step.matterCode),
        args: [
          {
            applicationId: input.applicationId,
            stepId: step.stepId,
            matterCode: step.matterCode,
            departmentCode: step.departmentCode,
            promisedLimitDays: step.promisedLimitDays,
            attempt: 1,
          },
        ],
        typedSearchAttributes: [
          { key: SearchAttr.applicationId, value: input.applicationId },
          { key: SearchAttr.departmentCodes, value: [step.departmentCode] },
        ],
      });
      void child.result().then((r) => finished.push(r));
    }
  };

  await startReadySteps();

  while ([...progress.values()].some((p) => p !== 'approved')) {
    await condition(() => finished.length > 0);
    const result = finished.shift()!;
    progress.set(result.matterCode, result.outcome);
    if (result.outcome === 'approved') {
      await startReadySteps();
    } else if (app.status !== 'needs_attention') {
      await setStatus('needs_attention', 'application_needs_attention', {
        stepId: result.stepId,
        matterCode: result.matterCode,
        reason: result.reason,
      });
    }
  }

  await setStatus('completed', 'application_completed', {});
  await condition(allHandlersFinished);
  return app.status;
}
