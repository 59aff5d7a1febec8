# The CRM room across sessions and roles: the dashboards are
# security_invoker views, so row-level security on referrals limits what a
# scheduler sees; two sessions running generate_tasks() at once create each
# task once; customised settings, templates and facts survive pg_dump and
# pg_restore (the restored rows replace the defaults).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('crm');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION referral_crm');
$node->safe_psql('postgres', q{
  INSERT INTO referral_crm.patients (given_name, family_name, source_id) VALUES ('Ann', 'A', 'p1'), ('Ben', 'B', 'p2');
  INSERT INTO referral_crm.referrals (patient_id, authored_at, received_at, target_specialty, priority, referral_number,
                                      status, stage, source_id)
  SELECT p.patient_id, '2026-03-02 09:00+00', '2026-03-02 09:00+00', v.spec, 'urgent', v.num, 'requested', 'new', v.num
    FROM (VALUES ('p1', 'cardiology', 'R-CARD'), ('p2', 'dermatology', 'R-DERM')) v (pat, spec, num)
    JOIN referral_crm.patients p ON p.source_id = v.pat;
});

# 1. RLS through the dashboards: a scheduler in the intake role sees the
# referrals of its own queue only (governance's policies).
$node->safe_psql('postgres', q{
  SELECT count(*) FROM referral_crm.setup_roles();
  CREATE ROLE cardio_scheduler LOGIN IN ROLE referral_crm_intake;
  INSERT INTO referral_crm.queues (code, name, specialty) VALUES ('cardio', 'Cardiology intake', 'cardiology');
  INSERT INTO referral_crm.staff (login_role, display_name, role) VALUES ('cardio_scheduler', 'Cara Scheduler', 'scheduler');
  INSERT INTO referral_crm.queue_members (queue_id, staff_id)
  SELECT q.queue_id, s.staff_id FROM referral_crm.queues q, referral_crm.staff s
   WHERE q.code = 'cardio' AND s.login_role = 'cardio_scheduler';
  UPDATE referral_crm.referrals SET queue_id = (SELECT queue_id FROM referral_crm.queues WHERE code = 'cardio')
   WHERE referral_number = 'R-CARD';
});
my $as_scheduler = q{SET referral_crm.as_of = '2026-03-10 00:00+00'; SET ROLE cardio_scheduler; };
is($node->safe_psql('postgres', $as_scheduler . q{SELECT string_agg(referral_number || ':' || patient_given_name || ' ' || patient_family_name, ',' ORDER BY referral_number) FROM referral_crm.work_queue}),
   'R-CARD:Ann A', 'the work queue shows the scheduler only the rows RLS lets through, with the patient');
is($node->safe_psql('postgres', $as_scheduler . q{SELECT count(*) FROM referral_crm.sla_breaches}),
   '1', 'so do the SLA breaches');
is($node->safe_psql('postgres', q{SET referral_crm.as_of = '2026-03-10 00:00+00'; SELECT count(*) FROM referral_crm.work_queue}),
   '2', 'the owner sees both referrals');
is($node->safe_psql('postgres', q{SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                   WHERE n.nspname = 'referral_crm' AND c.relkind = 'v'
                                     AND c.relname IN ('work_queue', 'pipeline', 'referrer_scorecards', 'manager_overview')
                                     AND c.reloptions @> '{security_invoker=true}'}),
   '4', 'the dashboards are security_invoker views');
# 2. Two sessions generate tasks at the same time.
my $gen = q{SET referral_crm.as_of = '2026-03-10 00:00+00'; SELECT 'created:' || sum(created) FROM referral_crm.generate_tasks()};
my $a = $node->background_psql('postgres');
my $b = $node->background_psql('postgres');
$a->query_safe('BEGIN');
like($a->query_safe($gen), qr/created:2/, 'A creates the two no-contact tasks (not yet committed)');
$b->query_safe('BEGIN');
$b->query_until(qr/started/, "\\echo started\n$gen;\n");
ok($node->poll_query_until('postgres',
	q{SELECT count(*) > 0 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%generate_tasks%'}),
   'B waits for A on the task keys');
$a->query_safe('COMMIT');
like($b->query_safe('COMMIT'), qr/created:0/, 'B creates nothing');
is($node->safe_psql('postgres', 'SELECT count(*) FROM referral_crm.tasks'), '2', 'each task exists once');
is($node->safe_psql('postgres', q{
  SELECT string_agg(r.referral_number || ':' || coalesce(q.code, '-') || ':' || coalesce(s.login_role, '-'), ',' ORDER BY r.referral_number)
    FROM referral_crm.tasks t JOIN referral_crm.referrals r USING (referral_id)
    LEFT JOIN referral_crm.queues q ON q.queue_id = t.queue_id
    LEFT JOIN referral_crm.staff s ON s.staff_id = t.assignee_staff_id}),
   'R-CARD:cardio:cardio_scheduler,R-DERM:-:-', 'routing assigned the task of the queued referral to its queue member');
is($node->safe_psql('postgres', q{SELECT count(*) FROM referral_crm.routing_decisions WHERE task_id IS NOT NULL}),
   '1', 'and recorded the decision');
$a->quit;
$b->quit;

# 3. Dump and restore keep settings, templates and facts.
$node->safe_psql('postgres', q{
  INSERT INTO referral_crm.sla_policies (priority, first_contact, scheduled_within) VALUES ('urgent', '4 hours', '3 days');
  UPDATE referral_crm.crm_config SET period = '30 days', cost_per_manual_call = 7.50;
  INSERT INTO referral_crm.message_templates (template_code, channel, party, body)
    VALUES ('hello', 'sms', 'patient', 'Hi {{patient_first_name}}');
  SELECT referral_crm.refresh_referral_facts();
});
my $snapshot = q{SELECT (SELECT string_agg(priority || '=' || first_contact || '/' || scheduled_within, ',' ORDER BY priority) FROM referral_crm.sla_policies)
  || ';' || (SELECT period || ',' || cost_per_manual_call FROM referral_crm.crm_config)
  || ';' || (SELECT count(*) FROM referral_crm.reminder_rules) || ';' || (SELECT count(*) FROM referral_crm.payer_rates)
  || ';' || (SELECT string_agg(template_code, ',') FROM referral_crm.message_templates)
  || ';' || (SELECT count(*) FROM referral_crm.referral_facts)};
my $before = $node->safe_psql('postgres', $snapshot);
my $dump = $node->basedir . '/crm.dump';
$node->command_ok(['pg_dump', '-Fc', '-d', $node->connstr('postgres'), '-f', $dump], 'pg_dump');
$node->safe_psql('postgres', 'CREATE DATABASE restored');
$node->command_ok(['pg_restore', '-d', $node->connstr('restored'), $dump], 'pg_restore');
is($node->safe_psql('restored', $snapshot), $before, 'settings, templates and facts are the same after restore');
is($node->safe_psql('restored', q{SET referral_crm.as_of = '2026-03-10 00:00+00';
                                   SELECT referral_crm.render_template('hello', (SELECT referral_id FROM referral_crm.referrals WHERE referral_number = 'R-CARD'))}),
   'Hi Ann', 'a restored template renders');

$node->stop;
done_testing();
