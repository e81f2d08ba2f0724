// Every migration, by name. Names sort in the order they run.
import type { Migration } from 'kysely';
import * as m0001 from './2026_11_29_0001_initial_schema';

export const migrations: Record<string, Migration> = {
  '2026_11_29_0001_initial_schema': m0001,
};
