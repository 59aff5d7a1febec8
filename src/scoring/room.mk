# src/scoring/room.mk: the scoring room's SQL fragments, in install order.
FRAGMENTS_scoring = src/scoring/scoring.sql src/scoring/features.sql src/scoring/dump.sql
