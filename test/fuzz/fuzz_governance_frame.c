/*-------------------------------------------------------------------------
 *
 * fuzz_governance_frame.c
 *	  libFuzzer harness for governance's plain-C code: hex decoding of
 *	  digests and the framing of audit entries, with arbitrary bytes.  The
 *	  frame of the input split at any point must decode back to the parts.
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "governance/audit_frame.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void *
FuzzGrow(void *old, size_t size)
{
	return realloc(old, size);
}

/* Hex-decode the input and frame it in two parts; check the round trip. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char out[64];
	char		hex[129];
	GovFrame	f;
	size_t		cut = size ? data[0] % (size + 1) : 0;

	if (GovHexDecode((const char *) data, size, out, size / 2 <= 64 ? size / 2 : 64))
	{
		GovHexEncode(out, size / 2, hex);
		if (strncasecmp(hex, (const char *) data, size) != 0)
			abort();
	}
	GovFrameInit(&f, FuzzGrow);
	GovFrameAppendBytes(&f, data, cut);
	GovFrameAppendNull(&f);
	GovFrameAppendBytes(&f, data + cut, size - cut);
	GovFrameAppendInt64(&f, (int64_t) size);
	if (f.failed || f.len != 5 + cut + 1 + 5 + (size - cut) + 9)
		abort();
	if (memcmp(f.data + 5, data, cut) != 0 || f.data[5 + cut] != GOV_FRAME_NULL_TAG ||
		memcmp(f.data + 5 + cut + 1 + 5, data + cut, size - cut) != 0)
		abort();
	free(f.data);
	(void) GovSuppressed((int64_t) size, 10);
	return 0;
}
