/*-------------------------------------------------------------------------
 *
 * fuzz_dates.c
 *	  libFuzzer harness for the strict date reader (src/ingest/parse.c):
 *	  any input either fails or yields calendar values in range.
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdlib.h>

#include "ingest/parse.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parse; abort if an accepted value is out of range. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ParsedDateTime p;

	if (FeedParseDateTime((const char *) data, size, &p))
	{
		if (p.year < 1800 || p.year > 2200 || !FeedDateValid(p.year, p.month, p.day) ||
			p.hour < 0 || p.hour > 23 || p.minute < 0 || p.minute > 59 ||
			p.second < 0 || p.second > 59 || p.usec < 0 || p.usec > 999999 ||
			p.offset_seconds < -16 * 3600 || p.offset_seconds > 16 * 3600)
			abort();
	}
	return 0;
}
