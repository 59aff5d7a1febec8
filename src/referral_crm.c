/*-------------------------------------------------------------------------
 *
 * referral_crm.c
 *	  Module entry point of the referral_crm extension: the module magic
 *	  and _PG_init, which calls each capability's initialisation and then
 *	  reserves the referral_crm.* settings prefix.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/* Define settings and per-backend state for every capability. */
void
_PG_init(void)
{
	MarkGUCPrefixReserved("referral_crm");
}
