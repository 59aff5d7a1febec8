/*-------------------------------------------------------------------------
 *
 * crm_fmgr.c
 *	  SQL-callable glue of the CRM room: template_placeholders() and
 *	  template_fill() over src/crm/template.c, and the room's settings
 *	  (referral_crm.as_of).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type_d.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"

#include "crm/template.h"

PG_FUNCTION_INFO_V1(template_placeholders);
PG_FUNCTION_INFO_V1(template_fill);

void		RcrmCrmInit(void);

static char *crm_as_of = NULL;

/* Settings of the CRM room; called from _PG_init. */
void
RcrmCrmInit(void)
{
	DefineCustomStringVariable("referral_crm.as_of",
							   "The clock of the CRM views and generate_tasks(): empty means now().",
							   "Set it to a timestamptz to see SLAs, reminders and overdue tasks as they stood then.",
							   &crm_as_of, "", PGC_USERSET, 0, NULL, NULL, NULL);
}

/* Report a template error as an SQL error. */
static void
CrmTemplateReport(const CrmTemplateError *err)
{
	switch (err->status)
	{
		case CRM_TPL_SYNTAX:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("malformed placeholder at byte %zu of the template", err->offset + 1),
					 errdetail("A placeholder is {{name}} with a lower-case name of letters, digits and underscores."),
					 errhint("Close every \"{{\" with \"}}\".")));
			break;
		case CRM_TPL_UNKNOWN:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unknown placeholder \"{{%s}}\" in the template", err->name),
					 errhint("The placeholders are listed by referral_crm.template_fields().")));
			break;
		case CRM_TPL_MISSING:
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("placeholder \"{{%s}}\" has no value for this referral", err->name),
					 errdetail("The message would go out with a gap, so it is not rendered."),
					 errhint("Record the missing data, or use a template without this placeholder.")));
			break;
		case CRM_TPL_TOO_LONG:
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("rendered message is too long")));
			break;
		case CRM_TPL_OK:
			break;
	}
}

/* Collects placeholder names into an ArrayBuildState. */
typedef struct CrmNames
{
	ArrayBuildState *astate;
} CrmNames;

static bool
CrmCollectName(const char *name, size_t len, void *arg)
{
	CrmNames   *n = (CrmNames *) arg;

	n->astate = accumArrayResult(n->astate,
								 PointerGetDatum(cstring_to_text_with_len(name, (int) len)),
								 false, TEXTOID, CurrentMemoryContext);
	return true;
}

/*
 * template_placeholders(body text) RETURNS text[]: the placeholder names of
 * a template in order of appearance (repeats kept); an error if malformed.
 */
Datum
template_placeholders(PG_FUNCTION_ARGS)
{
	text	   *body = PG_GETARG_TEXT_PP(0);
	CrmNames	n = {NULL};
	CrmTemplateError err;

	if (CrmTemplateScan(VARDATA_ANY(body), VARSIZE_ANY_EXHDR(body),
						CrmCollectName, &n, &err) != CRM_TPL_OK)
		CrmTemplateReport(&err);
	if (n.astate == NULL)
		PG_RETURN_ARRAYTYPE_P(construct_empty_array(TEXTOID));
	PG_RETURN_DATUM(makeArrayResult(n.astate, CurrentMemoryContext));
}

/*
 * template_fill(body text, names text[], vals text[], channel text) RETURNS
 * text: render body with names[i] = vals[i], escaped for the channel.  A
 * placeholder not in names, or whose value is NULL, is an error.
 */
Datum
template_fill(PG_FUNCTION_ARGS)
{
	text	   *body = PG_GETARG_TEXT_PP(0);
	ArrayType  *names_a = PG_GETARG_ARRAYTYPE_P(1);
	ArrayType  *vals_a = PG_GETARG_ARRAYTYPE_P(2);
	char	   *channel = text_to_cstring(PG_GETARG_TEXT_PP(3));
	Datum	   *nd,
			   *vd;
	bool	   *nn,
			   *vn;
	int			nnames,
				nvals,
				i;
	const char **names;
	const char **vals;
	size_t	   *vlens;
	CrmEscape	mode;
	CrmTemplateError err;
	size_t		outlen;
	text	   *result;

	if (!CrmEscapeForChannel(channel, &mode))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown channel \"%s\"", channel),
				 errhint("Use one of: call, fax, sms, email, portal, letter.")));
	if (ARR_NDIM(names_a) > 1 || ARR_NDIM(vals_a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("names and values must be one-dimensional arrays")));
	deconstruct_array(names_a, TEXTOID, -1, false, TYPALIGN_INT, &nd, &nn, &nnames);
	deconstruct_array(vals_a, TEXTOID, -1, false, TYPALIGN_INT, &vd, &vn, &nvals);
	if (nnames != nvals)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%d placeholder names but %d values", nnames, nvals),
				 errdetail("Each name needs exactly one value (NULL for none).")));
	names = palloc(sizeof(char *) * (nnames + 1));
	vals = palloc(sizeof(char *) * (nnames + 1));
	vlens = palloc(sizeof(size_t) * (nnames + 1));
	for (i = 0; i < nnames; i++)
	{
		if (nn[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("placeholder name %d is NULL", i + 1)));
		names[i] = TextDatumGetCString(nd[i]);
		if (vn[i])
		{
			vals[i] = NULL;
			vlens[i] = 0;
		}
		else
		{
			text	   *t = DatumGetTextPP(vd[i]);

			vals[i] = VARDATA_ANY(t);
			vlens[i] = VARSIZE_ANY_EXHDR(t);
		}
	}
	if (CrmTemplateRender(VARDATA_ANY(body), VARSIZE_ANY_EXHDR(body), names, vals, vlens,
						  nnames, mode, NULL, 0, &outlen, &err) != CRM_TPL_OK)
		CrmTemplateReport(&err);
	if (outlen > MaxAllocSize - VARHDRSZ)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("rendered message would take %zu bytes, more than the limit of %zu",
						outlen, (size_t) (MaxAllocSize - VARHDRSZ))));
	result = (text *) palloc(outlen + VARHDRSZ);
	SET_VARSIZE(result, outlen + VARHDRSZ);
	if (CrmTemplateRender(VARDATA_ANY(body), VARSIZE_ANY_EXHDR(body), names, vals, vlens,
						  nnames, mode, VARDATA(result), outlen, &outlen, &err) != CRM_TPL_OK)
		CrmTemplateReport(&err);
	PG_RETURN_TEXT_P(result);
}
