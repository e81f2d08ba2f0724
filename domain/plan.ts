// The plan of a joint review: the chosen matters closed under their prerequisites,
// ordered so that every matter comes after the matters it depends on.

export interface PlanMatter {
  code: string;
  prerequisites: readonly string[];
}

export interface PlannedStep {
  matterCode: string;
  prerequisites: string[];
  /** 0 for matters with no prerequisites; otherwise one more than the deepest prerequisite. */
  level: number;
  /** True when the officer did not choose the matter but a chosen matter needs it. */
  addedAsPrerequisite: boolean;
}

export class PlanError extends Error {
  constructor(
    message: string,
    readonly unknownCodes: string[] = [],
    readonly cycle: string[] = [],
  ) {
    super(message);
  }
}

/** A cycle in the prerequisite graph as a path that starts and ends at the same code, or null. */
export function findCycle(catalog: ReadonlyMap<string, PlanMatter>): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (code: string): string[] | null => {
    const seen = state.get(code);
    if (seen === 'done') return null;
    if (seen === 'visiting') return [...stack.slice(stack.indexOf(code)), code];
    state.set(code, 'visiting');
    stack.push(code);
    for (const pre of catalog.get(code)?.prerequisites ?? []) {
      const cycle = visit(pre);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(code, 'done');
    return null;
  };
  for (const code of [...catalog.keys()].sort()) {
    const cycle = visit(code);
    if (cycle) return cycle;
  }
  return null;
}

export function buildPlan(catalog: ReadonlyMap<string, PlanMatter>, chosen: readonly string[]): PlannedStep[] {
  const unknown = [...new Set(chosen)].filter((c) => !catalog.has(c));
  if (unknown.length > 0) throw new PlanError(`unknown matter codes: ${unknown.join(', ')}`, unknown);

  const chosenSet = new Set(chosen);
  const included = new Set<string>();
  const pending = [...chosenSet];
  while (pending.length > 0) {
    const code = pending.pop()!;
    if (included.has(code)) continue;
    const matter = catalog.get(code);
    if (!matter) throw new PlanError(`matter ${code} needs an unknown prerequisite`, [code]);
    included.add(code);
    pending.push(...matter.prerequisites);
  }

  const sub = new Map([...included].map((c) => [c, catalog.get(c)!]));
  const cycle = findCycle(sub);
  if (cycle) throw new PlanError(`prerequisite cycle: ${cycle.join(' → ')}`, [], cycle);

  const levels = new Map<string, number>();
  const levelOf = (code: string): number => {
    const known = levels.get(code);
    if (known !== undefined) return known;
    const pres = sub.get(code)!.prerequisites;
    const level = pres.length === 0 ? 0 : 1 + Math.max(...pres.map(levelOf));
    levels.set(code, level);
    return level;
  };

  return [...included]
    .map((code) => ({
      matterCode: code,
      prerequisites: [...sub.get(code)!.prerequisites].sort(),
      level: levelOf(code),
      addedAsPrerequisite: !chosenSet.has(code),
    }))
    .sort((a, b) => a.level - b.level || a.matterCode.localeCompare(b.matterCode));
}
