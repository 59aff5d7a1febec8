/*-------------------------------------------------------------------------
 *
 * fuzz_notes_analyze.c
 *	  libFuzzer harness for the note analysers: arbitrary bytes (invalid
 *	  UTF-8 included) through the clinical and sklearn analysers; every
 *	  token must be valid UTF-8 of bounded length, and counting terms must
 *	  give a valid termvec.
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "notes/notes_text.h"
#include "notes/notes_vec.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void *
MAlloc(void *arg, size_t size)
{
	(void) arg;
	return malloc(size);
}

static void *
MGrow(void *arg, void *p, size_t size)
{
	(void) arg;
	return realloc(p, size);
}

static void
MFree(void *arg, void *p)
{
	(void) arg;
	free(p);
}

/* Stand-in stemmer: drops a final "s". */
static int
StripS(void *arg, const char *w, int len, char *out, int outcap)
{
	(void) arg;
	if (len > 1 && len <= outcap && w[len - 1] == 's')
	{
		memcpy(out, w, len - 1);
		return len - 1;
	}
	return -1;
}

static NotesAnalyzer *an;

/* Analyse one input with both analysers. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	NotesMem	mem = {MAlloc, MGrow, MFree, NULL};
	int			kind;

	if (an == NULL)
		an = NotesAnalyzerCreate(&mem, StripS, NULL);
	if (an == NULL)
		abort();
	for (kind = 0; kind < 2; kind++)
	{
		NotesTokens tok;
		NotesEntry *e;
		int64_t		n;
		int			i;

		memset(&tok, 0, sizeof(tok));
		if (NotesAnalyze(an, (NotesAnalyzerKind) kind, (const char *) data, size, &tok, &mem) != 0)
			abort();
		for (i = 0; i < tok.n; i++)
		{
			const char *t = tok.buf + tok.off[i];
			size_t		len = strlen(t);

			if (len == 0 || len > NOTES_VEC_MAX_TERM || !NotesUtf8Valid(t, len))
				abort();
		}
		n = NotesCountTerms(&tok, 0, 0, &e, &mem);
		if (n < 0)
			abort();
		if (n > 0)
		{
			size_t		vsize = NotesVecSize(e, n);
			NotesVec   *v = calloc(1, vsize);

			NotesVecWrite(v, e, n);
			v->vl_len_ = (int32_t) vsize;
			if (NotesVecCheck(v, vsize) != NULL)
				abort();
			free(v);
		}
		free(e);
		NotesTokensFree(&tok, &mem);
	}
	return 0;
}
