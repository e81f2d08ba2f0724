import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';

/** What every router needs; app.ts builds routers from it, tests build it around a random port. */
export interface AppDeps {
  config: Config;
  db: Kysely<Database>;
  temporal: Client;
  log: Logger;
}
