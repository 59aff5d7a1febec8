/*-------------------------------------------------------------------------
 *
 * template.h
 *	  Message templates with named placeholders ({{patient_first_name}}):
 *	  scanning, validation and rendering with per-channel escaping.  Plain
 *	  C, no server headers: the caller allocates the output.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REFERRAL_CRM_TEMPLATE_H
#define REFERRAL_CRM_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

/* Longest placeholder name. */
#define CRM_NAME_MAX 63

/* How values are escaped for the channel they go out on. */
typedef enum CrmEscape
{
	CRM_ESCAPE_TEXT,			/* fax, letter, call script: no control chars */
	CRM_ESCAPE_HTML,			/* e-mail, portal: & < > " ' as entities */
	CRM_ESCAPE_SMS				/* text message: one line, no control chars */
} CrmEscape;

typedef enum CrmTemplateStatus
{
	CRM_TPL_OK = 0,
	CRM_TPL_SYNTAX,				/* "{{" without a well-formed name and "}}" */
	CRM_TPL_UNKNOWN,			/* a name the caller does not know */
	CRM_TPL_MISSING,			/* a known name without a value */
	CRM_TPL_TOO_LONG			/* the output would not fit in a size_t */
} CrmTemplateStatus;

typedef struct CrmTemplateError
{
	CrmTemplateStatus status;
	size_t		offset;			/* byte offset of the placeholder's "{{" */
	char		name[CRM_NAME_MAX + 1]; /* the placeholder's name, if any */
} CrmTemplateError;

/* Called for each placeholder in order; return false to stop the scan. */
typedef bool (*CrmPlaceholderFn) (const char *name, size_t len, void *arg);

/* The escape mode of a communication channel code, or false if unknown. */
extern bool CrmEscapeForChannel(const char *channel, CrmEscape *mode);

/*
 * Check the syntax of a template and call fn (may be NULL) on each
 * placeholder.  Returns CRM_TPL_OK, or CRM_TPL_SYNTAX with err filled in.
 */
extern CrmTemplateStatus CrmTemplateScan(const char *body, size_t len,
										 CrmPlaceholderFn fn, void *arg,
										 CrmTemplateError *err);

/*
 * Render a template.  names[i] (NUL-terminated) has the value values[i]
 * of vlens[i] bytes, or no value if values[i] is NULL.  With out == NULL
 * only *outlen is computed; otherwise out must hold outcap >= *outlen bytes
 * as returned by a measuring call (no NUL is written).
 */
extern CrmTemplateStatus CrmTemplateRender(const char *body, size_t len,
										   const char *const *names,
										   const char *const *values,
										   const size_t *vlens, int nvalues,
										   CrmEscape mode, char *out,
										   size_t outcap, size_t *outlen,
										   CrmTemplateError *err);

#endif							/* REFERRAL_CRM_TEMPLATE_H */
