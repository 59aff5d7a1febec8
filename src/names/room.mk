# src/names/room.mk: the names room's SQL fragments, in install order.
FRAGMENTS_names = src/names/names.sql src/names/names_data.sql src/names/dump.sql
ifndef SKIP_REGRESS
ISOLATION      += names_variants_cache
endif
