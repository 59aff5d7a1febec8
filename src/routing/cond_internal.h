/*-------------------------------------------------------------------------
 *
 * cond_internal.h
 *	  Layout of the compiled routing condition, shared by cond.c and
 *	  analyze.c only.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REFERRAL_CRM_ROUTING_COND_INTERNAL_H
#define REFERRAL_CRM_ROUTING_COND_INTERNAL_H

#include "routing/cond.h"

#define ALIGN8(x) (((x) + 7) & ~((size_t) 7))

static inline size_t
OffNodes(void)
{
	return sizeof(RoutingExpr);
}
static inline size_t
OffKids(const RoutingExpr *e)
{
	return OffNodes() + (size_t) e->nnodes * sizeof(RoutingNode);
}
static inline size_t
OffValues(const RoutingExpr *e)
{
	return ALIGN8(OffKids(e) + (size_t) e->nkids * sizeof(int32_t));
}
static inline size_t
OffStr(const RoutingExpr *e)
{
	return OffValues(e) + (size_t) e->nvalues * sizeof(RoutingValue);
}

#define NODES(e)  ((const RoutingNode *) ((const char *) (e) + OffNodes()))
#define KIDS(e)   ((const int32_t *) ((const char *) (e) + OffKids(e)))
#define VALUES(e) ((const RoutingValue *) ((const char *) (e) + OffValues(e)))
#define STR(e)    ((const char *) (e) + OffStr(e))

#endif							/* REFERRAL_CRM_ROUTING_COND_INTERNAL_H */
