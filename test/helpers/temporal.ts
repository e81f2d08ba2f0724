// Temporal test environments on the locally installed binaries (no downloads here).
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalCliPath, temporalTestServerPath } from '../../lib/paths';
import { SEARCH_ATTRIBUTE_REGISTRATION, SearchAttr } from '../../workflows/shared';

const IndexedValueType = temporal.api.enums.v1.IndexedValueType;
const INDEXED_TYPES = {
  Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KeywordList: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  Datetime: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
};

/** A real dev server (Updates, visibility, search attributes). */
export function createDevServerEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      searchAttributes: Object.values(SearchAttr),
      extraArgs: ['--log-level', 'error'],
    },
  });
}

/** The Java time-skipping test server, for timers over working days. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
  // The test server silently refuses to start a child that carries an unregistered search attribute.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      Object.entries(SEARCH_ATTRIBUTE_REGISTRATION).map(([name, type]) => [name, INDEXED_TYPES[type]]),
    ),
  });
  return env;
}
