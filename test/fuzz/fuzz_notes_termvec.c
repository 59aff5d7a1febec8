/*-------------------------------------------------------------------------
 *
 * fuzz_notes_termvec.c
 *	  libFuzzer harness for the termvec text parser: arbitrary bytes are
 *	  parsed; accepted input is sorted, laid out, checked, searched and
 *	  compared with itself.  Built with -fsanitize=fuzzer,address,undefined.
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

/* Parse one input; invariants of accepted vectors abort on failure. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	NotesMem	mem = {MAlloc, MGrow, MFree, NULL};
	NotesEntry *e;
	char	   *buf;
	const char *err;
	size_t		pos,
				vsize;
	int64_t		n,
				i;
	NotesVec   *v;

	n = NotesVecParse((const char *) data, size, &e, &buf, &mem, &err, &pos);
	if (n < 0)
	{
		if (err == NULL || pos > size)
			abort();
		return 0;
	}
	if (NotesEntriesSort(e, n) >= 0)
	{
		free(e);
		free(buf);
		return 0;
	}
	vsize = NotesVecSize(e, n);
	if (vsize == 0)
		abort();
	v = calloc(1, vsize);
	NotesVecWrite(v, e, n);
	v->vl_len_ = (int32_t) vsize;
	if (NotesVecCheck(v, vsize) != NULL)
		abort();
	for (i = 0; i < n; i++)
		if (NotesVecFind(v, e[i].term, e[i].len) != i || !isfinite(NOTESVEC_WEIGHTS(v)[i]))
			abort();
	if (n > 0 && fabs(NotesVecCosine(v, v)) > 1.0 + 1e-9)
		abort();
	free(v);
	free(e);
	free(buf);
	return 0;
}
