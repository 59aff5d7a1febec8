/*-------------------------------------------------------------------------
 *
 * audit_frame.h
 *	  Canonical framing of an audit entry for its SHA-256 link, hex coding
 *	  of digests and the small-cell suppression rule.  Plain C, no server
 *	  headers: the caller passes the allocator.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REFERRAL_CRM_AUDIT_FRAME_H
#define REFERRAL_CRM_AUDIT_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer; grow(old, size) returns a block of size bytes. */
typedef struct GovFrame
{
	unsigned char *data;
	size_t		len;
	size_t		cap;
	void	   *(*grow) (void *old, size_t size);
	bool		failed;			/* an allocation failed or a length overflowed */
} GovFrame;

#define GOV_FRAME_NULL_TAG	0xFF
#define GOV_FRAME_VALUE_TAG 0x01

extern void GovFrameInit(GovFrame *f, void *(*grow) (void *old, size_t size));
extern void GovFrameReset(GovFrame *f);
extern void GovFrameAppendNull(GovFrame *f);
extern void GovFrameAppendBytes(GovFrame *f, const void *bytes, size_t len);
extern void GovFrameAppendInt64(GovFrame *f, int64_t v);

extern void GovHexEncode(const unsigned char *in, size_t n, char *out);
extern bool GovHexDecode(const char *in, size_t inlen, unsigned char *out, size_t outlen);

extern bool GovSuppressed(int64_t count, int64_t threshold);

#endif							/* REFERRAL_CRM_AUDIT_FRAME_H */
