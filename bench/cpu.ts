// CPU time of the benchmark's processes (W1's cost attribution). On this machine the Temporal
// server, the worker, the API, PostgreSQL and the load driver share two cores, so where a review's
// CPU goes is where its time goes: a pass's CPU seconds per completed review, by process, say
// which part of the cost is Temporal's, which PostgreSQL's and which the project's.
import fs from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat (sysconf(_SC_CLK_TCK): 100 on Linux x86-64 and arm64). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  ppid: number;
  /** utime + stime of the process itself. */
  own: number;
  /** cutime + cstime: its children that exited and were waited for. */
  reaped: number;
}

function statOf(pid: number): ProcStat | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3, the state.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) };
  } catch {
    return null; // gone
  }
}

/** Every live process's stat, by pid. */
function allStats(): Map<number, ProcStat> {
  const stats = new Map<number, ProcStat>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = statOf(Number(name));
    if (s) stats.set(Number(name), s);
  }
  return stats;
}

/**
 * A group of processes: each root with its descendants (their own time and their reaped
 * children's), or with `ownOnly` the roots' own time alone (the bench process, parent of all).
 */
export interface CpuGroup {
  roots: number[];
  ownOnly?: boolean;
}

/** CPU seconds used so far by each group. */
export function cpuSeconds(groups: Record<string, CpuGroup>): Record<string, number> {
  const stats = allStats();
  const children = new Map<number, number[]>();
  for (const [pid, s] of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  const out: Record<string, number> = {};
  for (const [name, group] of Object.entries(groups)) {
    let ticks = 0;
    const seen = new Set<number>();
    const visit = (pid: number) => {
      if (seen.has(pid)) return;
      seen.add(pid);
      const s = stats.get(pid);
      if (!s) return;
      ticks += group.ownOnly ? s.own : s.own + s.reaped;
      if (!group.ownOnly) for (const c of children.get(pid) ?? []) visit(c);
    };
    for (const root of group.roots) visit(root);
    out[name] = ticks / TICKS_PER_SECOND;
  }
  return out;
}

/** The difference of two readings, per group. */
export function cpuSince(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - (before[k] ?? 0)]));
}
