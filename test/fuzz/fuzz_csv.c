/*-------------------------------------------------------------------------
 *
 * fuzz_csv.c
 *	  libFuzzer harness for the CSV record reader (src/ingest/parse.c):
 *	  reads every record of arbitrary bytes, unescapes every field, and
 *	  checks the reader's invariants (progress, slices inside the input,
 *	  records that tile the input with only line breaks between them, a
 *	  malformed record that is one physical line).
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
	size_t		prev_pos = 0;

	if (buf == NULL)
		return 0;
	CsvInit(&r, (const char *) data, size);
	while ((st = CsvNext(&r, fields, 8, &nfields)) != CSV_END)
	{
		int			i;
		size_t		gap;

		if (r.pos <= last && size > 0)
			abort();			/* no progress: would loop forever */
		last = r.pos;
		if (r.record_start > r.record_end || r.record_end > size)
			abort();
		/* nothing but line breaks between the last record and this one */
		for (gap = prev_pos; gap < r.record_start; gap++)
			if (data[gap] != '\n' && data[gap] != '\r')
				abort();		/* bytes skipped: a row could be lost */
		/* after the record, only its own line ending */
		if (r.pos < r.record_end || r.pos - r.record_end > 2)
			abort();
		prev_pos = r.pos;
		if (st != CSV_RECORD)
		{
			/* a malformed record is one physical line */
			if (memchr(data + r.record_start, '\n', r.record_end - r.record_start) ||
				memchr(data + r.record_start, '\r', r.record_end - r.record_start))
				abort();
			continue;
		}
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
	/* and nothing but line breaks after the last record */
	for (; prev_pos < size; prev_pos++)
		if (data[prev_pos] != '\n' && data[prev_pos] != '\r')
			abort();
	free(buf);
	return 0;
}
