\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit
-- src/crm/config.sql
-- Settings of the CRM views: the clock (referral_crm.as_of), the reporting
-- period and thresholds (crm_config, one row), SLAs per priority, reminder
-- rules and expected reimbursement per payer class.  All are tables so
-- that every session sees the same business rules; pg_dump keeps them.

CREATE FUNCTION referral_crm.crm_now() RETURNS timestamptz
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT coalesce(nullif(pg_catalog.current_setting('referral_crm.as_of', true), '')::timestamptz,
                        pg_catalog.now()) $$;
COMMENT ON FUNCTION referral_crm.crm_now() IS
  'the clock of the CRM views: the setting referral_crm.as_of if set, else now()';

CREATE TABLE referral_crm.crm_config (
  singleton             boolean PRIMARY KEY DEFAULT true CONSTRAINT crm_config_one_row CHECK (singleton),
  period                interval NOT NULL DEFAULT '90 days'
                        CONSTRAINT crm_config_period_positive CHECK (period > interval '0'),
  at_risk_fraction      numeric NOT NULL DEFAULT 0.25
                        CONSTRAINT crm_config_at_risk_range CHECK (at_risk_fraction BETWEEN 0 AND 1),
  never_scheduled_grace interval NOT NULL DEFAULT '30 days'
                        CONSTRAINT crm_config_grace_nonnegative CHECK (never_scheduled_grace >= interval '0'),
  repeat_call_window    interval NOT NULL DEFAULT '7 days'
                        CONSTRAINT crm_config_window_positive CHECK (repeat_call_window > interval '0'),
  repeat_call_threshold integer NOT NULL DEFAULT 2
                        CONSTRAINT crm_config_threshold_range CHECK (repeat_call_threshold >= 2),
  cost_per_manual_call  numeric(10,2) NOT NULL DEFAULT 6.00
                        CONSTRAINT crm_config_call_cost_nonnegative CHECK (cost_per_manual_call >= 0),
  revenue_basis         text NOT NULL DEFAULT 'expected'
                        CONSTRAINT crm_config_revenue_basis CHECK (revenue_basis IN ('expected', 'charges')),
  referrer_min_volume   integer NOT NULL DEFAULT 3
                        CONSTRAINT crm_config_min_volume_positive CHECK (referrer_min_volume >= 1),
  growth_threshold      numeric NOT NULL DEFAULT 0.25
                        CONSTRAINT crm_config_growth_positive CHECK (growth_threshold > 0),
  decline_threshold     numeric NOT NULL DEFAULT 0.25
                        CONSTRAINT crm_config_decline_range CHECK (decline_threshold > 0 AND decline_threshold < 1),
  confidence_z          float8 NOT NULL DEFAULT 1.959963984540054
                        CONSTRAINT crm_config_z_positive CHECK (confidence_z > 0),
  cohort_min_n          integer NOT NULL DEFAULT 20
                        CONSTRAINT crm_config_cohort_min_positive CHECK (cohort_min_n >= 1),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  time_zone             text NOT NULL DEFAULT 'UTC'
                        CONSTRAINT crm_config_time_zone CHECK (now() AT TIME ZONE time_zone IS NOT NULL),
  route_on_insert       boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE referral_crm.crm_config IS
  'one row: reporting period, SLA at-risk fraction, leakage grace, repeated-call rule, ROI and referrer-trend thresholds, calendar time zone';
COMMENT ON COLUMN referral_crm.crm_config.time_zone IS
  'the organisation''s time zone: dates, weekdays, hours and months of scoring features, routing attributes, analytics and message texts are taken in it, whatever the session''s TimeZone (calendar_zone())';
COMMENT ON COLUMN referral_crm.crm_config.route_on_insert IS
  'route each new active referral without a queue as it is inserted (trigger referrals_route_on_insert); kept by pg_dump with the row';
INSERT INTO referral_crm.crm_config DEFAULT VALUES;

CREATE TABLE referral_crm.sla_policies (
  priority         text PRIMARY KEY CHECK (referral_crm.check_code('priority', priority)),
  first_contact    interval NOT NULL CONSTRAINT sla_policies_contact_positive CHECK (first_contact > interval '0'),
  scheduled_within interval NOT NULL CONSTRAINT sla_policies_schedule_positive CHECK (scheduled_within > interval '0'),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT sla_policies_order CHECK (scheduled_within >= first_contact)
);
COMMENT ON TABLE referral_crm.sla_policies IS
  'SLA per priority, counted from receipt: first contact with the patient, and an appointment booked';
INSERT INTO referral_crm.sla_policies (priority, first_contact, scheduled_within) VALUES
  ('stat', '1 day', '2 days'), ('asap', '1 day', '5 days'),
  ('urgent', '2 days', '10 days'), ('routine', '3 days', '30 days');

CREATE TABLE referral_crm.reminder_rules (
  rule_code   text PRIMARY KEY,
  task_type   text NOT NULL CHECK (referral_crm.check_code('task_type', task_type)),
  fire_after  interval NOT NULL CONSTRAINT reminder_rules_after_nonnegative CHECK (fire_after >= interval '0'),
  due_within  interval NOT NULL CONSTRAINT reminder_rules_due_positive CHECK (due_within > interval '0'),
  lookback    interval CONSTRAINT reminder_rules_lookback_positive CHECK (lookback > interval '0'),
  enabled     boolean NOT NULL DEFAULT true,
  description text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT reminder_rules_known CHECK (rule_code IN ('no-contact', 'prior-auth-pending',
    'no-appointment-after-acceptance', 'no-show-follow-up', 'report-owed'))
);
COMMENT ON TABLE referral_crm.reminder_rules IS
  'the reminder rules of generate_tasks(): when each fires (fire_after its trigger time) and how long the task has';
COMMENT ON COLUMN referral_crm.reminder_rules.lookback IS
  'ignore triggers that fired longer ago than this (NULL: no limit), so that enabling a rule does not flood the queues with history';
INSERT INTO referral_crm.reminder_rules (rule_code, task_type, fire_after, due_within, lookback, description) VALUES
  ('no-contact', 'contact-patient', '48 hours', '1 day', NULL,
   'no contact with the patient within 48 hours of receipt'),
  ('prior-auth-pending', 'prior-auth', '0', '2 days', NULL,
   'prior authorisation required or pending on an open referral'),
  ('no-appointment-after-acceptance', 'schedule', '7 days', '2 days', NULL,
   'no appointment booked 7 days after the referral was accepted'),
  ('no-show-follow-up', 'no-show-follow-up', '0', '1 day', '30 days',
   'the patient missed the appointment and nothing has been rebooked'),
  ('report-owed', 'send-report', '3 days', '4 days', '30 days',
   'the referred visit took place but no consult report has gone back to the referrer (CMS50 loop closure)');

CREATE TABLE referral_crm.payer_rates (
  payer_class            text PRIMARY KEY CHECK (referral_crm.check_code('payer_class', payer_class)),
  expected_reimbursement numeric(12,2) NOT NULL
                         CHECK (referral_crm.check_nonnegative('expected reimbursement', expected_reimbursement)),
  updated_at             timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE referral_crm.payer_rates IS
  'expected reimbursement of one referred visit by payer class (illustrative defaults: set your own)';
INSERT INTO referral_crm.payer_rates (payer_class, expected_reimbursement) VALUES
  ('medicare', 160), ('medicare-advantage', 170), ('medicaid', 95), ('commercial', 240),
  ('tricare', 150), ('va', 150), ('workers-comp', 260), ('self-pay', 80), ('other', 150);

CREATE TRIGGER crm_config_touch BEFORE UPDATE ON referral_crm.crm_config
  FOR EACH ROW EXECUTE FUNCTION referral_crm.touch_updated_at();
CREATE TRIGGER sla_policies_touch BEFORE UPDATE ON referral_crm.sla_policies
  FOR EACH ROW EXECUTE FUNCTION referral_crm.touch_updated_at();
CREATE TRIGGER reminder_rules_touch BEFORE UPDATE ON referral_crm.reminder_rules
  FOR EACH ROW EXECUTE FUNCTION referral_crm.touch_updated_at();
CREATE TRIGGER payer_rates_touch BEFORE UPDATE ON referral_crm.payer_rates
  FOR EACH ROW EXECUTE FUNCTION referral_crm.touch_updated_at();

-- A reporting period [period_start, period_end); the end must follow the start.
CREATE FUNCTION referral_crm.check_period(period_start timestamptz, period_end timestamptz)
  RETURNS boolean
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS
$$
BEGIN
  IF period_start IS NULL OR period_end IS NULL THEN
    RAISE EXCEPTION 'a period needs both a start and an end'
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'Pass both bounds, or call the view, which uses crm_config.period up to crm_now().';
  END IF;
  IF period_end <= period_start THEN
    RAISE EXCEPTION 'period ends at %, not after its start at %', period_end, period_start
      USING ERRCODE = 'invalid_parameter_value',
            DETAIL = 'A period is [start, end) and must not be empty.',
            HINT = 'Swap the bounds.';
  END IF;
  RETURN true;
END
$$;
COMMENT ON FUNCTION referral_crm.check_period(timestamptz, timestamptz) IS
  'true for a non-empty period [start, end); otherwise raises invalid_parameter_value';

-- The current reporting period: crm_config.period up to crm_now().
CREATE FUNCTION referral_crm.current_period(OUT period_start timestamptz, OUT period_end timestamptz)
  LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT referral_crm.crm_now() - c.period, referral_crm.crm_now() FROM referral_crm.crm_config c $$;
COMMENT ON FUNCTION referral_crm.current_period() IS
  'the period of the CRM views: [crm_now() - crm_config.period, crm_now())';

-- Wilson score interval of a proportion.
CREATE FUNCTION referral_crm.wilson_interval(successes bigint, n bigint,
    z float8 DEFAULT 1.959963984540054, OUT lower float8, OUT upper float8)
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
  SELECT CASE WHEN ok THEN (p + z2 / (2 * n) - z * sqrt(p * (1 - p) / n + z2 / (4.0 * n * n))) / (1 + z2 / n) END,
         CASE WHEN ok THEN (p + z2 / (2 * n) + z * sqrt(p * (1 - p) / n + z2 / (4.0 * n * n))) / (1 + z2 / n) END
    FROM (SELECT CASE WHEN n > 0 THEN successes::float8 / n END AS p, z * z AS z2,
                 coalesce(n > 0 AND successes BETWEEN 0 AND n AND z >= 0 AND z < 'Infinity', false) AS ok) s
$$;
COMMENT ON FUNCTION referral_crm.wilson_interval(bigint, bigint, float8) IS
  'Wilson score confidence interval of successes/n (z = 1.96 for 95%); NULL bounds unless 0 <= successes <= n, n > 0 and z finite and >= 0';
