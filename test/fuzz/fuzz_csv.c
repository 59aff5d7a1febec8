/*-------------------------------------------------------------------------
 *
 * fuzz_csv.c
 *	  libFuzzer harness for the CSV record reader (src/ingest/parse.c):
 *	  reads every record of arbitrary bytes, unescapes every field, and
 *	  checks the reader's invariants (progress, slices inside the input).
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/parse.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read all records; abort on a broken invariant. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	CsvReader	r;
	CsvField	fields[8];
	int			nfields;
	CsvStatus	st;
	char	   *buf = malloc(size + 1);
	size_t		last = 0;

	if (buf == NULL)
		return 0;
	CsvInit(&r, (const char *) data, size);
	while ((st = CsvNext(&r, fields, 8, &nfields)) != CSV_END)
	{
		int			i;

		if (r.pos <= last && size > 0)
			abort();			/* no progress: would loop forever */
		last = r.pos;
		if (r.record_start > r.record_end || r.record_end > size)
			abort();
		if (st != CSV_RECORD)
			continue;
		for (i = 0; i < nfields && i < 8; i++)
		{
			size_t		n;

			if (fields[i].start < (const char *) data ||
				fields[i].start + fields[i].len > (const char *) data + size)
				abort();
			n = CsvUnescape(&fields[i], buf);
			if (n > fields[i].len)
				abort();
		}
	}
	free(buf);
	return 0;
}
