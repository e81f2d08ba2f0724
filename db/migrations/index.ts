// Every migration, by name. Names sort in the order they run.
import type { Migration } from 'kysely';
import * as m0001 from './2026_11_29_0001_initial_schema';
import * as m0002 from './2026_11_29_0002_engine';
import * as m0003 from './2026_11_29_0003_idempotency_keys';
import * as m0004 from './2026_11_29_0004_audit_log';
import * as m0005 from './2026_11_30_0005_launch_outbox';
import * as m0006 from './2026_11_30_0006_login_failures';
import * as m0007 from './2026_11_30_0007_notice_codes';
import * as m0008 from './2026_11_30_0008_board_index';
import * as m0009 from './2026_11_30_0009_read_side_indexes';
import * as m0010 from './2026_11_30_0010_case_numbers';
import * as m0011 from './2026_11_30_0011_documents';
import * as m0014 from './2026_11_30_0014_notification_deliveries';
import * as m0015 from './2026_11_30_0015_notification_reads';
import * as m0016 from './2026_11_30_0016_ratings';
import * as m0017 from './2026_11_30_0017_complaints';
import * as m0019 from './2026_11_30_0019_read_path_indexes';
import * as m0020 from './2026_11_30_0020_accounts';
import * as m0021 from './2026_11_30_0021_audit_filters';
import * as m0030 from './2026_11_30_0030_project_target';
import * as m0035 from './2026_11_30_0035_assessment';
import * as m0036 from './2026_11_30_0036_accountability';
import * as m0040 from './2026_11_30_0040_matter_versions';
import * as m0041 from './2026_11_30_0041_step_terms';
import * as m0042 from './2026_11_30_0042_special_procedure_notice';
import * as m0045 from './2026_11_30_0045_warnings';
import * as m0050 from './2026_11_30_0050_search_trigram';
import * as m0051 from './2026_11_30_0051_complaint_deliveries';
import * as m0055 from './2026_11_30_0055_decision_days';
import * as m0056 from './2026_11_30_0056_applications_newest_first';

export const migrations: Record<string, Migration> = {
  '2026_11_29_0001_initial_schema': m0001,
  '2026_11_29_0002_engine': m0002,
  '2026_11_29_0003_idempotency_keys': m0003,
  '2026_11_29_0004_audit_log': m0004,
  '2026_11_30_0005_launch_outbox': m0005,
  '2026_11_30_0006_login_failures': m0006,
  '2026_11_30_0007_notice_codes': m0007,
  '2026_11_30_0008_board_index': m0008,
  '2026_11_30_0009_read_side_indexes': m0009,
  '2026_11_30_0010_case_numbers': m0010,
  '2026_11_30_0011_documents': m0011,
  '2026_11_30_0014_notification_deliveries': m0014,
  '2026_11_30_0015_notification_reads': m0015,
  '2026_11_30_0016_ratings': m0016,
  '2026_11_30_0017_complaints': m0017,
  '2026_11_30_0019_read_path_indexes': m0019,
  '2026_11_30_0020_accounts': m0020,
  '2026_11_30_0021_audit_filters': m0021,
  '2026_11_30_0030_project_target': m0030,
  '2026_11_30_0035_assessment': m0035,
  '2026_11_30_0036_accountability': m0036,
  '2026_11_30_0040_matter_versions': m0040,
  '2026_11_30_0041_step_terms': m0041,
  '2026_11_30_0042_special_procedure_notice': m0042,
  '2026_11_30_0045_warnings': m0045,
  '2026_11_30_0050_search_trigram': m0050,
  '2026_11_30_0051_complaint_deliveries': m0051,
  '2026_11_30_0055_decision_days': m0055,
  '2026_11_30_0056_applications_newest_first': m0056,
};
