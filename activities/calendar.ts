// The working-time source now lives in lib/working-time.ts (the API needs it too and must not
// import worker-side modules); re-exported here for the activities' existing imports.
export { createWorkingTimeSource, type WorkingTimeSource } from '../lib/working-time';
