/*-------------------------------------------------------------------------
 *
 * parse.h
 *	  Parsers for ingestion: an RFC 4180 CSV record reader and a strict
 *	  date / date-time reader (ISO 8601, US MM/DD/YYYY, X12 CCYYMMDD).
 *	  Plain C, no server headers: the caller owns every buffer, so the code
 *	  is unit-tested and fuzzed outside PostgreSQL.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REFERRAL_CRM_PARSE_H
#define REFERRAL_CRM_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/* One field of a CSV record: a slice of the input. */
typedef struct CsvField
{
	const char *start;			/* first byte (inside the quotes if quoted) */
	size_t		len;			/* bytes, before unescaping "" */
	bool		quoted;			/* was enclosed in double quotes */
	bool		has_escapes;	/* contains "" pairs to unescape */
} CsvField;

typedef enum CsvStatus
{
	CSV_END = 0,				/* no more records */
	CSV_RECORD = 1,				/* a well-formed record */
	CSV_MALFORMED = -1			/* a record that is not valid CSV */
} CsvStatus;

typedef struct CsvReader
{
	const char *data;
	size_t		len;
	size_t		pos;
	size_t		record_start;	/* byte offset of the last record */
	size_t		record_end;		/* one past its last byte (before EOL) */
	const char *error;			/* what was wrong, for CSV_MALFORMED */
} CsvReader;

extern void CsvInit(CsvReader *r, const char *data, size_t len);
extern CsvStatus CsvNext(CsvReader *r, CsvField *fields, int maxfields, int *nfields);
extern size_t CsvUnescape(const CsvField *f, char *dst);

/* A parsed date or date-time; fields are calendar values. */
typedef struct ParsedDateTime
{
	int			year,
				month,
				day;
	int			hour,
				minute,
				second,
				usec;
	bool		has_time;
	bool		has_offset;
	int			offset_seconds; /* east of UTC, as in ISO 8601 */
} ParsedDateTime;

extern bool FeedParseDateTime(const char *s, size_t len, ParsedDateTime *out);
extern bool FeedDateValid(int year, int month, int day);

#endif							/* REFERRAL_CRM_PARSE_H */
