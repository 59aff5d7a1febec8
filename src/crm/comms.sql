\echo Use "CREATE EXTENSION referral_crm" to load this file. \quit
-- src/crm/comms.sql
-- Communications: message templates with named placeholders, rendered for
-- a referral with values escaped for the channel (C: src/crm/template.c),
-- and the communication log with repeated calls to the same office about
-- the same referral flagged.

CREATE FUNCTION referral_crm.template_placeholders(body text) RETURNS text[]
  AS 'MODULE_PATHNAME', 'template_placeholders'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.template_placeholders(text) IS
  'the {{placeholder}} names of a template in order; raises invalid_parameter_value on a malformed placeholder';

CREATE FUNCTION referral_crm.template_fill(body text, names text[], vals text[], channel text) RETURNS text
  AS 'MODULE_PATHNAME', 'template_fill'
  LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.template_fill(text, text[], text[], text) IS
  'render body with names[i] replaced by vals[i] escaped for the channel; unknown names and NULL values are errors';

-- The placeholders a template may use, and where their values come from.
CREATE FUNCTION referral_crm.template_fields(OUT name text, OUT description text)
  RETURNS SETOF record
  LANGUAGE sql IMMUTABLE PARALLEL SAFE ROWS 20 AS
$$
  VALUES ('patient_first_name', 'the patient''s given name'),
         ('patient_last_name', 'the patient''s family name'),
         ('patient_full_name', 'given and family name'),
         ('patient_phone', 'the patient''s phone number'),
         ('referral_number', 'the referral number (REF*9F)'),
         ('referral_reason', 'the reason for referral'),
         ('priority', 'routine, urgent, asap or stat'),
         ('specialty', 'the target specialty''s display name'),
         ('referrer_name', 'the referring clinician (or the name the referral gives)'),
         ('referrer_phone', 'the referring clinician''s or office''s phone'),
         ('referrer_fax', 'the referring clinician''s or office''s fax'),
         ('clinician_name', 'the target clinician'),
         ('location_name', 'the target or appointment location'),
         ('location_address', 'its street address, town, state and ZIP'),
         ('location_phone', 'its phone number'),
         ('appointment_time', 'the next booked appointment, YYYY-MM-DD HH24:MI in the session time zone'),
         ('appointment_date', 'its date, YYYY-MM-DD'),
         ('staff_name', 'the display name of the staff member running the query')
$$;
COMMENT ON FUNCTION referral_crm.template_fields() IS 'the placeholders that message templates may use';

-- true if every placeholder of body is a known field; raises otherwise.
CREATE FUNCTION referral_crm.check_template(body text) RETURNS boolean
  LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS
$$
DECLARE
  bad text;
BEGIN
  SELECT p INTO bad FROM unnest(referral_crm.template_placeholders(body)) p
   WHERE p NOT IN (SELECT f.name FROM referral_crm.template_fields() f) LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'unknown placeholder "{{%}}" in the template', bad
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'The placeholders are listed by referral_crm.template_fields().';
  END IF;
  RETURN true;
END
$$;

CREATE TABLE referral_crm.message_templates (
  template_code text PRIMARY KEY
                CONSTRAINT message_templates_code_format CHECK (template_code ~ '^[a-z0-9]+([-_][a-z0-9]+)*$'),
  channel       text NOT NULL CHECK (referral_crm.check_code('communication_channel', channel)),
  party         text NOT NULL CHECK (referral_crm.check_code('communication_party', party)),
  subject       text CHECK (referral_crm.check_template(subject)),
  body          text NOT NULL CHECK (referral_crm.check_template(body)),
  language      text NOT NULL DEFAULT 'en',
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE referral_crm.message_templates IS
  'message templates per channel with {{placeholders}} (see template_fields()); rendered by render_template()';
CREATE TRIGGER message_templates_touch BEFORE UPDATE ON referral_crm.message_templates
  FOR EACH ROW EXECUTE FUNCTION referral_crm.touch_updated_at();

-- The placeholder values of one referral (NULL where the data are missing).
CREATE FUNCTION referral_crm.template_values(referral_id bigint, OUT names text[], OUT vals text[])
  LANGUAGE plpgsql STABLE AS
$$
DECLARE
  r record;
BEGIN
  SELECT p.given_name, p.family_name, p.phone AS patient_phone, rf.referral_number, rf.reason,
         rf.priority, sp.display_name AS specialty,
         coalesce(CASE WHEN rc.clinician_id IS NOT NULL
                       THEN concat_ws(' ', CASE WHEN rc.credentials && ARRAY['MD', 'DO'] THEN 'Dr.' END,
                                      rc.given_name, rc.family_name) END,
                  rf.referring_name) AS referrer_name,
         coalesce(rc.phone, ro.phone) AS referrer_phone, coalesce(rc.fax, ro.fax) AS referrer_fax,
         CASE WHEN tc.clinician_id IS NOT NULL THEN concat_ws(' ', tc.given_name, tc.family_name) END AS clinician_name,
         ap.start_at, coalesce(al.name, tl.name) AS location_name,
         CASE WHEN coalesce(al.location_id, tl.location_id) IS NOT NULL THEN
           concat_ws(', ', coalesce(al.address_line1, tl.address_line1), coalesce(al.city, tl.city),
                     concat_ws(' ', coalesce(al.state, tl.state), coalesce(al.zip, tl.zip))) END AS location_address,
         coalesce(al.phone, tl.phone) AS location_phone,
         (SELECT s.display_name FROM referral_crm.staff s WHERE s.login_role = current_user) AS staff_name
    INTO r
    FROM referral_crm.referrals rf
    JOIN referral_crm.patients p ON p.patient_id = rf.patient_id
    LEFT JOIN referral_crm.specialties sp ON sp.specialty = rf.target_specialty
    LEFT JOIN referral_crm.clinicians rc ON rc.clinician_id = rf.referring_clinician_id
    LEFT JOIN referral_crm.organizations ro ON ro.organization_id = coalesce(rf.referring_organization_id, rc.organization_id)
    LEFT JOIN referral_crm.clinicians tc ON tc.clinician_id = rf.target_clinician_id
    LEFT JOIN referral_crm.locations tl ON tl.location_id = rf.target_location_id
    LEFT JOIN LATERAL (
      SELECT a.start_at, a.location_id FROM referral_crm.appointments a
       WHERE a.referral_id = rf.referral_id AND a.status IN ('booked', 'pending', 'proposed')
         AND a.start_at >= referral_crm.crm_now() AND coalesce(a.booked_at, a.created_at) <= referral_crm.crm_now()
       ORDER BY a.start_at LIMIT 1) ap ON true
    LEFT JOIN referral_crm.locations al ON al.location_id = ap.location_id
   WHERE rf.referral_id = template_values.referral_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'referral % does not exist', template_values.referral_id
      USING ERRCODE = 'undefined_object';
  END IF;
  names := ARRAY['patient_first_name', 'patient_last_name', 'patient_full_name', 'patient_phone',
                 'referral_number', 'referral_reason', 'priority', 'specialty', 'referrer_name',
                 'referrer_phone', 'referrer_fax', 'clinician_name', 'location_name', 'location_address',
                 'location_phone', 'appointment_time', 'appointment_date', 'staff_name'];
  vals := ARRAY[r.given_name, r.family_name, nullif(concat_ws(' ', r.given_name, r.family_name), ''),
                r.patient_phone, r.referral_number, r.reason, r.priority, r.specialty, r.referrer_name,
                r.referrer_phone, r.referrer_fax, r.clinician_name, r.location_name, r.location_address,
                r.location_phone,
                -- the appointment's wall-clock time in the organisation's zone
                to_char(r.start_at AT TIME ZONE referral_crm.calendar_zone(), 'YYYY-MM-DD HH24:MI'),
                to_char(r.start_at AT TIME ZONE referral_crm.calendar_zone(), 'YYYY-MM-DD'),
                r.staff_name];
END
$$;
COMMENT ON FUNCTION referral_crm.template_values(bigint) IS
  'the values of every template placeholder for one referral (NULL where unknown)';

-- Render a stored template for a referral.
CREATE FUNCTION referral_crm.render_template(template text, referral_id bigint) RETURNS text
  LANGUAGE plpgsql STABLE AS
$$
DECLARE
  t  referral_crm.message_templates;
  v  record;
BEGIN
  SELECT * INTO t FROM referral_crm.message_templates m WHERE m.template_code = render_template.template;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'message template "%" does not exist', template
      USING ERRCODE = 'undefined_object',
            HINT = 'See referral_crm.message_templates.';
  END IF;
  IF NOT t.active THEN
    RAISE EXCEPTION 'message template "%" is not active', template
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  v := referral_crm.template_values(render_template.referral_id);
  RETURN referral_crm.template_fill(t.body, v.names, v.vals, t.channel);
END
$$;
COMMENT ON FUNCTION referral_crm.render_template(text, bigint) IS
  'the body of a message template rendered for a referral, values escaped for the template''s channel; errors on unknown or missing placeholders';

-- The communication log.  An outbound call to an office (the referring or
-- receiving side) about a referral is a repeat when it is at least the
-- crm_config.repeat_call_threshold-th such call within repeat_call_window.
CREATE INDEX crm_communications_calls_idx ON referral_crm.communications (referral_id, organization_id, occurred_at)
  WHERE channel = 'call' AND direction = 'outbound';

CREATE VIEW referral_crm.communication_log WITH (security_invoker = true) AS
SELECT c.communication_id, c.occurred_at, c.referral_id, r.referral_number, c.channel, c.direction, c.party,
       c.outcome, c.template_code, c.organization_id, o.name AS organization_name, c.clinician_id,
       c.staff_id, s.display_name AS staff_name, c.summary,
       rep.calls_in_window,
       coalesce(rep.calls_in_window >= cfg.repeat_call_threshold, false) AS repeated_call
  FROM referral_crm.communications c
  CROSS JOIN referral_crm.crm_config cfg
  LEFT JOIN referral_crm.referrals r ON r.referral_id = c.referral_id
  LEFT JOIN referral_crm.organizations o ON o.organization_id = c.organization_id
  LEFT JOIN referral_crm.staff s ON s.staff_id = c.staff_id
  LEFT JOIN LATERAL (
    SELECT count(*) AS calls_in_window
      FROM referral_crm.communications p
     WHERE p.channel = 'call' AND p.direction = 'outbound'
       AND p.referral_id = c.referral_id AND p.organization_id = c.organization_id
       AND p.occurred_at > c.occurred_at - cfg.repeat_call_window
       AND (p.occurred_at, p.communication_id) <= (c.occurred_at, c.communication_id)) rep
    ON c.channel = 'call' AND c.direction = 'outbound' AND c.referral_id IS NOT NULL
       AND c.organization_id IS NOT NULL AND c.party IN ('referring-office', 'receiving-office')
 WHERE c.occurred_at <= referral_crm.crm_now();
COMMENT ON VIEW referral_crm.communication_log IS
  'calls, faxes, messages and portal notes up to crm_now() with outcome; repeated_call marks the nth outbound call to the same office about the same referral within the window';
