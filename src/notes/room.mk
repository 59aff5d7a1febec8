# src/notes/room.mk: referral-note text analytics (issue 5).
FRAGMENTS_notes = src/notes/termvec.sql src/notes/corpus.sql src/notes/search.sql \
                  src/notes/classify.sql
ifndef SKIP_REGRESS
ISOLATION      += notes_fold
endif
