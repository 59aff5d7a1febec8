/*-------------------------------------------------------------------------
 *
 * names_text.c
 *	  UTF-8 decoding and name normalisation for the names room.
 *
 *	  ASCII input takes a fast path without ICU.  Other input is converted
 *	  to UTF-16 and run through one ICU transliterator, "Any-Latin;
 *	  Latin-ASCII", opened on first use and kept for the life of the
 *	  process (a backend, in the server).  Characters that ICU leaves outside
 *	  ASCII (symbols, emoji, unassigned code points) become separators.
 *
 *-------------------------------------------------------------------------
 */
#include "names/names_text.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/utrans.h>
#include <unicode/ustring.h>
#include <unicode/utypes.h>

static UTransliterator *names_translit = NULL;

/*
 * Decode UTF-8 strictly (no overlongs, surrogates, NUL or values past
 * U+10FFFF).  With out NULL it only validates and counts.
 */
int
NamesUtf8Decode(const char *s, size_t len, uint32_t *out, size_t outcap)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t		i = 0;
	size_t		n = 0;

	while (i < len)
	{
		uint32_t	c = p[i];
		int			extra;
		uint32_t	min;
		int			k;

		if (c < 0x80)
		{
			extra = 0;
			min = 0;
		}
		else if ((c & 0xE0) == 0xC0)
		{
			extra = 1;
			min = 0x80;
			c &= 0x1F;
		}
		else if ((c & 0xF0) == 0xE0)
		{
			extra = 2;
			min = 0x800;
			c &= 0x0F;
		}
		else if ((c & 0xF8) == 0xF0)
		{
			extra = 3;
			min = 0x10000;
			c &= 0x07;
		}
		else
			return NAMES_ERR_ENCODING;
		if (i + (size_t) extra >= len && extra > 0)
			return NAMES_ERR_ENCODING;
		for (k = 1; k <= extra; k++)
		{
			if ((p[i + k] & 0xC0) != 0x80)
				return NAMES_ERR_ENCODING;
			c = (c << 6) | (p[i + k] & 0x3F);
		}
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF) || c == 0)
			return NAMES_ERR_ENCODING;
		if (out != NULL)
		{
			if (n >= outcap)
				return NAMES_ERR_TOO_LONG;
			out[n] = c;
		}
		n++;
		i += extra + 1;
	}
	return (int) n;
}

/* Encode one code point as UTF-8. */
int
NamesUtf8Encode(uint32_t cp, char *out)
{
	if (cp < 0x80)
	{
		out[0] = (char) cp;
		return 1;
	}
	if (cp < 0x800)
	{
		out[0] = (char) (0xC0 | (cp >> 6));
		out[1] = (char) (0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000)
	{
		out[0] = (char) (0xE0 | (cp >> 12));
		out[1] = (char) (0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char) (0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char) (0xF0 | (cp >> 18));
	out[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char) (0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char) (0x80 | (cp & 0x3F));
	return 4;
}

/* true if every byte is 7-bit. */
bool
NamesIsAscii(const char *s, size_t len)
{
	size_t		i;

	for (i = 0; i < len; i++)
		if ((unsigned char) s[i] >= 0x80)
			return false;
	return true;
}

/* Output capacity that NamesNormalize and NamesToAscii may need. */
size_t
NamesNormalizeCap(size_t len)
{
	return len * 8 + 16;
}

/* Open the cached transliterator; NULL if ICU cannot. */
static UTransliterator *
NamesTranslit(void)
{
	if (names_translit == NULL)
	{
		UErrorCode	status = U_ZERO_ERROR;
		UParseError perr;
		UChar		id[64];

		u_uastrcpy(id, "Any-Latin; Latin-ASCII");
		names_translit = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, &perr, &status);
		if (U_FAILURE(status))
			names_translit = NULL;
	}
	return names_translit;
}

/*
 * Transliterate UTF-8 to ASCII into out (cap bytes); returns the length or
 * an error.  Code points that stay outside ASCII become spaces.
 */
static int
NamesTranslitToAscii(const char *s, size_t len, char *out, size_t outcap)
{
	UTransliterator *tr;
	UErrorCode	status = U_ZERO_ERROR;
	UChar	   *buf;
	int32_t		ulen = 0;
	int32_t		cap;
	int32_t		limit;
	char	   *utf8;
	int32_t		blen = 0;
	size_t		i;
	size_t		o = 0;
	int			rc;

	rc = NamesUtf8Decode(s, len, NULL, 0);
	if (rc == NAMES_ERR_ENCODING)
		return rc;
	tr = NamesTranslit();
	if (tr == NULL)
		return NAMES_ERR_ICU;
	cap = (int32_t) (len * 4 + 16);
	buf = malloc(sizeof(UChar) * cap);
	if (buf == NULL)
		return NAMES_ERR_MEMORY;
	u_strFromUTF8(buf, cap, &ulen, s, (int32_t) len, &status);
	if (U_FAILURE(status))
	{
		free(buf);
		return status == U_INVALID_CHAR_FOUND || status == U_ILLEGAL_CHAR_FOUND ?
			NAMES_ERR_ENCODING : NAMES_ERR_ICU;
	}
	limit = ulen;
	utrans_transUChars(tr, buf, &ulen, cap, 0, &limit, &status);
	if (status == U_BUFFER_OVERFLOW_ERROR)
	{
		/* Start again from the original with the room ICU asked for. */
		int32_t		need = ulen + 16;

		free(buf);
		buf = malloc(sizeof(UChar) * need);
		if (buf == NULL)
			return NAMES_ERR_MEMORY;
		status = U_ZERO_ERROR;
		u_strFromUTF8(buf, need, &ulen, s, (int32_t) len, &status);
		limit = ulen;
		if (U_SUCCESS(status))
			utrans_transUChars(tr, buf, &ulen, need, 0, &limit, &status);
	}
	if (U_FAILURE(status))
	{
		free(buf);
		return NAMES_ERR_ICU;
	}
	status = U_ZERO_ERROR;
	utf8 = malloc((size_t) ulen * 3 + 1);
	if (utf8 == NULL)
	{
		free(buf);
		return NAMES_ERR_MEMORY;
	}
	u_strToUTF8(utf8, ulen * 3 + 1, &blen, buf, ulen, &status);
	free(buf);
	if (U_FAILURE(status))
	{
		free(utf8);
		return NAMES_ERR_ICU;
	}
	for (i = 0; i < (size_t) blen; i++)
	{
		unsigned char c = (unsigned char) utf8[i];

		if (o + 1 >= outcap)
		{
			free(utf8);
			return NAMES_ERR_TOO_LONG;
		}
		if (c < 0x80)
			out[o++] = (char) c;
		else
		{
			/* Skip the continuation bytes of a leftover character. */
			while (i + 1 < (size_t) blen && ((unsigned char) utf8[i + 1] & 0xC0) == 0x80)
				i++;
			out[o++] = ' ';
		}
	}
	out[o] = '\0';
	free(utf8);
	return (int) o;
}

/* Transliterate to Latin-ASCII, keeping case and punctuation. */
int
NamesToAscii(const char *s, size_t len, char *out, size_t outcap)
{
	if (len > NAMES_MAX_BYTES)
		return NAMES_ERR_TOO_LONG;
	if (NamesIsAscii(s, len))
	{
		size_t		i;

		if (len + 1 > outcap)
			return NAMES_ERR_TOO_LONG;
		for (i = 0; i < len; i++)
			out[i] = s[i] == '\0' ? ' ' : s[i];
		out[len] = '\0';
		return (int) len;
	}
	return NamesTranslitToAscii(s, len, out, outcap);
}

/* Fold ASCII text in place into the normalised form; returns its length. */
static int
NamesFoldAscii(char *s, int len)
{
	int			i;
	int			o = 0;
	bool		pending_space = false;

	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) s[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))
		{
			if (pending_space && o > 0)
				s[o++] = ' ';
			pending_space = false;
			s[o++] = (char) ((c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c);
		}
		else if (c == '\'' || c == '.' || c == '`')
			continue;
		else
			pending_space = true;
	}
	s[o] = '\0';
	return o;
}

/* Normalise name text (see names_text.h). */
int
NamesNormalize(const char *s, size_t len, char *out, size_t outcap)
{
	int			n = NamesToAscii(s, len, out, outcap);

	if (n < 0)
		return n;
	return NamesFoldAscii(out, n);
}

/* Message for a status code. */
const char *
NamesStatusMessage(int status)
{
	switch (status)
	{
		case NAMES_OK:
			return "ok";
		case NAMES_ERR_ENCODING:
			return "invalid UTF-8 byte sequence";
		case NAMES_ERR_TOO_LONG:
			return "too long";
		case NAMES_ERR_ICU:
			return "ICU transliteration failed";
		case NAMES_ERR_EMPTY:
			return "no name part";
		case NAMES_ERR_MEMORY:
			return "out of memory";
	}
	return "unknown error";
}
