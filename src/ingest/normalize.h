/*-------------------------------------------------------------------------
 *
 * normalize.h
 *	  Normalisers of feed values: ZIP codes and ICD-10-CM codes as offices
 *	  and spreadsheets write them.  Plain C, no server headers.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REFERRAL_CRM_NORMALIZE_H
#define REFERRAL_CRM_NORMALIZE_H

#include <stdbool.h>
#include <stddef.h>

/* out receives "12345" or "12345-6789" and a NUL (at least 11 bytes). */
extern bool NormZip(const char *s, size_t len, char *out);

/* out receives the canonical code, e.g. "R07.9", and a NUL (9 bytes). */
extern bool NormIcd10(const char *s, size_t len, char *out);

#endif							/* REFERRAL_CRM_NORMALIZE_H */
