/*-------------------------------------------------------------------------
 *
 * audit_frame.c
 *	  Canonical framing of audit entries.  Each field is written as one tag
 *	  byte (0xFF for SQL NULL, 0x01 for a value), then for a value its length
 *	  as four big-endian bytes and the bytes themselves; integers are eight
 *	  big-endian bytes.  The framing is unambiguous (no two different
 *	  entries frame to the same bytes), which the hash chain relies on.
 *	  Plain C, no server headers.
 *
 *-------------------------------------------------------------------------
 */
#include "audit_frame.h"

#include <string.h>

/* Start an empty frame that allocates with grow. */
void
GovFrameInit(GovFrame *f, void *(*grow) (void *old, size_t size))
{
	f->data = NULL;
	f->len = 0;
	f->cap = 0;
	f->grow = grow;
	f->failed = false;
}

/* Empty the frame, keeping its buffer. */
void
GovFrameReset(GovFrame *f)
{
	f->len = 0;
	f->failed = false;
}

/* Make room for n more bytes; false (and failed set) if impossible. */
static bool
GovFrameReserve(GovFrame *f, size_t n)
{
	size_t		need;
	size_t		cap;
	unsigned char *p;

	if (f->failed)
		return false;
	if (n > SIZE_MAX - f->len)
	{
		f->failed = true;
		return false;
	}
	need = f->len + n;
	if (need <= f->cap)
		return true;
	cap = f->cap ? f->cap : 256;
	while (cap < need)
	{
		if (cap > SIZE_MAX / 2)
		{
			cap = need;
			break;
		}
		cap *= 2;
	}
	p = f->grow(f->data, cap);
	if (p == NULL)
	{
		f->failed = true;
		return false;
	}
	f->data = p;
	f->cap = cap;
	return true;
}

/* A SQL NULL field. */
void
GovFrameAppendNull(GovFrame *f)
{
	if (GovFrameReserve(f, 1))
		f->data[f->len++] = GOV_FRAME_NULL_TAG;
}

/* A variable-length field; lengths beyond 4 GB - 1 mark the frame failed. */
void
GovFrameAppendBytes(GovFrame *f, const void *bytes, size_t len)
{
	if (len > 0xFFFFFFFFu)
	{
		f->failed = true;
		return;
	}
	if (!GovFrameReserve(f, 5 + len))
		return;
	f->data[f->len++] = GOV_FRAME_VALUE_TAG;
	f->data[f->len++] = (unsigned char) (len >> 24);
	f->data[f->len++] = (unsigned char) (len >> 16);
	f->data[f->len++] = (unsigned char) (len >> 8);
	f->data[f->len++] = (unsigned char) len;
	if (len > 0)
		memcpy(f->data + f->len, bytes, len);
	f->len += len;
}

/* A 64-bit integer field, big-endian. */
void
GovFrameAppendInt64(GovFrame *f, int64_t v)
{
	uint64_t	u = (uint64_t) v;
	int			i;

	if (!GovFrameReserve(f, 9))
		return;
	f->data[f->len++] = GOV_FRAME_VALUE_TAG;
	for (i = 7; i >= 0; i--)
		f->data[f->len++] = (unsigned char) (u >> (8 * i));
}

/* Lower-case hex of n bytes into out (2n + 1 bytes, NUL-terminated). */
void
GovHexEncode(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t		i;

	for (i = 0; i < n; i++)
	{
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0F];
	}
	out[2 * n] = '\0';
}

/* Value of one hex digit, or -1. */
static int
GovHexDigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly 2 * outlen hex digits into outlen bytes; false if not hex. */
bool
GovHexDecode(const char *in, size_t inlen, unsigned char *out, size_t outlen)
{
	size_t		i;

	if (inlen != 2 * outlen)
		return false;
	for (i = 0; i < outlen; i++)
	{
		int			hi = GovHexDigit(in[2 * i]);
		int			lo = GovHexDigit(in[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i] = (unsigned char) (hi << 4 | lo);
	}
	return true;
}

/*
 * Small-cell rule of the analytics views: a count from 1 to threshold is
 * suppressed (0 is shown: an empty cell discloses nobody).
 */
bool
GovSuppressed(int64_t count, int64_t threshold)
{
	return count >= 1 && count <= threshold;
}
