// The load: N nine-matter reviews launched by the officer and carried to completion by the
// department windows and the cashier, each acting on what the application's page shows (the way
// the UI does: accept a submitted step, pay a fee that is due, approve with a certificate number).
// `concurrency` applications are in flight at any time.
import { ApiClient, errorMessage, type Reply } from './http';
import { sleep } from './processes';

export const NINE_MATTERS = [
  'PROJECT-FILING',
  'LAND-PREREVIEW',
  'FOREST-LAND',
  'EIA-FORM',
  'SOIL-WATER',
  'LAND-USE-PLANNING',
  'WORKS-PLANNING',
  'FIRE-DESIGN',
  'CONSTRUCTION-PERMIT',
];

export const DEPARTMENTS = ['DRC', 'NRB', 'FGB', 'EEB', 'WRB', 'HUD'];

interface StepView {
  id: string;
  matterCode: string;
  departmentCode: string;
  status: string;
  acceptedAt: string | null;
  escalationLevel?: number;
  fee: { amountFen: number; paidAt: string | null } | null;
}

interface ApplicationView {
  id: string;
  status: string;
  steps: StepView[];
}

export interface LoadOptions {
  apps: number;
  concurrency: number;
  /** Distinguishes the rounds' project names and keys. */
  tag: string;
  /** Every n-th application keeps its project filing undecided long enough to open supervision cases (0 = none). */
  holdEvery: number;
  /** The training clock's working day, to know how long "three working days" is. */
  workdaySeconds: number;
  /** An application not completed by then counts as not completed. */
  appTimeoutMs: number;
}

export interface Tokens {
  officer: string;
  cashier: string;
  staff: Record<string, string>;
}

export class LoadDriver {
  /** Project name → application id, for every launch the API confirmed. */
  readonly launched = new Map<string, string>();
  readonly completedIds = new Set<string>();
  /** Successful decisions: when their (last) attempt was sent, and when the answer came. */
  readonly decisions: Array<{ sentAt: number; at: number }> = [];
  /** Unexpected answers, by kind (a few examples kept). */
  readonly surprises = new Map<string, { count: number; examples: string[] }>();
  readonly failures: string[] = [];
  /** Step actions the API answered 2xx (first answers and replays): each must be in the timeline. */
  readonly acknowledged = new Map<string, Set<'accept' | 'payment' | 'decision'>>();
  private started = 0;
  private stopped = false;

  constructor(
    private readonly client: ApiClient,
    private readonly tokens: Tokens,
    private readonly opts: LoadOptions,
    private readonly apis: number,
  ) {}

  get completed(): number {
    return this.completedIds.size;
  }

  projectName(i: number): string {
    return `故障演练项目 ${this.opts.tag}-${String(i).padStart(4, '0')}`;
  }

  stop(): void {
    this.stopped = true;
  }

  private surprise(kind: string, example: string): void {
    const s = this.surprises.get(kind) ?? { count: 0, examples: [] };
    s.count++;
    if (s.examples.length < 3) s.examples.push(example);
    this.surprises.set(kind, s);
  }

  /**
   * Held applications (every `holdEvery`-th in the first 60 %) wait working days on their project
   * filing; they run beside the lanes instead of holding one, so the load keeps its pace.
   */
  private held(i: number): boolean {
    const n = this.opts.holdEvery;
    return n > 0 && i % n === Math.floor(n / 2) && i < this.opts.apps * 0.6;
  }

  async run(): Promise<void> {
    const next = () => (this.started < this.opts.apps && !this.stopped ? this.started++ : null);
    const one = async (i: number) => {
      try {
        await this.oneApplication(i);
      } catch (err) {
        this.failures.push(`application #${i}: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    const aside: Array<Promise<void>> = [];
    const lane = async () => {
      for (let i = next(); i !== null; i = next()) {
        if (this.held(i)) aside.push(one(i));
        else await one(i);
      }
    };
    await Promise.all(Array.from({ length: this.opts.concurrency }, lane));
    await Promise.all(aside);
  }

  private async oneApplication(i: number): Promise<void> {
    const name = this.projectName(i);
    const api = i % this.apis;
    const launch = await this.client.write(
      'POST',
      '/api/applications',
      this.tokens.officer,
      {
        project: { name, investmentWanYuan: 1000 + i, location: '根河市', industry: '新能源' },
        investor: {
          name: '根河新能源有限公司',
          creditCode: '91150785MA0N2XY41M',
          contactName: '李明',
          phone: '13800000000',
        },
        matters: NINE_MATTERS,
      },
      `launch-${this.opts.tag}-${i}`,
      api,
    );
    if (launch.status !== 201 && launch.status !== 200) {
      throw new Error(`launch answered ${launch.status}: ${JSON.stringify(launch.body)}`);
    }
    const id = (launch.body as ApplicationView).id;
    this.launched.set(name, id);

    const hold = this.held(i);
    const intents = new Map<string, number>();
    const deadline = Date.now() + this.opts.appTimeoutMs;
    while (!this.stopped) {
      if (Date.now() > deadline) throw new Error(`${id} not completed after ${this.opts.appTimeoutMs / 1000} s`);
      const r = await this.client.get(`/api/applications/${id}`, this.tokens.officer, api);
      if (r.status !== 200) {
        this.surprise(`GET application ${r.status}`, `${id}: ${JSON.stringify(r.body)}`);
        await sleep(500);
        continue;
      }
      const app = r.body as ApplicationView;
      if (app.status === 'completed') {
        this.completedIds.add(id);
        return;
      }
      const actions = app.steps.map((s) => this.act(s, hold, intents, api));
      const acted = (await Promise.all(actions)).some(Boolean);
      if (!acted) await sleep(400);
    }
  }

  /** A new key for a new intent: after an answered refusal, the next try is a new request. */
  private key(intents: Map<string, number>, base: string): string {
    return `${base}#${intents.get(base) ?? 0}`;
  }

  private refused(intents: Map<string, number>, base: string): void {
    intents.set(base, (intents.get(base) ?? 0) + 1);
  }

  /** One step's next action, if it has one now; true when something was sent. */
  private async act(s: StepView, hold: boolean, intents: Map<string, number>, api: number): Promise<boolean> {
    const staff = this.tokens.staff[s.departmentCode]!;
    if (s.status === 'submitted') {
      const base = `accept-${s.id}`;
      const r = await this.client.write('POST', `/api/steps/${s.id}/accept`, staff, {}, this.key(intents, base), api);
      this.judge(r, 'accept', s, intents, base, /cannot accept: the step is|the step is (approved|no longer open)/);
      return true;
    }
    if (s.status !== 'in_review') return false;

    if (hold && s.matterCode === 'PROJECT-FILING' && s.acceptedAt) {
      const level = s.escalationLevel ?? 0;
      if (level === 2) {
        // The window answers the second-level case (its timeline shows the answer), then waits on.
        const caseId = `${s.id}-A1-L2`;
        const base = `answer-${caseId}`;
        if ((intents.get(base) ?? 0) === 0) {
          const r = await this.client.write(
            'POST',
            `/api/supervision/cases/${caseId}/answer`,
            staff,
            { answer: '已督促经办人，加快办理' },
            this.key(intents, base),
            api,
          );
          if (r.status !== 200) this.surprise(`answer case ${r.status}`, `${caseId}: ${errorMessage(r)}`);
          this.refused(intents, base); // answered once either way
          return true;
        }
      }
      const holdUntil = Date.parse(s.acceptedAt) + 3.5 * this.opts.workdaySeconds * 1000;
      if (Date.now() < holdUntil) return false;
    }

    if (s.fee && s.fee.amountFen > 0 && !s.fee.paidAt) {
      const base = `pay-${s.id}`;
      const r = await this.client.write(
        'POST',
        `/api/steps/${s.id}/payment`,
        this.tokens.cashier,
        { amountFen: s.fee.amountFen, receiptNo: `R-${s.id}` },
        this.key(intents, base),
        api,
      );
      this.judge(r, 'payment', s, intents, base, /paid already/);
      return true;
    }

    const base = `decide-${s.id}`;
    const r = await this.client.write(
      'POST',
      `/api/steps/${s.id}/decision`,
      staff,
      { outcome: 'approved', certificateNo: `CERT-${s.id}` },
      this.key(intents, base),
      api,
    );
    if (r.status === 200 && !r.replayed) this.decisions.push({ sentAt: r.sentAt, at: Date.now() });
    this.judge(r, 'decision', s, intents, base, /cannot approve: the step is approved|the step is approved/);
    return true;
  }

  /**
   * 2xx: done. A 409 saying the step already moved (`expected`): someone's earlier attempt went
   * through; the page shows it at the next look. Any other refusal: the next try is a new intent
   * (a new key), and an unexpected one is counted for the report.
   */
  private judge(
    r: Reply,
    action: 'accept' | 'payment' | 'decision',
    s: StepView,
    intents: Map<string, number>,
    base: string,
    expected: RegExp,
  ) {
    if (r.status >= 200 && r.status < 300) {
      this.acknowledged.set(s.id, (this.acknowledged.get(s.id) ?? new Set()).add(action));
      return;
    }
    this.refused(intents, base);
    const message = errorMessage(r);
    if (r.status === 409 && expected.test(message)) return;
    // A step shown as submitted a moment before its workflow runs, or a page a moment behind.
    if (r.status === 409 && /blocked|no longer open|cannot approve: the step is submitted|unpaid/.test(message)) return;
    this.surprise(`${action} ${r.status}`, `${s.id} (${s.status}): ${message || JSON.stringify(r.body)}`);
  }
}
