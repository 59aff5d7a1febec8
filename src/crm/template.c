/*-------------------------------------------------------------------------
 *
 * template.c
 *	  Message templates: {{name}} placeholders (blanks allowed inside the
 *	  braces, names [a-z][a-z0-9_]*), rendered in one pass so that a value
 *	  containing "{{" is never expanded again, each value escaped for its
 *	  channel.  Plain C; see template.h.
 *
 *-------------------------------------------------------------------------
 */
#include "template.h"

#include <stdint.h>
#include <string.h>

/* Whether c may start a placeholder name. */
static bool
CrmIsNameStart(char c)
{
	return c >= 'a' && c <= 'z';
}

/* Whether c may continue a placeholder name. */
static bool
CrmIsNameChar(char c)
{
	return CrmIsNameStart(c) || (c >= '0' && c <= '9') || c == '_';
}

bool
CrmEscapeForChannel(const char *channel, CrmEscape *mode)
{
	if (strcmp(channel, "email") == 0 || strcmp(channel, "portal") == 0)
		*mode = CRM_ESCAPE_HTML;
	else if (strcmp(channel, "sms") == 0)
		*mode = CRM_ESCAPE_SMS;
	else if (strcmp(channel, "fax") == 0 || strcmp(channel, "letter") == 0 ||
			 strcmp(channel, "call") == 0)
		*mode = CRM_ESCAPE_TEXT;
	else
		return false;
	return true;
}

/* Fill err for a failure at offset, with the name if there is one. */
static CrmTemplateStatus
CrmFail(CrmTemplateError *err, CrmTemplateStatus st, size_t offset,
		const char *name, size_t nlen)
{
	if (err != NULL)
	{
		err->status = st;
		err->offset = offset;
		if (nlen > CRM_NAME_MAX)
			nlen = CRM_NAME_MAX;
		if (name != NULL)
			memcpy(err->name, name, nlen);
		else
			nlen = 0;
		err->name[nlen] = '\0';
	}
	return st;
}

/*
 * Parse a placeholder at body[i] == body[i+1] == '{'.  On success sets the
 * name slice and *end to the offset after "}}".
 */
static bool
CrmParsePlaceholder(const char *body, size_t len, size_t i,
					const char **name, size_t *nlen, size_t *end)
{
	size_t		p = i + 2,
				s;

	while (p < len && (body[p] == ' ' || body[p] == '\t'))
		p++;
	if (p >= len || !CrmIsNameStart(body[p]))
		return false;
	s = p;
	while (p < len && CrmIsNameChar(body[p]))
		p++;
	if (p - s > CRM_NAME_MAX)
		return false;
	*name = body + s;
	*nlen = p - s;
	while (p < len && (body[p] == ' ' || body[p] == '\t'))
		p++;
	if (p + 1 >= len || body[p] != '}' || body[p + 1] != '}')
		return false;
	*end = p + 2;
	return true;
}

CrmTemplateStatus
CrmTemplateScan(const char *body, size_t len, CrmPlaceholderFn fn, void *arg,
				CrmTemplateError *err)
{
	size_t		i = 0;

	while (i < len)
	{
		const char *name;
		size_t		nlen,
					end;

		if (body[i] != '{' || i + 1 >= len || body[i + 1] != '{')
		{
			i++;
			continue;
		}
		if (!CrmParsePlaceholder(body, len, i, &name, &nlen, &end))
			return CrmFail(err, CRM_TPL_SYNTAX, i, NULL, 0);
		if (fn != NULL && !fn(name, nlen, arg))
			break;
		i = end;
	}
	return CRM_TPL_OK;
}

/*
 * Escape one character of a value, at s with avail bytes left: sets *used
 * to the bytes it takes in the input and *rep to its replacement (NULL: the
 * input bytes themselves), and returns the bytes it takes in the output (0:
 * dropped).  Values are UTF-8.  Control characters are dropped in every
 * channel: C0 (U+0000..U+001F but line feed and tab, which text and HTML
 * keep), DEL and C1 (U+0080..U+009F, bytes C2 80..C2 9F, among them U+0085
 * NEXT LINE).  U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR count
 * as line breaks: a line feed in text and HTML, a space in sms, where line
 * feeds, carriage returns and tabs become spaces so that the message stays
 * on one line.
 */
static size_t
CrmEscapeChar(const unsigned char *s, size_t avail, CrmEscape mode,
			  const char **rep, size_t *used)
{
	unsigned char c = s[0];

	*rep = NULL;
	*used = 1;
	if (c == 0xC2 && avail >= 2 && s[1] >= 0x80 && s[1] <= 0x9F)
	{
		*used = 2;				/* a C1 control */
		return 0;
	}
	if (c == 0xE2 && avail >= 3 && s[1] == 0x80 && (s[2] == 0xA8 || s[2] == 0xA9))
	{
		*used = 3;				/* U+2028, U+2029: a line break */
		*rep = mode == CRM_ESCAPE_SMS ? " " : "\n";
		return 1;
	}
	if (mode == CRM_ESCAPE_HTML)
	{
		switch (c)
		{
			case '&':
				*rep = "&amp;";
				return 5;
			case '<':
				*rep = "&lt;";
				return 4;
			case '>':
				*rep = "&gt;";
				return 4;
			case '"':
				*rep = "&quot;";
				return 6;
			case '\'':
				*rep = "&#39;";
				return 5;
			default:
				break;
		}
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			return 0;
		return 1;
	}
	if (mode == CRM_ESCAPE_SMS)
	{
		if (c == '\n' || c == '\t' || c == '\r')
		{
			*rep = " ";
			return 1;
		}
		if (c < 0x20 || c == 0x7f)
			return 0;
		return 1;
	}
	/* Plain text: keep line breaks and tabs, drop other control bytes. */
	if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
		return 0;
	return 1;
}

/* Append n bytes if there is room, counting them either way. */
static void
CrmPut(char *out, size_t outcap, size_t *pos, const char *s, size_t n)
{
	if (out != NULL && *pos + n <= outcap)
		memcpy(out + *pos, s, n);
	*pos += n;
}

CrmTemplateStatus
CrmTemplateRender(const char *body, size_t len, const char *const *names,
				  const char *const *values, const size_t *vlens, int nvalues,
				  CrmEscape mode, char *out, size_t outcap, size_t *outlen,
				  CrmTemplateError *err)
{
	size_t		i = 0,
				pos = 0,
				lit = 0;

	while (i < len)
	{
		const char *name;
		size_t		nlen,
					end,
					k;
		int			v;

		if (body[i] != '{' || i + 1 >= len || body[i + 1] != '{')
		{
			i++;
			continue;
		}
		if (!CrmParsePlaceholder(body, len, i, &name, &nlen, &end))
			return CrmFail(err, CRM_TPL_SYNTAX, i, NULL, 0);
		/* The literal text before the placeholder goes out as it is. */
		CrmPut(out, outcap, &pos, body + lit, i - lit);
		for (v = 0; v < nvalues; v++)
			if (strlen(names[v]) == nlen && memcmp(names[v], name, nlen) == 0)
				break;
		if (v == nvalues)
			return CrmFail(err, CRM_TPL_UNKNOWN, i, name, nlen);
		if (values[v] == NULL)
			return CrmFail(err, CRM_TPL_MISSING, i, name, nlen);
		for (k = 0; k < vlens[v];)
		{
			const char *rep;
			size_t		used;
			size_t		n = CrmEscapeChar((const unsigned char *) values[v] + k,
										  vlens[v] - k, mode, &rep, &used);

			if (pos > SIZE_MAX - 8)
				return CrmFail(err, CRM_TPL_TOO_LONG, i, name, nlen);
			if (n > 0)
				CrmPut(out, outcap, &pos, rep != NULL ? rep : values[v] + k, n);
			k += used;
		}
		i = end;
		lit = end;
	}
	CrmPut(out, outcap, &pos, body + lit, len - lit);
	*outlen = pos;
	if (out != NULL && pos > outcap)
		return CrmFail(err, CRM_TPL_TOO_LONG, len, NULL, 0);
	return CRM_TPL_OK;
}
