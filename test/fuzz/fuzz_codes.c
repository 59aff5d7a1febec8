/*-------------------------------------------------------------------------
 *
 * fuzz_codes.c
 *	  libFuzzer harness for the data model's checkers: NPI validation, every
 *	  code kind (value sets and formats) and the transition listings, with
 *	  arbitrary bytes.  Built with -fsanitize=fuzzer,address,undefined.
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/codes.h"
#include "model/npi.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feed one input to every checker; crashes and sanitizer reports fail. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	   *s = malloc(size + 1);
	char		buf[64];
	int			expected;
	int			i;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	(void) NpiValidate(s, size, &expected);
	if (size >= 9)
		(void) NpiCheckDigit("123456789");
	for (i = 0; i < CodeKindCount(); i++)
		(void) CodeIsValid(CodeKindAt(i), s, size);
	(void) CodeKindLookup(s);
	/* Split the input in two at the first NUL-free midpoint for pairs. */
	(void) CodeTransitionAllowed("referral_status", s, s + size / 2);
	(void) CodeTransitionTargets("referral_status", s, buf, size % sizeof(buf));
	(void) CodeNeedsReason("referral_stage", s);
	free(s);
	return 0;
}
