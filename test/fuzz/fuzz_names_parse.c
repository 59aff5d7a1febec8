/*-------------------------------------------------------------------------
 *
 * fuzz_names_parse.c
 *	  libFuzzer harness for the names room's text handling: UTF-8 decoding,
 *	  normalisation (ICU transliteration), the clinician name parser, the
 *	  similarity of the parse with itself and with a fixed name, and the
 *	  phonetic codes.  Built with -fsanitize=fuzzer,address,undefined.
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "names/names_metrics.h"
#include "names/names_parse.h"
#include "names/names_score.h"
#include "names/names_text.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parse arbitrary bytes; every status is fine, crashes and reports are not. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static NamesParsed p,
				q;
	const char *s = (const char *) data;
	size_t		cap = NamesNormalizeCap(size);
	char	   *out = malloc(cap);
	char		code[16];
	char		pri[8],
				alt[8];
	int			rc;

	if (out == NULL)
		return 0;
	(void) NamesNormalize(s, size, out, cap);
	rc = NamesToAscii(s, size, out, cap);
	if (rc >= 0)
		NamesDoubleMetaphone(out, rc, 4, pri, alt);
	(void) NamesSoundex(s, size, code);
	(void) NamesNysiis(s, size, out, cap);
	rc = NamesParse(s, size, &p);
	if (rc == NAMES_OK)
	{
		NamesView	a,
					b;
		double		sim;

		NamesViewOf(&p, &a);
		sim = NamesSimilarity(&a, &a, NULL, NULL);
		if (sim < 0.0 || sim > 1.0)
			abort();
		if (NamesParse("Robert J. Smith, MD", 19, &q) == NAMES_OK)
		{
			NamesViewOf(&q, &b);
			sim = NamesSimilarity(&a, &b, NULL, NULL);
			if (sim < 0.0 || sim > 1.0)
				abort();
		}
	}
	free(out);
	return 0;
}
