-- referral_crm 0.3.0 -> 0.4.0: changes to objects that 0.3.0 already had.
-- Each room's changes are in a section of its own, in install order; the
-- same changes are in the room's fragments, so that a fresh install and an
-- upgrade give the same catalog (test/t/003_upgrade.pl compares them).

-- ==== routing
-- routing_match(row) planned as routing_match_attrs(column, ...).  CREATE OR
-- REPLACE: the 0.2.0 -> 0.3.0 script is assembled from the current fragments,
-- so on that path these functions exist already.
CREATE OR REPLACE FUNCTION referral_crm.routing_match_attrs(VARIADIC "any") RETURNS bigint
  AS 'MODULE_PATHNAME', 'routing_match_attrs' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION referral_crm.routing_match_attrs("any") IS
  'routing_match on the attributes passed one by one (the planner''s form of routing_match(row)); call routing_match instead';
CREATE OR REPLACE FUNCTION referral_crm.routing_match_support(internal) RETURNS internal
  AS 'MODULE_PATHNAME', 'routing_match_support' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION referral_crm.routing_match_support(internal) IS
  'planner support for routing_match: passes the row''s columns instead of the composite';
ALTER FUNCTION referral_crm.routing_match(record) SUPPORT referral_crm.routing_match_support;
-- route_ids: no JIT for its one large statement.
ALTER FUNCTION referral_crm.route_ids(bigint[], text) SET jit = off;
