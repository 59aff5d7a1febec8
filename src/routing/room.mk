# src/routing/room.mk: the routing room's install fragments and its
# isolation test (run by installcheck together with pg_regress).
FRAGMENTS_routing = src/routing/routing.sql src/routing/dump.sql
ifndef SKIP_REGRESS
ISOLATION      += routing_concurrent routing_rules_cache
endif
