/*-------------------------------------------------------------------------
 *
 * fuzz_names_metrics.c
 *	  libFuzzer harness for the string metrics on code points: the input is
 *	  split at its first 0xFF byte (or in the middle) into two operands for
 *	  Jaro, Jaro-Winkler, Levenshtein and Damerau-Levenshtein; the results
 *	  must stay in range and be symmetric, and the byte Jaro-Winkler must
 *	  equal the code point one on ASCII.
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "names/names_metrics.h"
#include "names/names_text.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Check metric invariants on two operands. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint32_t a[NAMES_MAX_CHARS],
				b[NAMES_MAX_CHARS];
	const uint8_t *cut = memchr(data, 0xFF, size);
	size_t		la = cut ? (size_t) (cut - data) : size / 2;
	size_t		lb_off = cut ? la + 1 : la;
	int			na = NamesUtf8Decode((const char *) data, la, a, NAMES_MAX_CHARS);
	int			nb = NamesUtf8Decode((const char *) data + lb_off, size - lb_off, b, NAMES_MAX_CHARS);
	double		j1,
				j2;
	int			l1,
				l2,
				d1,
				d2;

	if (na < 0 || nb < 0)
		return 0;
	j1 = NamesJaro(a, na, b, nb, true, true);
	j2 = NamesJaro(b, nb, a, na, true, false);
	if (j1 < 0 || j1 > 1.0000001 || j2 < 0 || j2 > 1.0000001)
		abort();
	if (NamesIsAscii((const char *) data, la) && NamesIsAscii((const char *) data + lb_off, size - lb_off) &&
		NamesJaroWinklerAscii((const char *) data, (int) la, (const char *) data + lb_off, (int) (size - lb_off)) !=
		NamesJaro(a, na, b, nb, true, false))
		abort();
	l1 = NamesLevenshtein(a, na, b, nb);
	l2 = NamesLevenshtein(b, nb, a, na);
	d1 = NamesDamerauLevenshtein(a, na, b, nb);
	d2 = NamesDamerauLevenshtein(b, nb, a, na);
	if (l1 != l2 || d1 != d2 || d1 > l1 || l1 > (na > nb ? na : nb))
		abort();
	return 0;
}
