// W4 memory: the worker's resident memory (VmRSS of /proc/<pid>/status of the worker process)
// with 1,000 and then 10,000 open applications (`sizes`): nine-matter reviews launched through the
// API and left waiting (each has its application workflow and its first step's workflow running,
// the step waiting at the window). After each size, once the read model shows every first step
// submitted and the worker's CPU has settled, RSS is sampled five times a second apart (median).
// Per open application = (RSS at the largest size − RSS at the smallest) / (difference in size).
import fs from 'node:fs';
import v8 from 'node:v8';
import { NINE_MATTERS } from '../scripts/faults/load';
import { CACHED_WORKFLOWS } from '../workers/worker';
import { BenchEnv, inLanes, launch, launchBody, log, Progress, rssKiB, sleep, table } from './common';

export interface W4Options {
  sizes: number[];
  concurrency: number;
}

export interface W4Result {
  options: W4Options;
  idleRssMiB: number;
  points: Array<{ open: number; rssMiB: number; samplesKiB: number[]; launchSeconds: number; settleSeconds: number }>;
  perOpenApplicationKiB: number;
  /** (RSS at the first size − idle RSS) / first size: while every workflow fits the worker's cache. */
  firstSizePerApplicationKiB: number;
  /**
   * The SDK's default sticky cache size on this machine (max(floor((heap limit MiB − 200) × 600 / 1024), 10)
   * with reuseV8Context), unless the worker sets maxCachedWorkflows itself. Each open application
   * here holds two workflows (the application's and its first step's).
   */
  sdkDefaultMaxCachedWorkflows: number;
  targetMet: boolean;
  notes: string[];
}

/** CPU seconds the process has used (user + system), from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime (fields 14 and 15 of the line), in clock ticks: USER_HZ is 100 on Linux.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function rssSamples(pid: number): Promise<number[]> {
  const samples: number[] = [];
  for (let k = 0; k < 5; k++) {
    samples.push(rssKiB(pid));
    await sleep(1000);
  }
  return samples;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mib = (kib: number) => Math.round((kib / 1024) * 10) / 10;

export async function runW4(env: BenchEnv, opts: W4Options): Promise<W4Result> {
  log(`W4 memory: worker RSS with ${opts.sizes.map((s) => s.toLocaleString('en-US')).join(' and ')} open applications`);
  const run = await env.start('w4', { workers: 1 });
  const notes: string[] = [];
  try {
    const pid = run.stack.workers[0]!.pid!;
    await sleep(3000);
    const idle = median(await rssSamples(pid));
    const points: W4Result['points'] = [];
    let launched = 0;
    for (const size of opts.sizes) {
      const t0 = Date.now();
      const from = launched;
      let failures = 0;
      const work = inLanes(size - from, opts.concurrency, async (k) => {
        const i = from + k;
        try {
          await launch(run, `w4-launch-${i}`, launchBody(`内存基准项目 ${i}`, NINE_MATTERS, i));
          launched++;
        } catch (err) {
          failures++;
          if (failures <= 5) notes.push(`launch #${i}: ${err instanceof Error ? err.message : String(err)}`);
        }
      });
      await new Progress(`launching to ${size}`, size).around(work, () => ({
        done: launched,
        extra: `RSS ${mib(rssKiB(pid))} MiB${failures ? `, ${failures} failed` : ''}`,
      }));
      const launchSeconds = (Date.now() - t0) / 1000;

      // Settled: every first step is submitted in the read model, and the worker is (nearly) idle.
      const t1 = Date.now();
      let submitted = 0;
      const settle = (async () => {
        for (;;) {
          const { rows } = await run.pg.query<{ n: string }>(
            `select count(*) as n from steps where matter_code = $1 and status = 'submitted'`,
            [NINE_MATTERS[0]],
          );
          submitted = Number(rows[0]!.n);
          if (submitted >= launched) break;
          if (Date.now() - t1 > 10 * 60_000) {
            notes.push(`at ${size}: only ${submitted} of ${launched} first steps submitted after 10 min`);
            break;
          }
          await sleep(1000);
        }
        for (let tries = 0; tries < 60; tries++) {
          const c0 = cpuSeconds(pid);
          await sleep(2000);
          if ((cpuSeconds(pid) - c0) / 2 < 0.05) break;
        }
      })();
      await new Progress(`settling at ${size}`, launched).around(settle, () => ({
        done: submitted,
        extra: `first steps submitted; RSS ${mib(rssKiB(pid))} MiB`,
      }));
      const samples = await rssSamples(pid);
      points.push({
        open: launched,
        rssMiB: mib(median(samples)),
        samplesKiB: samples,
        launchSeconds: Math.round(launchSeconds),
        settleSeconds: Math.round((Date.now() - t1) / 1000),
      });
      log(`  ${launched} open: worker RSS ${mib(median(samples))} MiB`);
    }
    const first = points[0]!;
    const last = points[points.length - 1]!;
    const perOpenApplicationKiB =
      Math.round(((median(last.samplesKiB) - median(first.samplesKiB)) / (last.open - first.open)) * 10) / 10;
    const firstSizePerApplicationKiB = Math.round(((median(first.samplesKiB) - idle) / first.open) * 10) / 10;
    const heapMiB = v8.getHeapStatistics().heap_size_limit / 2 ** 20;
    const sdkDefaultMaxCachedWorkflows = Math.max(Math.floor((Math.max(heapMiB - 200, 0) * 600) / 1024), 10);
    // The stack's worker runs with the project's own cache size (workers/worker.ts), not the SDK's.
    if (2 * last.open > CACHED_WORKFLOWS) {
      notes.push(
        `${2 * last.open} workflows are open at ${last.open} applications; the worker caches ${CACHED_WORKFLOWS} ` +
          `(WORKER_CACHED_WORKFLOWS; the SDK's own default would be about ${sdkDefaultMaxCachedWorkflows} here): past ` +
          'it the worker evicts workflows (and replays them when they next have work), so RSS grows less than the ' +
          `cost of a cached workflow; while all fit (the first ${first.open}), each application cost ` +
          `${firstSizePerApplicationKiB} KiB`,
      );
    }
    return {
      options: opts,
      idleRssMiB: mib(idle),
      points,
      perOpenApplicationKiB,
      firstSizePerApplicationKiB,
      sdkDefaultMaxCachedWorkflows,
      targetMet: perOpenApplicationKiB < 50,
      notes,
    };
  } finally {
    await run.stop();
  }
}

export function printW4(r: W4Result): void {
  log(`\nW4 memory: the worker's RSS (idle after start: ${r.idleRssMiB} MiB); target < 50 KiB per open application`);
  log(
    table(
      ['open applications', 'worker RSS', 'launch s', 'settle s'],
      r.points.map((p) => [
        p.open.toLocaleString('en-US'),
        `${p.rssMiB} MiB`,
        String(p.launchSeconds),
        String(p.settleSeconds),
      ]),
    ),
  );
  log(
    `per open application: ${r.perOpenApplicationKiB} KiB between the first and the last size ` +
      `(${r.targetMet ? 'meets' : 'MISSES'} the target); ${r.firstSizePerApplicationKiB} KiB each for the first ` +
      `${r.points[0]?.open} (idle → first size)`,
  );
  for (const n of r.notes) log(`  note: ${n}`);
}
