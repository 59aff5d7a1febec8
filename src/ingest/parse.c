/*-------------------------------------------------------------------------
 *
 * parse.c
 *	  CSV records (RFC 4180) and strict dates for ingestion.  Plain C; see
 *	  parse.h.
 *
 *	  CSV: fields separated by commas, records by LF, CRLF or CR; a field
 *	  may be enclosed in double quotes, inside which commas and line breaks
 *	  are data and "" is one quote.  A quote inside an unquoted field, text
 *	  after a closing quote, or an unterminated quote make the record
 *	  malformed; reading resumes at the next line.
 *
 *	  "The next line" is the physical line after the one on which the
 *	  malformed record starts, even when the record went on over further
 *	  lines inside a quoted field (a quote opened and never closed, or
 *	  closed on a later line and followed by text).  A malformed record is
 *	  therefore exactly one physical line (its raw text never contains a
 *	  line break), and every later line is read again as records of its
 *	  own.  This rule cannot lose rows: every line of the input is either
 *	  part of a well-formed record or the raw text of exactly one malformed
 *	  record.  Its price: the continuation lines of a malformed multi-line
 *	  record are reported (or, if they happen to be valid CSV, staged) on
 *	  their own; they never vanish inside another record.  A quoted field
 *	  that is closed and followed by a comma or a line end is well-formed
 *	  RFC 4180, whatever lines it spans.
 *
 *	  Dates: YYYY-MM-DD, MM/DD/YYYY, CCYYMMDD, each optionally followed by a
 *	  time HH:MM[:SS[.ffffff]] (after 'T' or one space) and an offset (Z,
 *	  +HH, +HHMM, +HH:MM, optionally after one space).  Calendar values are
 *	  checked (no 30 February); years 1800-2200.
 *
 *-------------------------------------------------------------------------
 */
#include "parse.h"

#include <string.h>

/* Start reading a buffer of len bytes. */
void
CsvInit(CsvReader *r, const char *data, size_t len)
{
	r->data = data;
	r->len = len;
	r->pos = 0;
	r->record_start = 0;
	r->record_end = 0;
	r->error = NULL;
}

/* Skip one line ending (CRLF, LF or CR) at pos, if there is one. */
static size_t
SkipEol(const CsvReader *r, size_t pos)
{
	if (pos < r->len && r->data[pos] == '\r')
	{
		pos++;
		if (pos < r->len && r->data[pos] == '\n')
			pos++;
	}
	else if (pos < r->len && r->data[pos] == '\n')
		pos++;
	return pos;
}

/*
 * Report the record that starts at record_start as malformed: its raw text
 * is the rest of that physical line, and reading resumes at the line after
 * it (not after the point where the problem was found, which may be lines
 * further on inside a quoted field).
 */
static CsvStatus
Malformed(CsvReader *r, const char *why)
{
	size_t		pos = r->record_start;

	while (pos < r->len && r->data[pos] != '\n' && r->data[pos] != '\r')
		pos++;
	r->record_end = pos;
	r->pos = SkipEol(r, pos);
	r->error = why;
	return CSV_MALFORMED;
}

/*
 * Read the next record.  Up to maxfields fields are described in fields;
 * *nfields receives the true number of fields (it may exceed maxfields).
 * Blank lines are skipped.  A malformed record is one physical line (see
 * the header comment); the next call starts on the line after it.
 */
CsvStatus
CsvNext(CsvReader *r, CsvField *fields, int maxfields, int *nfields)
{
	size_t		pos = r->pos;
	int			n = 0;

	*nfields = 0;
	r->error = NULL;
	/* Skip blank lines. */
	while (pos < r->len && (r->data[pos] == '\n' || r->data[pos] == '\r'))
		pos++;
	if (pos >= r->len)
	{
		r->pos = pos;
		return CSV_END;
	}
	r->record_start = pos;

	for (;;)
	{
		CsvField	f;

		f.quoted = false;
		f.has_escapes = false;
		if (pos < r->len && r->data[pos] == '"')
		{
			f.quoted = true;
			pos++;
			f.start = r->data + pos;
			for (;;)
			{
				if (pos >= r->len)
					return Malformed(r, "unterminated quoted field");
				if (r->data[pos] == '"')
				{
					if (pos + 1 < r->len && r->data[pos + 1] == '"')
					{
						f.has_escapes = true;
						pos += 2;
						continue;
					}
					break;
				}
				pos++;
			}
			f.len = (size_t) (r->data + pos - f.start);
			pos++;				/* the closing quote */
			if (pos < r->len && r->data[pos] != ',' &&
				r->data[pos] != '\n' && r->data[pos] != '\r')
				return Malformed(r, "text after a closing quote");
		}
		else
		{
			f.start = r->data + pos;
			while (pos < r->len && r->data[pos] != ',' &&
				   r->data[pos] != '\n' && r->data[pos] != '\r')
			{
				if (r->data[pos] == '"')
					return Malformed(r, "quote inside an unquoted field");
				pos++;
			}
			f.len = (size_t) (r->data + pos - f.start);
		}
		if (n < maxfields)
			fields[n] = f;
		n++;
		if (pos < r->len && r->data[pos] == ',')
		{
			pos++;
			continue;
		}
		break;
	}
	r->record_end = pos;
	r->pos = SkipEol(r, pos);
	*nfields = n;
	return CSV_RECORD;
}

/*
 * Copy a field's value into dst (at least f->len bytes), turning "" into
 * ", and return its length.  dst is not NUL-terminated.
 */
size_t
CsvUnescape(const CsvField *f, char *dst)
{
	size_t		i,
				o = 0;

	if (!f->has_escapes)
	{
		memcpy(dst, f->start, f->len);
		return f->len;
	}
	for (i = 0; i < f->len; i++)
	{
		dst[o++] = f->start[i];
		if (f->start[i] == '"' && i + 1 < f->len && f->start[i + 1] == '"')
			i++;
	}
	return o;
}

/* Read exactly n digits at *p (advancing it) into *value. */
static bool
Digits(const char **p, const char *end, int n, int *value)
{
	int			v = 0;
	int			i;

	if (end - *p < n)
		return false;
	for (i = 0; i < n; i++)
	{
		char		c = (*p)[i];

		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*value = v;
	return true;
}

/* Whether day exists in year-month of the proleptic Gregorian calendar. */
bool
FeedDateValid(int year, int month, int day)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			max;

	if (month < 1 || month > 12 || day < 1)
		return false;
	max = mdays[month - 1];
	if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
		max = 29;
	return day <= max;
}

/* Parse the time part HH:MM[:SS[.f{1,6}]] at *p. */
static bool
ParseTime(const char **p, const char *end, ParsedDateTime *out)
{
	if (!Digits(p, end, 2, &out->hour) || *p >= end || **p != ':' )
		return false;
	(*p)++;
	if (!Digits(p, end, 2, &out->minute))
		return false;
	if (*p < end && **p == ':')
	{
		(*p)++;
		if (!Digits(p, end, 2, &out->second))
			return false;
		if (*p < end && **p == '.')
		{
			int			ndig = 0;
			int			scale = 100000;

			(*p)++;
			while (*p < end && **p >= '0' && **p <= '9')
			{
				if (ndig >= 6)
					return false;
				out->usec += (**p - '0') * scale;
				scale /= 10;
				ndig++;
				(*p)++;
			}
			if (ndig == 0)
				return false;
		}
	}
	out->has_time = true;
	return out->hour < 24 && out->minute < 60 && out->second < 60;
}

/* Parse an offset Z, +HH, +HHMM or +HH:MM at *p. */
static bool
ParseOffset(const char **p, const char *end, ParsedDateTime *out)
{
	int			sign,
				hh = 0,
				mm = 0;

	if (**p == 'Z' || **p == 'z')
	{
		(*p)++;
		out->has_offset = true;
		out->offset_seconds = 0;
		return true;
	}
	if (**p != '+' && **p != '-')
		return false;
	sign = (**p == '-') ? -1 : 1;
	(*p)++;
	if (!Digits(p, end, 2, &hh))
		return false;
	if (*p < end && **p == ':')
	{
		(*p)++;
		if (!Digits(p, end, 2, &mm))
			return false;
	}
	else if (end - *p >= 2 && (*p)[0] >= '0' && (*p)[0] <= '9')
	{
		if (!Digits(p, end, 2, &mm))
			return false;
	}
	if (hh > 15 || mm > 59)
		return false;
	out->has_offset = true;
	out->offset_seconds = sign * (hh * 3600 + mm * 60);
	return true;
}

/*
 * Parse a date or date-time of len bytes (surrounding blanks allowed).
 * Returns false for anything malformed or impossible.
 */
bool
FeedParseDateTime(const char *s, size_t len, ParsedDateTime *out)
{
	const char *p = s;
	const char *end = s + len;

	memset(out, 0, sizeof(*out));
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end - p < 8)
		return false;

	if (p[2] == '/')
	{
		/* MM/DD/YYYY */
		if (!Digits(&p, end, 2, &out->month) || *p++ != '/' ||
			!Digits(&p, end, 2, &out->day) || p >= end || *p++ != '/' ||
			!Digits(&p, end, 4, &out->year))
			return false;
	}
	else if (p[4] == '-')
	{
		if (!Digits(&p, end, 4, &out->year) || *p++ != '-' ||
			!Digits(&p, end, 2, &out->month) || p >= end || *p++ != '-' ||
			!Digits(&p, end, 2, &out->day))
			return false;
	}
	else
	{
		/* CCYYMMDD (X12 D8) */
		if (!Digits(&p, end, 4, &out->year) || !Digits(&p, end, 2, &out->month) ||
			!Digits(&p, end, 2, &out->day))
			return false;
	}
	if (out->year < 1800 || out->year > 2200 ||
		!FeedDateValid(out->year, out->month, out->day))
		return false;
	if (p == end)
		return true;

	/* Time, after 'T' or one space. */
	if (*p != 'T' && *p != 't' && *p != ' ')
		return false;
	p++;
	if (!ParseTime(&p, end, out))
		return false;
	if (p == end)
		return true;
	if (*p == ' ')
		p++;
	if (p >= end || !ParseOffset(&p, end, out))
		return false;
	return p == end;
}
