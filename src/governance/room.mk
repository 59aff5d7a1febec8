# src/governance/room.mk: governance installs last and enrols every table
# created before it (audit trail, roles and policies, services, enrolment).
FRAGMENTS_governance = src/governance/audit.sql src/governance/governance.sql \
                       src/governance/services.sql src/governance/enrol.sql
ifndef SKIP_REGRESS
ISOLATION      += governance_staff_cache
endif
