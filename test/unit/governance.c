/*-------------------------------------------------------------------------
 *
 * governance.c
 *	  Unit tests of governance's plain-C parts (no server): the framing of
 *	  audit entries that the SHA-256 links cover, hex coding of digests and
 *	  the small-cell suppression rule.  Ends with "N passed, N failed".
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "governance/audit_frame.h"

#include "unit.h"

/* realloc as the frame's allocator. */
static void *
TestGrow(void *old, size_t size)
{
	return realloc(old, size);
}

/* An allocator that always fails. */
static void *
FailGrow(void *old, size_t size)
{
	(void) old;
	(void) size;
	return NULL;
}

/* The frame bytes of a NULL, a value and an integer. */
static void
TestFrame(void)
{
	GovFrame	f;
	static const unsigned char expect[] = {
		0xFF,
		0x01, 0, 0, 0, 3, 'a', 'b', 'c',
		0x01, 0, 0, 0, 0, 0, 0, 0x01, 0x02,
		0x01, 0, 0, 0, 0
	};

	GovFrameInit(&f, TestGrow);
	GovFrameAppendNull(&f);
	GovFrameAppendBytes(&f, "abc", 3);
	GovFrameAppendInt64(&f, 258);
	GovFrameAppendBytes(&f, "", 0);
	Check(!f.failed, "frame did not fail");
	Check(f.len == sizeof(expect) && memcmp(f.data, expect, sizeof(expect)) == 0, "frame bytes");

	/* Unambiguous: ("ab","c") and ("a","bc") frame differently; so do NULL and "". */
	{
		GovFrame	g;
		GovFrame	h;

		GovFrameInit(&g, TestGrow);
		GovFrameInit(&h, TestGrow);
		GovFrameAppendBytes(&g, "ab", 2);
		GovFrameAppendBytes(&g, "c", 1);
		GovFrameAppendBytes(&h, "a", 1);
		GovFrameAppendBytes(&h, "bc", 2);
		Check(g.len == h.len && memcmp(g.data, h.data, g.len) != 0, "field boundaries are part of the frame");
		GovFrameReset(&g);
		GovFrameReset(&h);
		GovFrameAppendNull(&g);
		GovFrameAppendBytes(&h, "", 0);
		Check(g.len != h.len, "NULL and empty differ");
		free(g.data);
		free(h.data);
	}

	/* Reset keeps the buffer; growth past the first block works. */
	GovFrameReset(&f);
	Check(f.len == 0 && f.cap >= 256, "reset keeps the buffer");
	{
		char		big[1000];
		int			i;

		memset(big, 'x', sizeof(big));
		for (i = 0; i < 10; i++)
			GovFrameAppendBytes(&f, big, sizeof(big));
		Check(!f.failed && f.len == 10 * (5 + sizeof(big)), "frame grows");
	}
	free(f.data);

	/* A failing allocator marks the frame failed and appends nothing. */
	GovFrameInit(&f, FailGrow);
	GovFrameAppendBytes(&f, "abc", 3);
	Check(f.failed && f.len == 0, "allocation failure is reported");
	GovFrameAppendInt64(&f, 1);
	Check(f.failed && f.len == 0, "failed frame stays failed");
	GovFrameReset(&f);
	Check(!f.failed, "reset clears the failure");

	/* Negative integers are two's complement, big-endian. */
	GovFrameInit(&f, TestGrow);
	GovFrameAppendInt64(&f, -1);
	Check(f.len == 9 && f.data[1] == 0xFF && f.data[8] == 0xFF, "-1 is eight 0xFF bytes");
	free(f.data);
}

/* Hex coding. */
static void
TestHex(void)
{
	unsigned char in[4] = {0x00, 0x9f, 0xab, 0xff};
	unsigned char out[4];
	char		hex[9];

	GovHexEncode(in, 4, hex);
	Check(strcmp(hex, "009fabff") == 0, "hex encode");
	Check(GovHexDecode("009FABff", 8, out, 4) && memcmp(in, out, 4) == 0, "hex decode, any case");
	Check(!GovHexDecode("009fabf", 7, out, 4), "odd length refused");
	Check(!GovHexDecode("009fabfg", 8, out, 4), "non-hex refused");
	Check(!GovHexDecode("009fab", 6, out, 4), "short refused");
	GovHexEncode(in, 0, hex);
	Check(hex[0] == '\0', "empty encodes to empty");
}

/* Small cells: 1 to 10 suppressed, 0 and 11+ shown. */
static void
TestSuppression(void)
{
	Check(!GovSuppressed(0, 10), "0 is shown");
	Check(GovSuppressed(1, 10), "1 is suppressed");
	Check(GovSuppressed(10, 10), "10 is suppressed");
	Check(!GovSuppressed(11, 10), "11 is shown");
	Check(!GovSuppressed(-3, 10), "negative is not a count");
}

int
main(void)
{
	TestFrame();
	TestHex();
	TestSuppression();
	return UnitReport();
}
