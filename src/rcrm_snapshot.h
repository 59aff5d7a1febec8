/*-------------------------------------------------------------------------
 *
 * rcrm_snapshot.h
 *	  Per-backend caches of table contents (routing rules, models, the
 *	  audit's staff ids, nicknames and name frequencies) that must not
 *	  outlive the snapshot they were read under.
 *
 *	  Relcache invalidation alone is not enough: a REPEATABLE READ
 *	  transaction (or a long statement) can take in the invalidation of a
 *	  change, reload under its older snapshot, and keep the older contents
 *	  cached after it ends, with no invalidation left to come.  So a load
 *	  that may predate such a change (under a transaction snapshot, or
 *	  after an invalidation taken in during the same transaction) is
 *	  "pinned": used only under a snapshot that sees what that one saw.
 *	  Any other load saw every change whose invalidation came before it,
 *	  and stays valid until the next invalidation, across transactions.
 *
 *	  Two snapshots with the same xmin, xmax and counts of running
 *	  (sub)transactions see the same committed rows: no transaction below
 *	  xmax can start after a snapshot is taken, so the running set only
 *	  shrinks, and equal counts mean equal sets.
 *
 *	  Header only (static inline); server code.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RCRM_SNAPSHOT_H
#define RCRM_SNAPSHOT_H

#include "access/transam.h"
#include "access/xact.h"
#include "storage/proc.h"
#include "utils/snapmgr.h"

/* What a snapshot sees, in a form that can be compared later. */
typedef struct RcrmSnapMark
{
	TransactionId xmin;
	TransactionId xmax;			/* InvalidTransactionId: no active snapshot */
	uint32		xcnt;
	int32		subxcnt;
	bool		suboverflowed;
} RcrmSnapMark;

/* The mark of the active snapshot (all zero without one). */
static inline RcrmSnapMark
RcrmSnapMarkNow(void)
{
	RcrmSnapMark m;

	memset(&m, 0, sizeof(m));
	if (ActiveSnapshotSet())
	{
		Snapshot	snap = GetActiveSnapshot();

		m.xmin = snap->xmin;
		m.xmax = snap->xmax;
		m.xcnt = snap->xcnt;
		m.subxcnt = snap->subxcnt;
		m.suboverflowed = snap->suboverflowed;
	}
	return m;
}

/* Does the active snapshot see what the snapshot of mark m saw? */
static inline bool
RcrmSnapMarkHolds(const RcrmSnapMark *m)
{
	RcrmSnapMark now = RcrmSnapMarkNow();

	return now.xmax != InvalidTransactionId &&
		now.xmin == m->xmin && now.xmax == m->xmax &&
		now.xcnt == m->xcnt && now.subxcnt == m->subxcnt &&
		now.suboverflowed == m->suboverflowed;
}

/* In an invalidation callback: remember that this transaction took one in. */
static inline void
RcrmSnapNoteInval(LocalTransactionId *inval_lxid)
{
	if (MyProc != NULL)
		*inval_lxid = MyProc->lxid;
}

/* Must a load made now be pinned to its snapshot? */
static inline bool
RcrmSnapMustPin(LocalTransactionId inval_lxid)
{
	return IsolationUsesXactSnapshot() ||
		(MyProc != NULL && inval_lxid == MyProc->lxid);
}

#endif							/* RCRM_SNAPSHOT_H */
