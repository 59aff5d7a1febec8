# Makefile for referral_crm (PGXS).
#
#   make && sudo make install      build and install into $(PG_CONFIG)'s server
#   bin/test                       the whole suite against a throwaway cluster
#
# PG_CONFIG defaults to the pg_config on PATH; set PG_CONFIG=... to choose.

EXTENSION  = referral_crm
EXTVERSION = $(shell sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" $(EXTENSION).control)

# C: the entry point, then every capability's room.
MODULE_big = referral_crm
SRCS       = src/referral_crm.c $(sort $(wildcard src/*/*.c))
OBJS       = $(SRCS:.c=.o)

# The install script is assembled from the SQL fragments of each room, in
# install order (DESIGN.md): common, data model, ingest, names, notes,
# scoring, routing, crm, governance (last, so that it can enrol every table).
# A room lists its fragments, in order, in src/<room>/room.mk as
# FRAGMENTS_<room> = ...; a room without room.mk uses the lists below.
ROOMS = common model ingest names notes scoring routing crm governance
FRAGMENTS_common = src/common/common.sql
FRAGMENTS_model  = src/model/model.sql src/model/specialties.sql src/model/dump.sql
FRAGMENTS_ingest = src/ingest/feeds.sql src/ingest/ingest.sql src/ingest/fhir.sql \
                   src/ingest/dump.sql
-include $(sort $(wildcard src/*/room.mk))
FRAGMENTS = $(foreach r,$(ROOMS),$(FRAGMENTS_$(r)))

# Upgrade scripts: upgrade/A--B.sql holds the changes to existing objects;
# the fragments of the rooms new in B follow it.  Once B is released, its
# full script and its upgrade script are frozen in upgrade/ (later changes
# to a room's fragments must not change what an old upgrade does), so that
# every upgrade path can be tested (test/t/003_upgrade.pl).
ROOMS_NEW_IN_0.4.0 =
UPGRADES   = $(EXTENSION)--0.3.0--0.4.0.sql
DATA_built = $(EXTENSION)--$(EXTVERSION).sql $(UPGRADES)
DATA       = $(wildcard upgrade/$(EXTENSION)--*.sql)

# pg_regress: one file per capability under sql/ with expected/ output.
# They run in install order (capabilities first, later rooms after); a
# test not named here runs last.
REGRESS_ORDER = model transitions ingest ingest_fhir
REGRESS_ALL   = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
ifndef SKIP_REGRESS
REGRESS      = $(filter $(REGRESS_ALL),$(REGRESS_ORDER)) $(filter-out $(REGRESS_ORDER),$(REGRESS_ALL))
endif
REGRESS_OPTS = --inputdir=. --load-extension=$(EXTENSION)
# Isolation specs (specs/*.spec), listed by their rooms as ISOLATION += name.
ISOLATION_OPTS = --load-extension=$(EXTENSION)

# TAP tests (PostgreSQL::Test::Cluster) under test/t/.
ifndef SKIP_TAP
TAP_TESTS   = 1
endif
PROVE_TESTS = $(sort $(wildcard test/t/*.pl))

EXTRA_CLEAN = $(DATA_built)

PG_CONFIG ?= pg_config

# ICU for Unicode work (normalisation, transliteration, word breaks).
ICU_CFLAGS := $(shell pkg-config --cflags icu-uc icu-i18n 2>/dev/null)
ICU_LIBS   := $(shell pkg-config --libs icu-uc icu-i18n 2>/dev/null || echo -licui18n -licuuc -licudata)

PG_CPPFLAGS = -I$(srcdir)/src $(ICU_CFLAGS)
PG_CFLAGS   = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers
SHLIB_LINK  = $(ICU_LIBS)

# Refuse servers older than PostgreSQL 15, with a clear message.
PG_MAJOR := $(shell $(PG_CONFIG) --version 2>/dev/null | sed -n 's/^PostgreSQL \([0-9][0-9]*\).*/\1/p')
ifeq ($(PG_MAJOR),)
$(error cannot run "$(PG_CONFIG) --version": install the PostgreSQL server development package (postgresql-server-dev-15 on Debian) or set PG_CONFIG)
endif
ifeq ($(shell test $(PG_MAJOR) -ge 15 && echo ok),)
$(error referral_crm needs PostgreSQL 15 or later, but $(PG_CONFIG) is PostgreSQL $(PG_MAJOR))
endif

# The audit chain hashes with OpenSSL's libcrypto when the server was built
# with it (USE_OPENSSL), as PostgreSQL's own cryptohash does, but fetching
# the digest once per backend (src/governance/governance_fmgr.c).
ifneq ($(shell grep -s '^\#define USE_OPENSSL 1' $(shell $(PG_CONFIG) --includedir-server)/pg_config.h),)
SHLIB_LINK += -lcrypto
endif

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(EXTENSION)--$(EXTVERSION).sql: $(FRAGMENTS) $(EXTENSION).control
	@{ echo "-- $(EXTENSION) $(EXTVERSION): assembled by the Makefile from src/*/*.sql; do not edit."; \
	   printf '%s\n' '\echo Use "CREATE EXTENSION $(EXTENSION)" to load this file. \quit'; \
	   for f in $(FRAGMENTS); do echo; echo "-- ==== $$f"; grep -v '^\\echo Use ' $$f; done; } > $@

# One upgrade script: the delta, then the fragments of the new rooms.
define upgrade_rule
$(EXTENSION)--$(1)--$(2).sql: upgrade/$(1)--$(2).sql $$(foreach r,$$(ROOMS_NEW_IN_$(2)),$$(FRAGMENTS_$$(r)))
	@{ echo "-- $(EXTENSION) $(1) -> $(2): assembled by the Makefile; do not edit."; \
	   printf '%s\n' '\echo Use "ALTER EXTENSION $(EXTENSION) UPDATE TO '"'"'$(2)'"'"'" to load this file. \quit'; \
	   for f in $$^; do echo; echo "-- ==== $$$$f"; grep -v '^\\echo Use ' $$$$f; done; } > $$@
endef
$(eval $(call upgrade_rule,0.3.0,0.4.0))

# Unit tests of the plain-C parsers and algorithms, without a server: each
# test/unit/*.c is a program linked with every plain-C source that ends
# with "N passed, N failed"; unitcheck runs them all and prints the sum.
UNIT_SRCS  = $(filter-out %_fmgr.c src/referral_crm.c,$(SRCS))
UNIT_TESTS = $(patsubst %.c,%,$(sort $(wildcard test/unit/*.c)))
EXTRA_CLEAN += $(UNIT_TESTS)
test/unit/%: test/unit/%.c test/unit/unit.h $(UNIT_SRCS) $(wildcard src/*/*.h)
	$(CC) -std=c99 -O1 -g -Wall -Wextra -Werror -Isrc -o $@ $< $(UNIT_SRCS) $(ICU_LIBS) -lm

.PHONY: unitcheck
unitcheck: $(UNIT_TESTS)
	@p=0; f=0; for t in $(UNIT_TESTS); do \
	  out=$$($$t 2>&1); rc=$$?; \
	  echo "$$out" | grep -v '^[0-9]* passed, [0-9]* failed$$' || true; \
	  line=$$(echo "$$out" | grep '^[0-9]* passed, [0-9]* failed$$' | tail -1); \
	  np=$$(echo "$$line" | awk '{print $$1+0}'); nf=$$(echo "$$line" | awk '{print $$3+0}'); \
	  if [ -z "$$line" ] || { [ $$rc -ne 0 ] && [ "$$nf" -eq 0 ]; }; then \
	    echo "FAIL: $$t did not finish (exit $$rc)"; nf=$$((nf + 1)); fi; \
	  p=$$((p + np)); f=$$((f + nf)); \
	done; echo "$$p passed, $$f failed"; [ $$f -eq 0 ]

# Fuzz harnesses (libFuzzer, clang, AddressSanitizer + UBSan): one per
# test/fuzz/fuzz_<name>.c, seeded from test/fuzz/corpus/<name>/.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 10
FUZZ_SRCS     = $(filter-out %_fmgr.c src/referral_crm.c,$(SRCS))
FUZZERS       = $(patsubst %.c,%,$(sort $(wildcard test/fuzz/fuzz_*.c)))
EXTRA_CLEAN  += $(FUZZERS)

test/fuzz/fuzz_%: test/fuzz/fuzz_%.c $(FUZZ_SRCS) $(wildcard src/*/*.h)
	$(FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	  -Isrc -o $@ $< $(FUZZ_SRCS) $(ICU_LIBS)

.PHONY: fuzz fuzzcheck
fuzz: $(FUZZERS)

# Run every harness for FUZZ_SECONDS on a copy of its seed corpus.
fuzzcheck: $(FUZZERS)
	@for f in $(FUZZERS); do \
	  name=$${f#test/fuzz/fuzz_}; work=$$(mktemp -d); \
	  cp -r test/fuzz/corpus/$$name/. $$work/ 2>/dev/null || true; \
	  if $$f -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -max_len=65536 $$work >$$work.log 2>&1; then \
	    echo "fuzz $$name: ok ($$(grep -o 'Done [0-9]* runs' $$work.log))"; \
	  else echo "fuzz $$name: FAILED"; tail -40 $$work.log; fi; \
	  rm -rf $$work $$work.log; \
	done

# No exported symbol of the module may shadow one of the server's.
.PHONY: symbolcheck
symbolcheck: $(shlib)
	@nm -D --defined-only $(shlib) | awk '{print $$3}' | sort -u > $(shlib).syms
	@nm -D --defined-only $(bindir)/postgres | awk '{print $$3}' | sort -u > $(shlib).pgsyms
	@clash=$$(comm -12 $(shlib).syms $(shlib).pgsyms); rm -f $(shlib).syms $(shlib).pgsyms; \
	if [ -n "$$clash" ]; then echo "symbols: FAILED, the server also defines: $$clash"; exit 1; \
	else echo "symbols: ok"; fi
