# src/crm/room.mk: the CRM room's SQL fragments, in install order.
FRAGMENTS_crm = src/crm/config.sql src/crm/facts.sql src/crm/pipeline.sql \
                src/crm/comms.sql src/crm/analytics.sql src/crm/summaries.sql src/crm/dump.sql
