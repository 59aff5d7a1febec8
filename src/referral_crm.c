/*-------------------------------------------------------------------------
 *
 * referral_crm.c
 *	  Module entry point of the referral_crm extension: the module magic
 *	  and _PG_init, which calls each capability's initialisation and then
 *	  reserves the referral_crm.* settings prefix.
 *
 *	  Each room that defines settings or per-backend state provides
 *	  Rcrm<Room>Init(void).  They are declared weak so that a room can land
 *	  on its own; a room that is absent is simply not called.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

extern void RcrmNamesInit(void) __attribute__((weak));
extern void RcrmNotesInit(void) __attribute__((weak));
extern void RcrmScoringInit(void) __attribute__((weak));
extern void RcrmRoutingInit(void) __attribute__((weak));
extern void RcrmCrmInit(void) __attribute__((weak));
extern void RcrmGovernanceInit(void) __attribute__((weak));

/* Define settings and per-backend state for every capability. */
void
_PG_init(void)
{
	void		(*inits[]) (void) = {
		RcrmNamesInit, RcrmNotesInit, RcrmScoringInit,
		RcrmRoutingInit, RcrmCrmInit, RcrmGovernanceInit
	};
	size_t		i;

	for (i = 0; i < lengthof(inits); i++)
		if (inits[i] != NULL)
			inits[i] ();
	MarkGUCPrefixReserved("referral_crm");
}
