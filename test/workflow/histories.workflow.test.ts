// Determinism and history size. The main scenario — a nine-step joint review with a
// correction, an overdue step escalated, a rejection and a resubmission — runs on the
// time-skipping server; its histories must stay well under Temporal's 10,240-event warning.
// With RECORD_HISTORIES=1 (npm run record:histories) the workflow harness writes the history of
// every workflow run of every workflow test to test/histories/ (commit them); every committed
// history is replayed against the current workflow code, so a change that breaks running
// workflows fails here, naming the file (see README: changing workflow code).
import fs from 'node:fs';
import path from 'node:path';
import type { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import {
  acceptUpdate,
  answerCaseUpdate,
  decideUpdate,
  recordPaymentUpdate,
  requestSupplementUpdate,
  resubmitUpdate,
  supplementUpdate,
} from '../../workflows/shared';
import { createTimeSkippingEnv } from '../helpers/temporal';
import {
  cashier,
  historiesDir,
  historyFromJson,
  recordingHistories,
  staff,
  WorkflowHarness,
} from '../helpers/workflow-harness';

/** Events per workflow execution; Temporal warns at 10,240. */
const HISTORY_BOUND = 1_000;

let env: TestWorkflowEnvironment;
let h: WorkflowHarness;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  h = await WorkflowHarness.create(env);
  await h.start();
});

afterAll(async () => {
  await h?.close();
  await env?.teardown();
});

const NINE_STEPS = [
  { code: 'PROJECT-FILING', dept: 'DRC', days: 1 },
  { code: 'LAND-PREREVIEW', dept: 'NRB', pre: ['PROJECT-FILING'], days: 10 },
  { code: 'FOREST-LAND', dept: 'FGB', pre: ['PROJECT-FILING'], days: 10 },
  { code: 'EIA-FORM', dept: 'EEB', pre: ['PROJECT-FILING'], days: 15 },
  { code: 'SOIL-WATER', dept: 'WRB', pre: ['PROJECT-FILING'], days: 10 },
  { code: 'LAND-USE-PLANNING', dept: 'NRB', pre: ['LAND-PREREVIEW'], days: 7 },
  { code: 'WORKS-PLANNING', dept: 'NRB', pre: ['LAND-USE-PLANNING'], days: 7, fee: 50000 },
  { code: 'FIRE-DESIGN', dept: 'HUD', pre: ['WORKS-PLANNING'], days: 10 },
  {
    code: 'CONSTRUCTION-PERMIT',
    dept: 'HUD',
    pre: ['WORKS-PLANNING', 'FIRE-DESIGN', 'EIA-FORM', 'FOREST-LAND'],
    days: 5,
  },
];

describe('workflow histories', () => {
  it('when a nine-step review runs with a correction, an escalation and a resubmission, then each history stays under the bound', async () => {
    const { applicationId: id, handle } = await h.launch(NINE_STEPS);
    const step = (m: string) => h.step(id, m);
    const accept = async (m: string, d: string) => {
      await h.started(id, m);
      await step(m).executeUpdate(acceptUpdate, { args: [{ actor: staff(d) }] });
    };
    const approve = async (m: string, d: string, certificateNo?: string) =>
      step(m).executeUpdate(decideUpdate, { args: [{ actor: staff(d), outcome: 'approved', certificateNo }] });

    await accept('PROJECT-FILING', 'DRC');
    await approve('PROJECT-FILING', 'DRC');

    await accept('LAND-PREREVIEW', 'NRB');
    await step('LAND-PREREVIEW').executeUpdate(requestSupplementUpdate, {
      args: [{ actor: staff('NRB'), items: ['勘测定界图'], reason: '材料不全' }],
    });
    await step('LAND-PREREVIEW').executeUpdate(supplementUpdate, { args: [{ actor: h.officer, note: '已补齐' }] });
    await approve('LAND-PREREVIEW', 'NRB');

    await accept('EIA-FORM', 'EEB');
    await step('EIA-FORM').executeUpdate(decideUpdate, {
      args: [{ actor: staff('EEB'), outcome: 'rejected', reason: '未落实污染防治措施' }],
    });
    for (let i = 0; i < 100 && (await h.state(id, 'EIA-FORM')).attempt === 1; i++) {
      await handle
        .executeUpdate(resubmitUpdate, { args: [{ actor: h.officer, matterCode: 'EIA-FORM', note: '已补充措施' }] })
        .catch(() => new Promise((r) => setTimeout(r, 100)));
    }
    await accept('EIA-FORM', 'EEB');
    await approve('EIA-FORM', 'EEB');

    await accept('SOIL-WATER', 'WRB');
    await approve('SOIL-WATER', 'WRB');
    await accept('LAND-USE-PLANNING', 'NRB');
    await approve('LAND-USE-PLANNING', 'NRB');
    await accept('WORKS-PLANNING', 'NRB');
    await step('WORKS-PLANNING').executeUpdate(recordPaymentUpdate, {
      args: [{ actor: cashier, amountFen: 50000, receiptNo: 'R-2026-001' }],
    });
    await approve('WORKS-PLANNING', 'NRB', 'JSGC-2026-001');
    await accept('FIRE-DESIGN', 'HUD');
    await approve('FIRE-DESIGN', 'HUD');

    // Forest-land review overruns: red, a level-1 case, escalation to level 2, answered.
    const forest = await (async () => {
      await accept('FOREST-LAND', 'FGB');
      return h.state(id, 'FOREST-LAND');
    })();
    await h.sleepUntil(forest.deadline!);
    const cases = async () =>
      h.db.db.selectFrom('supervision_cases').selectAll().where('application_id', '=', id).orderBy('level').execute();
    await h.sleepUntil((await cases())[0]!.due_at.toISOString());
    const open = (await cases()).find((c) => c.status === 'open')!;
    expect(open.level).toBe(2);
    await step('FOREST-LAND').executeUpdate(answerCaseUpdate, {
      args: [{ actor: staff('FGB'), caseId: open.id, answer: '已完成现场核查，即日办结' }],
    });
    await approve('FOREST-LAND', 'FGB');

    await accept('CONSTRUCTION-PERMIT', 'HUD');
    await approve('CONSTRUCTION-PERMIT', 'HUD', 'SG-2026-001');
    expect(await handle.result()).toBe('completed');

    const executions = [handle.workflowId, ...NINE_STEPS.map((m) => step(m.code).workflowId)];
    const lengths: Record<string, number> = {};
    for (const workflowId of executions) {
      const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
      lengths[workflowId] = history.events?.length ?? 0;
    }
    console.log(`history lengths (events): ${JSON.stringify(lengths)}`);
    for (const [workflowId, length] of Object.entries(lengths)) {
      expect({ workflowId, length: Math.min(length, HISTORY_BOUND + 1) }).toEqual({ workflowId, length });
      expect(length).toBeLessThanOrEqual(HISTORY_BOUND);
    }
  });

  // While recording, the corpus is being rewritten: npm run record:histories replays it afterwards.
  (recordingHistories() ? it.skip : it)(
    'when committed histories are replayed on the current workflow code, then none diverges',
    async () => {
      const dir = historiesDir();
      const files = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort();
      expect(files.length).toBeGreaterThanOrEqual(10);
      const failures: string[] = [];
      // Read one at a time as the replayer asks for them; a file that does not even parse fails by name.
      function* histories(): Generator<{ workflowId: string; history: temporal.api.history.v1.IHistory }> {
        for (const file of files) {
          let history: temporal.api.history.v1.IHistory;
          try {
            history = historyFromJson(fs.readFileSync(path.join(dir, file), 'utf8'));
          } catch (err) {
            failures.push(`${file}: unreadable: ${String(err)}`);
            continue;
          }
          yield { workflowId: file, history };
        }
      }
      let replayed = 0;
      for await (const result of Worker.runReplayHistories(
        { workflowsPath: require.resolve('../../workflows') },
        histories(),
      )) {
        replayed++;
        if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
      }
      console.log(`replayed ${replayed} histories from ${dir}`);
      expect(failures).toEqual([]);
      expect(replayed).toBe(files.length);
    },
  );
});
