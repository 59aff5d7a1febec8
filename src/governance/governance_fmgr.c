/*-------------------------------------------------------------------------
 *
 * governance_fmgr.c
 *	  SQL-callable glue for governance: the audit trigger, the hash chain
 *	  (audit_verify, audit_head), read tracing, pseudonymous tokens and
 *	  the random keys behind them.
 *
 *	  The audit trigger is a statement-level AFTER trigger that reads the
 *	  statement's transition tables, so that a bulk INSERT ... SELECT pays
 *	  one call, not one per row.  It writes the entries straight into
 *	  referral_crm_audit.audit_log (heap inserts), in the same transaction
 *	  as the change; nobody holds INSERT on audit_log, so this trigger is
 *	  its only writer.  A transaction opens audit_log once, at its first
 *	  entry, and keeps it open with its insertion page pinned until it
 *	  commits (GovTxSink); row images are encoded straight into jsonb.
 *
 *	  Hash chain: every backend appends to a chain of its own (chain_id
 *	  from a sequence, seq 1, 2, 3 ...), each entry carrying
 *	  SHA-256(previous hash || framed entry).  Concurrent writers therefore
 *	  never wait on one another.  A backend's chain position is restored
 *	  when its (sub)transaction aborts, so committed chains have no gaps.
 *	  audit_head() seals the heads of all chains into the checkpoint chain
 *	  (chain 0) and returns the digest to keep outside the database;
 *	  audit_verify() recomputes every link and every checkpoint claim.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/hio.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/toast_compression.h"
#include "access/toast_internals.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/namespace.h"
#include "catalog/pg_type_d.h"
#include "commands/sequence.h"
#include "commands/trigger.h"
#include "common/cryptohash.h"
#include "common/hmac.h"
#include "common/sha2.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/bitmapset.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "storage/proc.h"
#include "storage/smgr.h"
#include "tcop/utility.h"
#include "parser/parse_relation.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/inval.h"
#include "utils/hsearch.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/rel.h"
#include "utils/resowner.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "audit_frame.h"
#include "rcrm_snapshot.h"

#ifdef USE_OPENSSL
#include <openssl/err.h>
#include <openssl/evp.h>
#endif

PG_FUNCTION_INFO_V1(audit_capture);
PG_FUNCTION_INFO_V1(audit_read);
PG_FUNCTION_INFO_V1(audit_event);
PG_FUNCTION_INFO_V1(audit_suppress_values);
PG_FUNCTION_INFO_V1(staff_changed);
PG_FUNCTION_INFO_V1(audit_verify);
PG_FUNCTION_INFO_V1(audit_checkpoint);
PG_FUNCTION_INFO_V1(pseudonym);
PG_FUNCTION_INFO_V1(random_key);
PG_FUNCTION_INFO_V1(acting_user);
PG_FUNCTION_INFO_V1(id_in);

void		RcrmGovernanceInit(void);
static void GovRelcacheCallback(Datum arg, Oid relid);

/* audit_log's columns, in order; hash is the last. */
#define GOV_NCOLS 16
#define GOV_NHASHED 15
enum
{
	GA_CHAIN, GA_SEQ, GA_LOGGED_AT, GA_XID, GA_SESSION, GA_ROLE, GA_STAFF,
	GA_APP, GA_CLIENT, GA_TABLE, GA_OP, GA_KEY, GA_OLD, GA_NEW, GA_DETAILS,
	GA_HASH
};
static const Oid GovColType[GOV_NCOLS] = {
	INT8OID, INT8OID, TIMESTAMPTZOID, INT8OID, TEXTOID, TEXTOID, INT8OID,
	TEXTOID, TEXTOID, TEXTOID, TEXTOID, JSONBOID, JSONBOID, JSONBOID, JSONBOID,
	BYTEAOID
};

#define GOV_SCHEMA "referral_crm"
#define GOV_AUDIT_SCHEMA "referral_crm_audit"
#define GOV_HASH_LEN PG_SHA256_DIGEST_LENGTH

/*
 * The SHA-256 context of the chain and of sensitive values (see GovSha).
 * With OpenSSL, an EVP context of our own; otherwise PostgreSQL's
 * cryptohash.
 */
#ifdef USE_OPENSSL
typedef EVP_MD_CTX GovHash;
#else
typedef pg_cryptohash_ctx GovHash;
#endif

/* Row images longer than this are stored compressed. */
#define GOV_COMPRESS_MIN 160
#ifdef USE_LZ4
#define GOV_COMPRESSION TOAST_LZ4_COMPRESSION
#else
#define GOV_COMPRESSION TOAST_PGLZ_COMPRESSION
#endif

/* Where this backend's chain stands. */
typedef struct GovChainState
{
	int64		chain_id;		/* 0: no chain yet */
	int64		seq;			/* last entry written, 0 if none */
	uint8		hash[GOV_HASH_LEN];
	ItemPointerData tip;		/* the chain's row in audit_chain_tips, or
								 * invalid if it has none yet */
} GovChainState;

typedef struct GovSubSave
{
	SubTransactionId subid;
	GovChainState state;
	int			suppress;		/* GovSuppressDepth at its start */
} GovSubSave;

/*
 * What a writer holds open: audit_log with its indexes, a slot, the frame
 * an entry is hashed from (the hash context is the backend's, GovSha).  A
 * statement's own sink lives as long as the statement;
 * the (sub)transaction's sink (GovTxSink) stays open from the first entry
 * to the end of the (sub)transaction that opened it, so that a transaction
 * of several single-row statements opens audit_log once and keeps its
 * insertion page pinned between entries.
 */
typedef struct GovSink
{
	Relation	rel;
	EState	   *estate;
	ResultRelInfo *rri;
	TupleTableSlot *slot;
	BulkInsertState bistate;
	GovFrame	frame;
	/* bulk statements: entries are inserted GOV_BATCH at a time */
	TupleTableSlot **bslots;
	int			nb;
	MemoryContext bcxt;
	/* the transaction's sink only (owner is NULL for a statement's sink) */
	ResourceOwner owner;		/* owns its relation, pin and hash context */
	MemoryContext cxt;			/* under the (sub)transaction's context */
	SubTransactionId subid;		/* the (sub)transaction that opened it */
	bool		open;
	bool		busy;			/* a writer is using it */
	bool		stale;			/* audit_log's relcache entry was invalidated */
} GovSink;

/* The sink kept open for the current (sub)transaction, if any. */
static GovSink GovTxSink;

static GovChainState GovChain;
static GovChainState GovXactStart;
static bool GovXactSaved = false;
static GovSubSave *GovSubStack = NULL;
static int	GovSubDepth = 0;
static int	GovSubCap = 0;
static int	GovSuppressDepth = 0;	/* > 0: DELETEs record keys only */

/*
 * Per-backend caches of the staff id of a role and of role names, kept
 * until referral_crm.staff changes (its statement trigger sends a relcache
 * invalidation) or any role changes (pg_authid syscache invalidation).
 * The names are copied before use: an invalidation may free them.
 */
#define GOV_ROLE_CACHE 8
typedef struct GovRoleCache
{
	Oid			role;
	bool		staff_known;
	int64		staff_id;
	text	   *name;			/* in TopMemoryContext */
	RcrmSnapMark snap;			/* the snapshot the staff row was read with */
	bool		pinned;			/* usable only under that snapshot */
} GovRoleCache;
static GovRoleCache GovRoles[GOV_ROLE_CACHE];
static int	GovNRoles = 0;
static GovRoleCache GovRoleScratch; /* an entry not cached (see GovRoleOf) */
static uint64 GovRoleGeneration = 0;	/* bumped by every reset */
/* The transaction in which a staff or role invalidation was last taken in. */
static LocalTransactionId GovRoleInvalLxid = InvalidLocalTransactionId;
static Oid	GovStaffRelid = InvalidOid;
static Oid	GovTipsRelid = InvalidOid;

static void GovAuthCallback(Datum arg, int cacheid, uint32 hashvalue);
static void GovTxSinkClose(void);
static void GovTxSinkForget(void);

/* Per-transaction cache of the pseudonym key. */
static LocalTransactionId GovKeyLxid = InvalidLocalTransactionId;
static uint8 GovKey[64];
static int	GovKeyLen = 0;

/*
 * Remember the chain position and the suppression depth at subtransaction
 * start; restore both on abort.
 */
static void
GovSubXactCallback(SubXactEvent event, SubTransactionId mySubid,
				   SubTransactionId parentSubid, void *arg)
{
	switch (event)
	{
		case SUBXACT_EVENT_START_SUB:
			if (GovSubDepth == GovSubCap)
			{
				int			cap = GovSubCap ? GovSubCap * 2 : 16;

				GovSubStack = GovSubStack
					? repalloc(GovSubStack, cap * sizeof(GovSubSave))
					: MemoryContextAlloc(TopMemoryContext, cap * sizeof(GovSubSave));
				GovSubCap = cap;
			}
			GovSubStack[GovSubDepth].subid = mySubid;
			GovSubStack[GovSubDepth].state = GovChain;
			GovSubStack[GovSubDepth].suppress = GovSuppressDepth;
			GovSubDepth++;
			break;
		case SUBXACT_EVENT_PRE_COMMIT_SUB:
			if (GovTxSink.open && GovTxSink.subid == mySubid)
				GovTxSinkClose();
			break;
		case SUBXACT_EVENT_COMMIT_SUB:
		case SUBXACT_EVENT_ABORT_SUB:
			/* a committing one was closed at PRE_COMMIT_SUB */
			if (event == SUBXACT_EVENT_ABORT_SUB &&
				GovTxSink.open && GovTxSink.subid == mySubid)
				GovTxSinkForget();
			while (GovSubDepth > 0)
			{
				GovSubSave *top = &GovSubStack[--GovSubDepth];

				if (top->subid == mySubid)
				{
					if (event == SUBXACT_EVENT_ABORT_SUB)
					{
						GovChain = top->state;
						GovSuppressDepth = top->suppress;
					}
					break;
				}
			}
			break;
		default:
			break;
	}
}

static void GovWriteTip(GovChainState *st);

/*
 * Before commit (or PREPARE), record where the chain now ends; at abort,
 * the chain goes back to where the transaction found it.
 */
static void
GovXactCallback(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_PRE_COMMIT:
		case XACT_EVENT_PRE_PREPARE:
			GovTxSinkClose();
			if (GovXactSaved && GovChain.chain_id != 0 &&
				(GovChain.chain_id != GovXactStart.chain_id || GovChain.seq != GovXactStart.seq))
				GovWriteTip(&GovChain);
			return;
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
			GovTxSinkForget();
			if (GovXactSaved)
				GovChain = GovXactStart;
			break;
		case XACT_EVENT_PREPARE:
			/* the prepared entries may commit later or never: start anew */
			if (GovXactSaved)
				GovChain.chain_id = 0;
			break;
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
			break;
		default:
			return;
	}
	GovXactSaved = false;
	GovSubDepth = 0;
	GovSuppressDepth = 0;
}

static ProcessUtility_hook_type GovPrevProcessUtility = NULL;

/*
 * Before any utility statement but transaction control and SET, close the
 * transaction's audit writer: DDL on audit_log (an extension update, say)
 * refuses a table this session still holds open.
 */
static void
GovProcessUtility(PlannedStmt *pstmt, const char *queryString, bool readOnlyTree,
				  ProcessUtilityContext context, ParamListInfo params,
				  QueryEnvironment *queryEnv, DestReceiver *dest, QueryCompletion *qc)
{
	if (GovTxSink.open && !GovTxSink.busy &&
		!IsA(pstmt->utilityStmt, TransactionStmt) &&
		!IsA(pstmt->utilityStmt, VariableSetStmt) &&
		!IsA(pstmt->utilityStmt, VariableShowStmt))
		GovTxSinkClose();
	if (GovPrevProcessUtility)
		GovPrevProcessUtility(pstmt, queryString, readOnlyTree, context, params,
							  queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
								queryEnv, dest, qc);
}

/* Register the transaction callbacks and the utility hook (called from _PG_init). */
void
RcrmGovernanceInit(void)
{
	GovPrevProcessUtility = ProcessUtility_hook;
	ProcessUtility_hook = GovProcessUtility;
	RegisterXactCallback(GovXactCallback, NULL);
	RegisterSubXactCallback(GovSubXactCallback, NULL);
	CacheRegisterRelcacheCallback(GovRelcacheCallback, (Datum) 0);
	CacheRegisterSyscacheCallback(AUTHOID, GovAuthCallback, (Datum) 0);
}

/*
 * The backend's SHA-256 context, created once and kept for the life of the
 * backend; writers and audit_verify share it, since each use runs
 * GovHashInit .. GovHashFinal without interruption.
 *
 * With OpenSSL the digest is fetched once, here.  pg_cryptohash_init()
 * fetches it again on every call (OpenSSL 3 looks the name up in its
 * provider store each time), which cost the audit trigger about 1.5 us per
 * entry.  Without OpenSSL, PostgreSQL's own cryptohash, created under a
 * resource owner that lives as long as the backend.
 */
#ifdef USE_OPENSSL
static const EVP_MD *GovShaMd = NULL;
#endif

static GovHash *
GovSha(void)
{
	static GovHash *sha = NULL;

	if (sha == NULL)
	{
#ifdef USE_OPENSSL
		if (GovShaMd == NULL)
		{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
			GovShaMd = EVP_MD_fetch(NULL, "SHA256", NULL);
#else
			GovShaMd = EVP_sha256();
#endif
			if (GovShaMd == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INTERNAL_ERROR),
						 errmsg("could not load SHA-256 from OpenSSL")));
		}
		sha = EVP_MD_CTX_new();
#else
		static ResourceOwner owner = NULL;
		ResourceOwner save = CurrentResourceOwner;

		if (owner == NULL)
			owner = ResourceOwnerCreate(NULL, "referral_crm audit hashing");
		CurrentResourceOwner = owner;
		sha = pg_cryptohash_create(PG_SHA256);
		CurrentResourceOwner = save;
#endif
		if (sha == NULL)
			ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	}
	return sha;
}

/* Report a failed hashing step (out of memory inside the library, say). */
static void
GovHashFailed(GovHash *sha)
{
#ifdef USE_OPENSSL
	unsigned long e = ERR_get_error();
	const char *reason = e ? ERR_reason_error_string(e) : NULL;

	ERR_clear_error();
	elog(ERROR, "could not compute SHA-256: %s", reason ? reason : "no reason given");
#else
	elog(ERROR, "could not compute SHA-256: %s", pg_cryptohash_error(sha));
#endif
}

/* Start a digest. */
static inline void
GovHashInit(GovHash *sha)
{
#ifdef USE_OPENSSL
	if (EVP_DigestInit_ex(sha, GovShaMd, NULL) != 1)
		GovHashFailed(sha);
#else
	if (pg_cryptohash_init(sha) < 0)
		GovHashFailed(sha);
#endif
}

/* Add len bytes to the digest. */
static inline void
GovHashUpdate(GovHash *sha, const void *data, size_t len)
{
#ifdef USE_OPENSSL
	if (EVP_DigestUpdate(sha, data, len) != 1)
		GovHashFailed(sha);
#else
	if (pg_cryptohash_update(sha, (const uint8 *) data, len) < 0)
		GovHashFailed(sha);
#endif
}

/* Finish the digest into out (GOV_HASH_LEN bytes). */
static inline void
GovHashFinal(GovHash *sha, uint8 *out)
{
#ifdef USE_OPENSSL
	unsigned int len = 0;

	if (EVP_DigestFinal_ex(sha, out, &len) != 1 || len != GOV_HASH_LEN)
		GovHashFailed(sha);
#else
	if (pg_cryptohash_final(sha, out, GOV_HASH_LEN) < 0)
		GovHashFailed(sha);
#endif
}

/* The seed of a chain: SHA-256 of a fixed label and the chain id. */
static void
GovChainSeed(GovHash *sha, int64 chain_id, uint8 *out)
{
	uint8		buf[8];
	int			i;

	for (i = 0; i < 8; i++)
		buf[i] = (uint8) (((uint64) chain_id) >> (8 * (7 - i)));
	GovHashInit(sha);
	GovHashUpdate(sha, "referral_crm audit chain", 24);
	GovHashUpdate(sha, buf, 8);
	GovHashFinal(sha, out);
}

/* Where GovGrow allocates a frame's first block (set with the frame). */
static MemoryContext GovFrameContext = NULL;

/* palloc-based grow function for GovFrame. */
static void *
GovGrow(void *old, size_t size)
{
	if (size > MaxAllocSize)
		return NULL;
	return old ? repalloc(old, size) : MemoryContextAlloc(GovFrameContext, size);
}

/* Start a frame whose buffer lives in the current memory context. */
static void
GovFrameStart(GovFrame *f)
{
	GovFrameContext = CurrentMemoryContext;
	GovFrameInit(f, GovGrow);
	/* allocate the first block now, in this context */
	GovFrameAppendNull(f);
	GovFrameReset(f);
}

/*
 * The link of one entry: SHA-256(prev || frame of the first 15 columns).
 * Integers are framed as 8 bytes, text and jsonb as their stored bytes, so
 * audit_verify recomputes exactly what the writer hashed.
 */
static void
GovEntryHash(GovHash *sha, GovFrame *frame, const uint8 *prev,
			 Datum *values, bool *nulls, uint8 *out)
{
	int			i;

	GovFrameReset(frame);
	for (i = 0; i < GOV_NHASHED; i++)
	{
		if (nulls[i])
			GovFrameAppendNull(frame);
		else if (GovColType[i] == INT8OID || GovColType[i] == TIMESTAMPTZOID)
			GovFrameAppendInt64(frame, DatumGetInt64(values[i]));
		else
		{
			struct varlena *v = PG_DETOAST_DATUM_PACKED(values[i]);

			GovFrameAppendBytes(frame, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
		}
	}
	if (frame->failed)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("audit entry is too large to hash")));
	GovHashInit(sha);
	GovHashUpdate(sha, prev, GOV_HASH_LEN);
	GovHashUpdate(sha, frame->data, frame->len);
	GovHashFinal(sha, out);
}

/* Forget the cached staff ids and role names. */
static void
GovRoleCacheReset(void)
{
	int			i;

	for (i = 0; i < GovNRoles; i++)
		if (GovRoles[i].name != NULL)
			pfree(GovRoles[i].name);
	GovNRoles = 0;
	GovStaffRelid = InvalidOid;
	GovRoleGeneration++;
}

/* pg_authid changed: role names and staff mappings may be stale. */
static void
GovAuthCallback(Datum arg, int cacheid, uint32 hashvalue)
{
	RcrmSnapNoteInval(&GovRoleInvalLxid);
	GovRoleCacheReset();
}

/*
 * The cache entry of a role: its name (as text) and the staff id mapped to
 * it (referral_crm.staff.login_role), looked up once and kept until the
 * staff table or any role changes.
 */
static GovRoleCache *
GovRoleOf(Oid roleid)
{
	Oid			nsp;
	Oid			relid;
	Relation	rel;
	TableScanDesc scan;
	ScanKeyData key;
	HeapTuple	tup;
	char	   *rolname;
	NameData	n;
	GovRoleCache e;
	uint64		generation = GovRoleGeneration;
	MemoryContext old;
	int			i;

	/*
	 * An entry whose staff row was read under a snapshot that may predate a
	 * staff change is pinned to it (rcrm_snapshot.h): a REPEATABLE READ
	 * transaction must not leave its older answer cached once it ends.
	 */
	for (i = 0; i < GovNRoles; i++)
		if (GovRoles[i].role == roleid)
		{
			if (!GovRoles[i].pinned || RcrmSnapMarkHolds(&GovRoles[i].snap))
				return &GovRoles[i];
			GovRoleCacheReset();
			generation = GovRoleGeneration;
			break;
		}
	rolname = GetUserNameFromId(roleid, false);
	nsp = get_namespace_oid(GOV_SCHEMA, true);
	relid = OidIsValid(nsp) ? get_relname_relid("staff", nsp) : InvalidOid;
	e.role = roleid;
	e.staff_known = false;
	e.staff_id = 0;
	e.snap = RcrmSnapMarkNow();
	e.pinned = RcrmSnapMustPin(GovRoleInvalLxid);
	if (OidIsValid(relid))
	{
		AttrNumber	loginatt;
		AttrNumber	idatt;

		rel = table_open(relid, AccessShareLock);
		loginatt = attnameAttNum(rel, "login_role", false);
		idatt = attnameAttNum(rel, "staff_id", false);
		if (loginatt > 0 && idatt > 0 &&
			TupleDescAttr(RelationGetDescr(rel), loginatt - 1)->atttypid == NAMEOID)
		{
			namestrcpy(&n, rolname);
			ScanKeyInit(&key, loginatt, BTEqualStrategyNumber, F_NAMEEQ,
						NameGetDatum(&n));
			scan = table_beginscan(rel, GetActiveSnapshot(), 1, &key);
			if ((tup = heap_getnext(scan, ForwardScanDirection)) != NULL)
			{
				bool		isnull;
				Datum		d = heap_getattr(tup, idatt, RelationGetDescr(rel), &isnull);

				if (!isnull)
				{
					e.staff_id = DatumGetInt64(d);
					e.staff_known = true;
				}
			}
			table_endscan(scan);
		}
		table_close(rel, AccessShareLock);
	}

	/*
	 * An invalidation that arrived during the lookup may concern what was
	 * just read: then answer without caching.
	 */
	old = MemoryContextSwitchTo(TopMemoryContext);
	e.name = cstring_to_text(rolname);
	MemoryContextSwitchTo(old);
	if (generation != GovRoleGeneration)
	{
		if (GovRoleScratch.name != NULL)
			pfree(GovRoleScratch.name);
		GovRoleScratch = e;
		return &GovRoleScratch;
	}
	if (GovNRoles == GOV_ROLE_CACHE)
		GovRoleCacheReset();
	GovRoles[GovNRoles] = e;
	GovStaffRelid = relid;
	return &GovRoles[GovNRoles++];
}

/* The staff id mapped to a role, if any (cached). */
static bool
GovStaffIdOf(Oid roleid, int64 *staff_id)
{
	GovRoleCache *e = GovRoleOf(roleid);

	*staff_id = e->staff_id;
	return e->staff_known;
}

/* A sink, the actor and the command of one statement's entries. */
typedef struct GovWriter
{
	GovSink    *sink;			/* &own, or &GovTxSink */
	GovSink		own;
	CommandId	cid;
	Datum		actor[GA_TABLE];	/* logged_at .. client_addr */
	bool		actor_null[GA_TABLE];
	Jsonb	   *via;			/* {"via_role": effective role} inside
								 * SECURITY DEFINER, else NULL */
} GovWriter;

#define GOV_BATCH 1000

/* The relation id of audit_log, cached until any relcache invalidation. */
static Oid	GovAuditLogRelid = InvalidOid;

static Oid	GovRelid(const char *name);

static Oid
GovAuditLogOid(void)
{
	if (!OidIsValid(GovAuditLogRelid))
		GovAuditLogRelid = GovRelid("audit_log");
	return GovAuditLogRelid;
}

/* The relation id of referral_crm_audit.<name>, or an error saying it is missing. */
static Oid
GovRelid(const char *name)
{
	Oid			nsp = get_namespace_oid(GOV_AUDIT_SCHEMA, false);
	Oid			relid = get_relname_relid(name, nsp);

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation \"%s.%s\" does not exist", GOV_AUDIT_SCHEMA, name),
				 errhint("Reinstall the referral_crm extension.")));
	return relid;
}

/*
 * The relation id of audit_chain_tips, cached until any relcache
 * invalidation; InvalidOid in a database still at 0.3.0 (before ALTER
 * EXTENSION ... UPDATE), whose audit_log has its (chain_id, seq) key instead.
 */
static Oid
GovTipsOid(void)
{
	if (!OidIsValid(GovTipsRelid))
	{
		Oid			nsp = get_namespace_oid(GOV_AUDIT_SCHEMA, false);

		GovTipsRelid = get_relname_relid("audit_chain_tips", nsp);
	}
	return GovTipsRelid;
}

/* Add the index entries of a tip row that did not get a heap-only update. */
static void
GovTipIndexInsert(Relation rel, HeapTuple tup)
{
	EState	   *estate = CreateExecutorState();
	ResultRelInfo *rri = makeNode(ResultRelInfo);
	TupleTableSlot *slot = MakeSingleTupleTableSlot(RelationGetDescr(rel), &TTSOpsHeapTuple);

	InitResultRelInfo(rri, rel, 1, NULL, 0);
	ExecOpenIndices(rri, false);
	ExecStoreHeapTuple(tup, slot, false);
	if (rri->ri_NumIndices > 0)
		ExecInsertIndexTuples(rri, slot, estate, false, false, NULL, NIL);
	ExecDropSingleTupleTableSlot(slot);
	ExecCloseIndices(rri);
	FreeExecutorState(estate);
}

/*
 * Does the row at tid still hold the live tip of this chain (not updated or
 * deleted by anybody else)?  Also prunes the page, so that the update that
 * follows finds room on it and stays heap-only.
 */
static bool
GovTipStillThere(Relation rel, ItemPointer tid, int64 chain_id)
{
	Buffer		buf;
	Page		page;
	OffsetNumber off = ItemPointerGetOffsetNumber(tid);
	bool		ok = false;
	BlockNumber blk = ItemPointerGetBlockNumber(tid);
	BlockNumber known;

	/*
	 * The block must exist (the table may have been truncated).  The size
	 * this backend last measured is an upper bound as long as its smgr
	 * object lives: a truncation sends an smgr invalidation, processed when
	 * the caller locked the table, that closes the object, and a new one
	 * starts with no measured size.  So the file is asked (an lseek) only
	 * after such an event or when the table grew beyond what was measured.
	 */
	known = RelationGetSmgr(rel)->smgr_cached_nblocks[MAIN_FORKNUM];
	if (known == InvalidBlockNumber || blk >= known)
		known = RelationGetNumberOfBlocks(rel);
	if (blk >= known)
		return false;
	buf = ReadBuffer(rel, blk);
	heap_page_prune_opt(rel, buf);
	LockBuffer(buf, BUFFER_LOCK_SHARE);
	page = BufferGetPage(buf);
	if (off >= FirstOffsetNumber && off <= PageGetMaxOffsetNumber(page))
	{
		ItemId		lp = PageGetItemId(page, off);

		if (ItemIdIsNormal(lp))
		{
			HeapTupleHeader h = (HeapTupleHeader) PageGetItem(page, lp);
			int64		c;

			if ((h->t_infomask & HEAP_XMAX_INVALID) &&
				ItemIdGetLength(lp) >= h->t_hoff + sizeof(int64) &&
				!(h->t_infomask & HEAP_HASNULL))
			{
				memcpy(&c, (char *) h + h->t_hoff, sizeof(int64));
				ok = c == chain_id;
			}
		}
	}
	UnlockReleaseBuffer(buf);
	return ok;
}

/* Find the live row of a chain in audit_chain_tips through its key. */
static bool
GovTipFind(Relation rel, int64 chain_id, ItemPointer tid)
{
	Oid			indexoid = RelationGetPrimaryKeyIndex(rel);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	bool		found = false;

	if (!OidIsValid(indexoid))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("referral_crm_audit.audit_chain_tips has no primary key"),
				 errhint("Restore the table definition of the extension.")));
	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(chain_id));
	scan = systable_beginscan(rel, indexoid, true, GetLatestSnapshot(), 1, &key);
	if ((tup = systable_getnext(scan)) != NULL)
	{
		*tid = tup->t_self;
		found = true;
	}
	systable_endscan(scan);
	return found;
}

/*
 * Record the end of a chain in audit_chain_tips, in the transaction that
 * wrote its entries (for a backend's chain: just before commit).  Usually a
 * heap-only update of the row whose TID the chain remembers, without an
 * index search; the first time an insert.  Only the chain's writer writes
 * that row, so writers never wait for one another here.  The row is written
 * directly, as audit_log is: no role needs privileges on the table.
 */
static void
GovWriteTip(GovChainState *st)
{
	Relation	rel;
	HeapTuple	tup;
	Datum		values[3];
	bool		nulls[3] = {false, false, false};
	bytea	   *hb;
	TupleDesc	desc;

	if (!OidIsValid(GovTipsOid()))
		return;
	rel = table_open(GovTipsOid(), RowExclusiveLock);
	desc = RelationGetDescr(rel);
	if (desc->natts != 3 ||
		TupleDescAttr(desc, 0)->atttypid != INT8OID ||
		TupleDescAttr(desc, 1)->atttypid != INT8OID ||
		TupleDescAttr(desc, 2)->atttypid != BYTEAOID)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("referral_crm_audit.audit_chain_tips has been altered"),
				 errhint("Restore the table definition of the extension.")));
	hb = palloc(VARHDRSZ + GOV_HASH_LEN);
	SET_VARSIZE(hb, VARHDRSZ + GOV_HASH_LEN);
	memcpy(VARDATA(hb), st->hash, GOV_HASH_LEN);
	values[0] = Int64GetDatum(st->chain_id);
	values[1] = Int64GetDatum(st->seq);
	values[2] = PointerGetDatum(hb);
	tup = heap_form_tuple(desc, values, nulls);

	/* the remembered row, else the row found by key (first write, or moved) */
	if ((!ItemPointerIsValid(&st->tip) || !GovTipStillThere(rel, &st->tip, st->chain_id)) &&
		!GovTipFind(rel, st->chain_id, &st->tip))
	{
		simple_heap_insert(rel, tup);
		GovTipIndexInsert(rel, tup);
	}
	else
	{
#if PG_VERSION_NUM >= 160000
		TU_UpdateIndexes upd;

		simple_heap_update(rel, &st->tip, tup, &upd);
		if (upd != TU_None)
			GovTipIndexInsert(rel, tup);
#else
		simple_heap_update(rel, &st->tip, tup);
		if (!HeapTupleIsHeapOnly(tup))
			GovTipIndexInsert(rel, tup);
#endif
	}
	st->tip = tup->t_self;
	heap_freetuple(tup);
	table_close(rel, NoLock);
}

/* Text form of the client address, or NULL for a local connection (cached). */
static char *
GovClientAddr(void)
{
	static bool done = false;
	static char *addr = NULL;

	if (!done)
	{
		LOCAL_FCINFO(fc, 0);
		Datum		d;

		InitFunctionCallInfoData(*fc, NULL, 0, InvalidOid, NULL, NULL);
		d = inet_client_addr(fc);
		if (!fc->isnull)
			addr = MemoryContextStrdup(TopMemoryContext,
									   DatumGetCString(DirectFunctionCall1(inet_out, d)));
		done = true;
	}
	return addr;
}

/* Open audit_log for writing: the relation, its indexes, slots, the frame. */
static void
GovSinkOpen(GovSink *w, bool bulk)
{
	TupleDesc	desc;
	int			i;

	if (RecoveryInProgress())
		ereport(ERROR,
				(errcode(ERRCODE_READ_ONLY_SQL_TRANSACTION),
				 errmsg("cannot write audit entries during recovery"),
				 errdetail("Reads of patient data are audited, and a standby cannot record them."),
				 errhint("Open patient records on the primary.")));
	w->rel = table_open(GovAuditLogOid(), RowExclusiveLock);
	desc = RelationGetDescr(w->rel);
	if (desc->natts != GOV_NCOLS)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("referral_crm_audit.audit_log has been altered"),
				 errdetail("The table has %d columns, 16 expected.", desc->natts),
				 errhint("Restore the table definition of the extension.")));
	for (i = 0; i < GOV_NCOLS; i++)
		if (TupleDescAttr(desc, i)->atttypid != GovColType[i])
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("referral_crm_audit.audit_log has been altered"),
					 errdetail("Column %d has an unexpected type.", i + 1),
					 errhint("Restore the table definition of the extension.")));
	/* audit_log has no index, but a DBA may add one */
	if (w->rel->rd_rel->relhasindex)
	{
		w->estate = CreateExecutorState();
		w->rri = makeNode(ResultRelInfo);
		InitResultRelInfo(w->rri, w->rel, 1, NULL, 0);
		ExecOpenIndices(w->rri, false);
	}
	else
	{
		w->estate = NULL;
		w->rri = NULL;
	}
	w->slot = MakeSingleTupleTableSlot(desc, &TTSOpsHeapTuple);
	if (bulk)
		w->bistate = GetBulkInsertState();
	else if (w->owner != NULL)
	{
		/* keep the insertion page pinned between entries, no ring buffer */
		w->bistate = palloc0(sizeof(BulkInsertStateData));
		w->bistate->strategy = NULL;
		w->bistate->current_buf = InvalidBuffer;
	}
	else
		w->bistate = NULL;
	w->bslots = NULL;
	w->nb = 0;
	w->bcxt = NULL;
	if (bulk)
	{
		int			i;

		w->bslots = palloc(sizeof(TupleTableSlot *) * GOV_BATCH);
		for (i = 0; i < GOV_BATCH; i++)
			w->bslots[i] = MakeSingleTupleTableSlot(desc, &TTSOpsHeapTuple);
		w->bcxt = AllocSetContextCreate(CurrentMemoryContext, "audit batch", ALLOCSET_DEFAULT_SIZES);
	}
	GovFrameStart(&w->frame);
}

static void GovSinkClose(GovSink *w);

/*
 * Forget the transaction's sink when the (sub)transaction that opened it
 * aborts: its resource owner releases the relation, the pin and the hash
 * context, and its memory goes with the transaction's.
 */
static void
GovTxSinkForget(void)
{
	GovTxSink.open = false;
	GovTxSink.busy = false;
}

/*
 * Close the transaction's sink: at the end of the (sub)transaction that
 * opened it, or before a utility statement.
 */
static void
GovTxSinkClose(void)
{
	ResourceOwner save = CurrentResourceOwner;

	if (!GovTxSink.open)
		return;
	GovTxSink.open = false;
	CurrentResourceOwner = GovTxSink.owner;
	GovSinkClose(&GovTxSink);
	CurrentResourceOwner = save;
	MemoryContextDelete(GovTxSink.cxt);
}

/*
 * The sink for a statement's entries: the (sub)transaction's, opened on
 * first use, unless the statement is a bulk one (its own sink, with a ring
 * buffer) or runs in a deeper subtransaction than the one that opened it.
 */
static GovSink *
GovSinkGet(GovSink *own, bool bulk)
{
	SubTransactionId subid = GetCurrentSubTransactionId();

	if (!bulk && !GovTxSink.busy &&
		(!GovTxSink.open || GovTxSink.subid == subid))
	{
		if (GovTxSink.open && GovTxSink.stale)
			GovTxSinkClose();
		if (!GovTxSink.open)
		{
			ResourceOwner save = CurrentResourceOwner;
			MemoryContext old;

			GovTxSink.cxt = AllocSetContextCreate(CurTransactionContext, "audit writer",
												  ALLOCSET_SMALL_SIZES);
			old = MemoryContextSwitchTo(GovTxSink.cxt);
			GovTxSink.owner = CurTransactionResourceOwner;
			GovTxSink.subid = subid;
			GovTxSink.stale = false;
			CurrentResourceOwner = GovTxSink.owner;
			GovSinkOpen(&GovTxSink, false);
			CurrentResourceOwner = save;
			MemoryContextSwitchTo(old);
			GovTxSink.open = true;
		}
		GovTxSink.busy = true;
		return &GovTxSink;
	}
	own->owner = NULL;
	GovSinkOpen(own, bulk);
	return own;
}

/* Take a sink and capture who is acting, for one statement's entries. */
static void
GovWriterOpen(GovWriter *w, bool bulk)
{
	int64		staff;
	char	   *addr;

	w->sink = GovSinkGet(&w->own, bulk);
	w->cid = GetCurrentCommandId(true);

	memset(w->actor_null, false, sizeof(w->actor_null));
	w->actor[GA_LOGGED_AT] = TimestampTzGetDatum(GetCurrentStatementStartTimestamp());
	w->actor[GA_XID] = Int64GetDatum((int64) U64FromFullTransactionId(GetTopFullTransactionId()));
	w->actor[GA_SESSION] = datumCopy(PointerGetDatum(GovRoleOf(GetSessionUserId())->name), false, -1);
	/* the role the session acts as (SET ROLE), not a SECURITY DEFINER owner */
	w->actor[GA_ROLE] = datumCopy(PointerGetDatum(GovRoleOf(GetOuterUserId())->name), false, -1);
	w->via = NULL;
	if (GetUserId() != GetOuterUserId())
	{
		JsonbParseState *st = NULL;
		JsonbValue	k,
					v;
		char	   *name = GetUserNameFromId(GetUserId(), false);

		pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
		k.type = jbvString;
		k.val.string.val = "via_role";
		k.val.string.len = 8;
		pushJsonbValue(&st, WJB_KEY, &k);
		v.type = jbvString;
		v.val.string.val = name;
		v.val.string.len = strlen(name);
		pushJsonbValue(&st, WJB_VALUE, &v);
		w->via = JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, NULL));
	}
	if (GovStaffIdOf(GetOuterUserId(), &staff) ||
		(GetSessionUserId() != GetOuterUserId() && GovStaffIdOf(GetSessionUserId(), &staff)))
		w->actor[GA_STAFF] = Int64GetDatum(staff);
	else
		w->actor_null[GA_STAFF] = true;
	if (application_name != NULL && application_name[0] != '\0')
		w->actor[GA_APP] = CStringGetTextDatum(application_name);
	else
		w->actor_null[GA_APP] = true;
	addr = GovClientAddr();
	if (addr != NULL)
		w->actor[GA_CLIENT] = CStringGetTextDatum(addr);
	else
		w->actor_null[GA_CLIENT] = true;
}

/* Insert the batched entries and their index entries. */
static void
GovSinkFlush(GovSink *w, CommandId cid)
{
	int			i;

	if (w->nb == 0)
		return;
	table_multi_insert(w->rel, w->bslots, w->nb, cid, 0, w->bistate);
	for (i = 0; i < w->nb; i++)
	{
		if (w->rri != NULL && w->rri->ri_NumIndices > 0)
			ExecInsertIndexTuples(w->rri, w->bslots[i], w->estate, false, false, NULL, NIL);
		ExecClearTuple(w->bslots[i]);
	}
	w->nb = 0;
	MemoryContextReset(w->bcxt);
}

/* Release what GovSinkOpen took (batched entries are written first). */
static void
GovSinkClose(GovSink *w)
{
	if (w->bslots)
	{
		int			i;

		for (i = 0; i < GOV_BATCH; i++)
			ExecDropSingleTupleTableSlot(w->bslots[i]);
		MemoryContextDelete(w->bcxt);
	}
	if (w->bistate)
		FreeBulkInsertState(w->bistate);
	ExecDropSingleTupleTableSlot(w->slot);
	if (w->rri != NULL)
	{
		ExecCloseIndices(w->rri);
		FreeExecutorState(w->estate);
	}
	table_close(w->rel, NoLock);
}

/* End a statement's use of its sink: write what is batched, release it. */
static void
GovWriterClose(GovWriter *w)
{
	GovSinkFlush(w->sink, w->cid);
	if (w->sink == &GovTxSink)
		GovTxSink.busy = false;
	else
		GovSinkClose(w->sink);
}

/* Make sure this backend has a chain, and save the state to restore. */
static void
GovChainPrepare(GovWriter *w)
{
	if (!GovXactSaved)
	{
		GovXactStart = GovChain;
		GovXactSaved = true;
	}
	if (GovChain.chain_id == 0)
	{
		Oid			seq = GovRelid("audit_chain_seq");

		int64		n = nextval_internal(seq, false);

		/*
		 * Microseconds since 2000 times 256, plus the sequence's low byte:
		 * unique, increasing, and never reused after a dump and restore
		 * (restored entries keep their older chain ids).
		 */
		GovChain.chain_id = (int64) ((uint64) GetCurrentTimestamp() << 8) | (n & 0xFF);
		GovChain.seq = 0;
		ItemPointerSetInvalid(&GovChain.tip);
		GovChainSeed(GovSha(), GovChain.chain_id, GovChain.hash);
	}
}

/*
 * Write one entry at the end of a chain (the backend's unless state is
 * given) and advance the chain.
 */
static void
GovWriteEntry(GovWriter *w, GovChainState *state, Datum table_name,
			  const char *op, Jsonb *key, Jsonb *oldv, Jsonb *newv, Jsonb *details)
{
	Datum		values[GOV_NCOLS];
	bool		nulls[GOV_NCOLS];
	uint8		hash[GOV_HASH_LEN];
	HeapTuple	tup;
	bytea	   *hb;
	GovSink    *sink = w->sink;
	ResourceOwner save;

	if (state == NULL)
	{
		GovChainPrepare(w);
		state = &GovChain;
	}
	memcpy(values, w->actor, sizeof(Datum) * GA_TABLE);
	memcpy(nulls, w->actor_null, sizeof(bool) * GA_TABLE);
	values[GA_CHAIN] = Int64GetDatum(state->chain_id);
	nulls[GA_CHAIN] = false;
	values[GA_SEQ] = Int64GetDatum(state->seq + 1);
	nulls[GA_SEQ] = false;
	values[GA_TABLE] = table_name;
	nulls[GA_TABLE] = false;
	values[GA_OP] = CStringGetTextDatum(op);
	nulls[GA_OP] = false;
	values[GA_KEY] = JsonbPGetDatum(key);
	nulls[GA_KEY] = key == NULL;
	values[GA_OLD] = JsonbPGetDatum(oldv);
	nulls[GA_OLD] = oldv == NULL;
	values[GA_NEW] = JsonbPGetDatum(newv);
	nulls[GA_NEW] = newv == NULL;
	if (details == NULL)
		details = w->via;
	values[GA_DETAILS] = JsonbPGetDatum(details);
	nulls[GA_DETAILS] = details == NULL;
	GovEntryHash(GovSha(), &w->sink->frame, state->hash, values, nulls, hash);
	hb = palloc(VARHDRSZ + GOV_HASH_LEN);
	SET_VARSIZE(hb, VARHDRSZ + GOV_HASH_LEN);
	memcpy(VARDATA(hb), hash, GOV_HASH_LEN);
	values[GA_HASH] = PointerGetDatum(hb);
	nulls[GA_HASH] = false;

	/*
	 * Store the row images compressed (lz4 where the server has it): an
	 * entry is far below the size at which PostgreSQL would compress by
	 * itself, and row images are most of it.  The hash covers the
	 * uncompressed bytes, which is what a reader gets back.
	 */
	{
		int			cols[2] = {GA_OLD, GA_NEW};
		int			i;

		for (i = 0; i < 2; i++)
		{
			int			c = cols[i];

			if (!nulls[c] && VARSIZE(DatumGetPointer(values[c])) > GOV_COMPRESS_MIN)
			{
				Datum		z = toast_compress_datum(values[c], GOV_COMPRESSION);

				if (DatumGetPointer(z) != NULL)
					values[c] = z;
			}
		}
	}
	if (sink->bslots)
	{
		MemoryContext old = MemoryContextSwitchTo(sink->bcxt);

		tup = heap_form_tuple(RelationGetDescr(sink->rel), values, nulls);
		MemoryContextSwitchTo(old);
		ExecStoreHeapTuple(tup, sink->bslots[sink->nb++], false);
		if (sink->nb == GOV_BATCH)
			GovSinkFlush(sink, w->cid);
		state->seq++;
		memcpy(state->hash, hash, GOV_HASH_LEN);
		return;
	}
	tup = heap_form_tuple(RelationGetDescr(sink->rel), values, nulls);
	ExecStoreHeapTuple(tup, sink->slot, true);
	/* the transaction's sink keeps its pin and relation in its own owner */
	save = CurrentResourceOwner;
	if (sink->owner != NULL)
		CurrentResourceOwner = sink->owner;
	table_tuple_insert(sink->rel, sink->slot, w->cid, 0, sink->bistate);
	if (sink->rri != NULL && sink->rri->ri_NumIndices > 0)
	{
		ExecInsertIndexTuples(sink->rri, sink->slot, sink->estate, false, false, NULL, NIL);
		ResetPerTupleExprContext(sink->estate);
	}
	CurrentResourceOwner = save;
	ExecClearTuple(sink->slot);

	state->seq++;
	memcpy(state->hash, hash, GOV_HASH_LEN);
}

/* How one column of an audited table goes into jsonb. */
typedef struct GovColumn
{
	bool		skip;			/* dropped */
	bool		key;			/* part of the primary key */
	bool		sensitive;		/* recorded as a hash */
	char		kind;			/* 'n' number, 'b' bool, 'j' jsonb, 't' text,
								 * 'z' timestamptz, 's' other (text form) */
	FmgrInfo	out;
	JsonbValue	name;
} GovColumn;

/* Column order of jsonb keys: shorter names first, then bytewise. */
static GovColumn *GovNameOrderCols;

static int
GovNameOrder(const void *a, const void *b)
{
	const GovColumn *x = &GovNameOrderCols[*(const int *) a];
	const GovColumn *y = &GovNameOrderCols[*(const int *) b];

	if (x->skip || y->skip)
		return (int) x->skip - (int) y->skip;
	if (x->name.val.string.len != y->name.val.string.len)
		return x->name.val.string.len < y->name.val.string.len ? -1 : 1;
	return memcmp(x->name.val.string.val, y->name.val.string.val, x->name.val.string.len);
}

/*
 * The attribute indexes of a table in jsonb key order, so that objects are
 * built with their keys already sorted (jsonb sorts them otherwise, once
 * per row).
 */
static int *
GovKeyOrder(GovColumn *cols, int natts)
{
	int		   *order = palloc(sizeof(int) * natts);
	int			i;

	for (i = 0; i < natts; i++)
		order[i] = i;
	GovNameOrderCols = cols;
	qsort(order, natts, sizeof(int), GovNameOrder);
	return order;
}

/* Describe the columns of rel for one statement. */
static GovColumn *
GovColumns(Relation rel, Trigger *trig)
{
	TupleDesc	desc = RelationGetDescr(rel);
	GovColumn  *cols = palloc0(sizeof(GovColumn) * desc->natts);
	Bitmapset  *pk = RelationGetIndexAttrBitmap(rel, INDEX_ATTR_BITMAP_PRIMARY_KEY);
	int			i;

	for (i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		GovColumn  *c = &cols[i];
		Oid			outfn;
		bool		varlena;
		int			a;
		char	   *name;

		if (att->attisdropped)
		{
			c->skip = true;
			continue;
		}
		name = NameStr(att->attname);
		c->key = bms_is_member(att->attnum - FirstLowInvalidHeapAttributeNumber, pk);
		for (a = 0; a < trig->tgnargs; a++)
			if (strcmp(trig->tgargs[a], name) == 0)
				c->sensitive = true;
		switch (att->atttypid)
		{
			case INT2OID:
			case INT4OID:
			case INT8OID:
			case NUMERICOID:
				c->kind = 'n';
				break;
			case BOOLOID:
				c->kind = 'b';
				break;
			case JSONBOID:
				c->kind = 'j';
				break;
			case TEXTOID:
			case VARCHAROID:
			case BPCHAROID:
				c->kind = 't';
				break;
			case TIMESTAMPTZOID:
				c->kind = 'z';
				break;
			default:
				c->kind = 's';
				break;
		}
		getTypeOutputInfo(att->atttypid, &outfn, &varlena);
		fmgr_info_cxt(outfn, &c->out, CurrentMemoryContext);
		c->name.type = jbvString;
		c->name.val.string.val = pstrdup(name);
		c->name.val.string.len = strlen(name);
	}
	return cols;
}

/* Column descriptions per audit trigger, kept until the relation changes. */
typedef struct GovRelCache
{
	Oid			tgoid;			/* hash key */
	Oid			relid;
	int			natts;
	bool		valid;
	MemoryContext cxt;
	GovColumn  *cols;
	int		   *order;
	char	   *table_name;		/* "schema.table" */
} GovRelCache;

static HTAB *GovRelCacheHash = NULL;

/* Relcache invalidation: forget the descriptions of that relation. */
static void
GovRelcacheCallback(Datum arg, Oid relid)
{
	HASH_SEQ_STATUS hs;
	GovRelCache *e;

	if (GovTxSink.open &&
		(relid == InvalidOid || relid == RelationGetRelid(GovTxSink.rel)))
		GovTxSink.stale = true;
	GovAuditLogRelid = InvalidOid;
	GovTipsRelid = InvalidOid;
	if (relid == InvalidOid || relid == GovStaffRelid || !OidIsValid(GovStaffRelid))
	{
		RcrmSnapNoteInval(&GovRoleInvalLxid);
		GovRoleCacheReset();
	}
	if (GovRelCacheHash == NULL)
		return;
	hash_seq_init(&hs, GovRelCacheHash);
	while ((e = hash_seq_search(&hs)) != NULL)
		if (relid == InvalidOid || e->relid == relid)
			e->valid = false;
}

/* The (cached) column descriptions and key order for one trigger. */
static GovRelCache *
GovRelCacheGet(Relation rel, Trigger *trig)
{
	GovRelCache *e;
	bool		found;
	MemoryContext old;

	if (GovRelCacheHash == NULL)
	{
		HASHCTL		ctl;

		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(GovRelCache);
		ctl.hcxt = CacheMemoryContext;
		GovRelCacheHash = hash_create("referral_crm audit columns", 64, &ctl,
									  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	e = hash_search(GovRelCacheHash, &trig->tgoid, HASH_ENTER, &found);
	if (found && e->valid && e->relid == RelationGetRelid(rel) &&
		e->natts == RelationGetDescr(rel)->natts)
		return e;
	if (found && e->cxt != NULL)
		MemoryContextDelete(e->cxt);
	e->cxt = NULL;
	e->valid = false;
	e->relid = RelationGetRelid(rel);
	e->natts = RelationGetDescr(rel)->natts;
	e->cxt = AllocSetContextCreate(CacheMemoryContext, "referral_crm audit columns",
								   ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(e->cxt);
	e->cols = GovColumns(rel, trig);
	e->order = GovKeyOrder(e->cols, e->natts);
	e->table_name = quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
											   RelationGetRelationName(rel));
	e->table_name = pstrdup(e->table_name);
	MemoryContextSwitchTo(old);
	e->valid = true;
	return e;
}

/*
 * One member of a row image: the column's name and its value as a jsonb
 * scalar (type is a JENTRY_IS* code; data/len the bytes a jsonb holds for
 * it) or an embedded jsonb container.
 */
typedef struct GovMember
{
	const char *key;
	int			keylen;
	uint32		type;
	const char *data;
	int			len;
} GovMember;

/*
 * The text form of the last timestamptz written, kept while the session's
 * time zone and date style stay the same: a row often holds one instant
 * several times (now() in authored_at, created_at, updated_at).
 */
static struct
{
	bool		valid;
	TimestampTz ts;
	pg_tz	   *tz;
	int			style;
	int			order;
	char		text[MAXDATELEN + 1];
	int			len;
} GovTsCache;

/* The text form of a timestamptz, as timestamptz_out gives it. */
static void
GovTimestampText(Datum d, GovMember *m)
{
	TimestampTz ts = DatumGetTimestampTz(d);

	if (!GovTsCache.valid || GovTsCache.ts != ts || GovTsCache.tz != session_timezone ||
		GovTsCache.style != DateStyle || GovTsCache.order != DateOrder)
	{
		char	   *s = DatumGetCString(DirectFunctionCall1(timestamptz_out, d));
		int			len = strlen(s);

		if (len <= MAXDATELEN)
		{
			memcpy(GovTsCache.text, s, len);
			GovTsCache.len = len;
			GovTsCache.ts = ts;
			GovTsCache.tz = session_timezone;
			GovTsCache.style = DateStyle;
			GovTsCache.order = DateOrder;
			GovTsCache.valid = true;
		}
		m->data = s;
		m->len = len;
		return;
	}
	/* a copy: a later column of the row may replace the cached text */
	m->data = memcpy(palloc(GovTsCache.len), GovTsCache.text, GovTsCache.len);
	m->len = GovTsCache.len;
}

/* Fill in one column value (not NULL) of a row image. */
static void
GovMemberValue(GovMember *m, GovColumn *c, Oid typid, Datum d)
{
	if (c->sensitive)
	{
		uint8		digest[GOV_HASH_LEN];
		char	   *hex = palloc(2 * GOV_HASH_LEN + 8);
		char	   *s = OutputFunctionCall(&c->out, d);
		GovHash    *sha = GovSha();

		GovHashInit(sha);
		GovHashUpdate(sha, s, strlen(s));
		GovHashFinal(sha, digest);
		memcpy(hex, "sha256:", 7);
		GovHexEncode(digest, GOV_HASH_LEN, hex + 7);
		m->type = JENTRY_ISSTRING;
		m->data = hex;
		m->len = 7 + 2 * GOV_HASH_LEN;
		return;
	}
	switch (c->kind)
	{
		case 'n':
			{
				Numeric		n;

				if (typid == INT8OID)
					n = int64_to_numeric(DatumGetInt64(d));
				else if (typid == INT4OID)
					n = int64_to_numeric(DatumGetInt32(d));
				else if (typid == INT2OID)
					n = int64_to_numeric(DatumGetInt16(d));
				else
					n = DatumGetNumeric(d);
				m->type = JENTRY_ISNUMERIC;
				m->data = (const char *) n;
				m->len = VARSIZE_ANY(n);
				break;
			}
		case 'b':
			m->type = DatumGetBool(d) ? JENTRY_ISBOOL_TRUE : JENTRY_ISBOOL_FALSE;
			m->data = NULL;
			m->len = 0;
			break;
		case 'j':
			{
				Jsonb	   *j = DatumGetJsonbP(d);
				JsonbValue	v;

				if (JB_ROOT_IS_SCALAR(j) && JsonbExtractScalar(&j->root, &v))
				{
					/* a scalar document is a scalar member, as jsonb makes it */
					switch (v.type)
					{
						case jbvString:
							m->type = JENTRY_ISSTRING;
							m->data = v.val.string.val;
							m->len = v.val.string.len;
							break;
						case jbvNumeric:
							m->type = JENTRY_ISNUMERIC;
							m->data = (const char *) v.val.numeric;
							m->len = VARSIZE_ANY(v.val.numeric);
							break;
						case jbvBool:
							m->type = v.val.boolean ? JENTRY_ISBOOL_TRUE : JENTRY_ISBOOL_FALSE;
							m->data = NULL;
							m->len = 0;
							break;
						default:
							m->type = JENTRY_ISNULL;
							m->data = NULL;
							m->len = 0;
							break;
					}
				}
				else
				{
					/* containers are position-independent: embed the bytes */
					m->type = JENTRY_ISCONTAINER;
					m->data = (const char *) &j->root;
					m->len = VARSIZE(j) - VARHDRSZ;
				}
				break;
			}
		case 't':
			{
				/* text, varchar, bpchar: the stored bytes are the text form */
				text	   *t = DatumGetTextPP(d);

				m->type = JENTRY_ISSTRING;
				m->data = VARDATA_ANY(t);
				m->len = VARSIZE_ANY_EXHDR(t);
				break;
			}
		case 'z':
			m->type = JENTRY_ISSTRING;
			GovTimestampText(d, m);
			break;
		default:
			{
				char	   *s = OutputFunctionCall(&c->out, d);

				m->type = JENTRY_ISSTRING;
				m->data = s;
				m->len = strlen(s);
				break;
			}
	}
}

/*
 * Encode members (keys unique and in jsonb's key order: shorter first, then
 * bytewise) as a jsonb object, byte for byte what JsonbValueToJsonb makes
 * of the same object: the header, the keys' JEntries then the values',
 * key strings then value data; an offset instead of a length in every
 * JB_OFFSET_STRIDE'th JEntry; numerics and containers aligned to 4 bytes
 * from the start of the datum, the padding counted in their length.
 */
static Jsonb *
GovEncodeObject(GovMember *m, int n)
{
	Size		size = VARHDRSZ + sizeof(uint32) + 2 * n * sizeof(JEntry);
	char	   *buf;
	JEntry	   *je;
	char	   *p;
	uint32		off = 0;
	int			i;

	for (i = 0; i < n; i++)
		size += m[i].keylen + m[i].len + 3;
	if (size - VARHDRSZ > JENTRY_OFFLENMASK || size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("audited row image is too large"),
				 errdetail("A row image of %zu bytes exceeds the maximum jsonb size.", size)));
	buf = palloc(size);
	*(uint32 *) (buf + VARHDRSZ) = (uint32) n | JB_FOBJECT;
	je = (JEntry *) (buf + VARHDRSZ + sizeof(uint32));
	p = (char *) (je + 2 * n);
	for (i = 0; i < n; i++)
	{
		memcpy(p, m[i].key, m[i].keylen);
		p += m[i].keylen;
		off += m[i].keylen;
		je[i] = (i % JB_OFFSET_STRIDE) == 0
			? (JENTRY_ISSTRING | off | JENTRY_HAS_OFF)
			: (JENTRY_ISSTRING | (uint32) m[i].keylen);
	}
	for (i = 0; i < n; i++)
	{
		uint32		len = m[i].len;

		if (m[i].type == JENTRY_ISNUMERIC || m[i].type == JENTRY_ISCONTAINER)
		{
			int			pad = INTALIGN(p - buf) - (p - buf);

			memset(p, 0, pad);
			p += pad;
			len += pad;
		}
		if (m[i].len > 0)
			memcpy(p, m[i].data, m[i].len);
		p += m[i].len;
		off += len;
		je[n + i] = ((n + i) % JB_OFFSET_STRIDE) == 0
			? (m[i].type | off | JENTRY_HAS_OFF)
			: (m[i].type | len);
	}
	SET_VARSIZE(buf, p - buf);
	return (Jsonb *) buf;
}

/*
 * jsonb of a row: which = 'k' key columns, 'a' all non-null columns,
 * 'c' the columns that differ from other (changed columns of an UPDATE).
 * Returns NULL for an empty object when emptynull.
 */
static Jsonb *
GovRowJsonb(TupleDesc desc, GovColumn *cols, int *order, TupleTableSlot *slot,
			TupleTableSlot *other, char which, bool emptynull)
{
	GovMember  *m = palloc(sizeof(GovMember) * Max(desc->natts, 1));
	int			k;
	int			n = 0;

	for (k = 0; k < desc->natts; k++)
	{
		int			i = order[k];
		GovColumn  *c = &cols[i];
		Form_pg_attribute att = TupleDescAttr(desc, i);
		Datum		d;
		bool		isnull;

		if (c->skip || (which == 'k' && !c->key))
			continue;
		d = slot_getattr(slot, i + 1, &isnull);
		if (which == 'c')
		{
			bool		onull;
			Datum		od = slot_getattr(other, i + 1, &onull);

			if (isnull && onull)
				continue;
			if (!isnull && !onull && datumIsEqual(d, od, att->attbyval, att->attlen))
				continue;
		}
		else if (isnull)
			continue;
		m[n].key = c->name.val.string.val;
		m[n].keylen = c->name.val.string.len;
		if (isnull)
		{
			m[n].type = JENTRY_ISNULL;
			m[n].data = NULL;
			m[n].len = 0;
		}
		else
			GovMemberValue(&m[n], c, att->atttypid, d);
		n++;
	}
	if (n == 0 && emptynull)
		return NULL;
	return GovEncodeObject(m, n);
}

/* Read a transition table with a read pointer of our own. */
static void
GovRescan(Tuplestorestate *ts)
{
	int			ptr = tuplestore_alloc_read_pointer(ts, 0);

	tuplestore_select_read_pointer(ts, ptr);
	tuplestore_rescan(ts);
}

/*
 * audit_capture: AFTER ... FOR EACH STATEMENT trigger (INSERT with NEW
 * TABLE, UPDATE with OLD and NEW TABLE, DELETE with OLD TABLE, TRUNCATE).
 * Trigger arguments name the sensitive columns, recorded as SHA-256.
 */
Datum
audit_capture(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	Relation	rel;
	TupleDesc	desc;
	GovWriter	w;
	GovColumn  *cols;
	int		   *order;
	Datum		tname;
	Tuplestorestate *oldts;
	Tuplestorestate *newts;
	TupleTableSlot *oslot = NULL;
	TupleTableSlot *nslot = NULL;
	MemoryContext rowcxt;
	MemoryContext old;
	const char *op;
	int64		nrows;
	bool		suppress;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(td->tg_event) ||
		!TRIGGER_FIRED_FOR_STATEMENT(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("audit_capture must be called as an AFTER ... FOR EACH STATEMENT trigger"),
				 errhint("Use referral_crm.govern_table() to attach it.")));
	rel = td->tg_relation;
	desc = RelationGetDescr(rel);
	{
		GovRelCache *rc = GovRelCacheGet(rel, td->tg_trigger);

		cols = rc->cols;
		order = rc->order;
		tname = CStringGetTextDatum(rc->table_name);
	}

	if (TRIGGER_FIRED_BY_TRUNCATE(td->tg_event))
	{
		GovWriterOpen(&w, false);
		GovWriteEntry(&w, NULL, tname, "TRUNCATE", NULL, NULL, NULL, NULL);
		GovWriterClose(&w);
		PG_RETURN_POINTER(NULL);
	}
	oldts = td->tg_oldtable;
	newts = td->tg_newtable;
	if (TRIGGER_FIRED_BY_INSERT(td->tg_event))
	{
		op = "INSERT";
		oldts = NULL;
		if (newts == NULL)
			elog(ERROR, "audit_capture on INSERT needs REFERENCING NEW TABLE");
	}
	else if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
	{
		op = "UPDATE";
		if (newts == NULL || oldts == NULL)
			elog(ERROR, "audit_capture on UPDATE needs REFERENCING OLD TABLE and NEW TABLE");
	}
	else
	{
		op = "DELETE";
		newts = NULL;
		if (oldts == NULL)
			elog(ERROR, "audit_capture on DELETE needs REFERENCING OLD TABLE");
	}
	nrows = tuplestore_tuple_count(newts ? newts : oldts);
	if (nrows == 0)
		PG_RETURN_POINTER(NULL);

	suppress = GovSuppressDepth > 0 && strcmp(op, "DELETE") == 0;
	GovWriterOpen(&w, nrows > 64);
	if (oldts)
	{
		GovRescan(oldts);
		oslot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	}
	if (newts)
	{
		GovRescan(newts);
		nslot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	}
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "audit row", ALLOCSET_DEFAULT_SIZES);
	for (;;)
	{
		Jsonb	   *key;
		Jsonb	   *ov = NULL;
		Jsonb	   *nv = NULL;
		Jsonb	   *details = NULL;

		if (oslot && !tuplestore_gettupleslot(oldts, true, false, oslot))
			break;
		if (nslot && !tuplestore_gettupleslot(newts, true, false, nslot))
			break;
		old = MemoryContextSwitchTo(rowcxt);
		key = GovRowJsonb(desc, cols, order, nslot ? nslot : oslot, NULL, 'k', true);
		if (nslot && oslot)
		{
			ov = GovRowJsonb(desc, cols, order, oslot, nslot, 'c', false);
			nv = GovRowJsonb(desc, cols, order, nslot, oslot, 'c', false);
		}
		else if (nslot)
			nv = GovRowJsonb(desc, cols, order, nslot, NULL, 'a', false);
		else if (!suppress)
			ov = GovRowJsonb(desc, cols, order, oslot, NULL, 'a', false);
		else
		{
			JsonbValue	k,
						v;
			JsonbParseState *st = NULL;

			pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
			k.type = jbvString;
			k.val.string.val = "purged";
			k.val.string.len = 6;
			v.type = jbvBool;
			v.val.boolean = true;
			pushJsonbValue(&st, WJB_KEY, &k);
			pushJsonbValue(&st, WJB_VALUE, &v);
			details = JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, NULL));
		}
		GovWriteEntry(&w, NULL, tname, op, key, ov, nv, details);
		MemoryContextSwitchTo(old);
		MemoryContextReset(rowcxt);
	}
	MemoryContextDelete(rowcxt);
	if (oslot)
		ExecDropSingleTupleTableSlot(oslot);
	if (nslot)
		ExecDropSingleTupleTableSlot(nslot);
	GovWriterClose(&w);
	PG_RETURN_POINTER(NULL);
}

/* Write one non-DML entry (reads, disclosures, purges, key rotations). */
static void
GovWriteEvent(const char *table_name, const char *op, Jsonb *key, Jsonb *details)
{
	GovWriter	w;

	GovWriterOpen(&w, false);
	GovWriteEntry(&w, NULL, CStringGetTextDatum(table_name), op, key, NULL, NULL, details);
	GovWriterClose(&w);
}

/*
 * audit_read(tbl regclass, row_key jsonb, details jsonb): trace that the
 * current user viewed a row.  Applications call it from the functions that
 * open a referral or a patient record.
 */
Datum
audit_read(PG_FUNCTION_ARGS)
{
	Oid			relid;
	char	   *name;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("audit_read needs a table and a row key")));
	relid = PG_GETARG_OID(0);
	name = get_rel_name(relid);
	if (name == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	GovWriteEvent(quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)), name),
				  "SELECT", PG_GETARG_JSONB_P(1),
				  PG_ARGISNULL(2) ? NULL : PG_GETARG_JSONB_P(2));
	PG_RETURN_VOID();
}

/*
 * audit_event(operation text, object text, row_key jsonb, details jsonb):
 * an entry for a governance action.  Not granted to anybody: the SECURITY
 * DEFINER functions of the extension call it.
 */
Datum
audit_event(PG_FUNCTION_ARGS)
{
	char	   *op;
	static const char *const allowed[] = {
		"DISCLOSE", "PURGE", "AUDIT_PURGE", "KEY_ROTATE", "LEGAL_HOLD", "LEGAL_RELEASE",
		"GOVERN", "SETUP_ROLES"
	};
	size_t		i;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("audit_event needs an operation and an object")));
	op = text_to_cstring(PG_GETARG_TEXT_PP(0));
	for (i = 0; i < lengthof(allowed); i++)
		if (strcmp(op, allowed[i]) == 0)
			break;
	if (i == lengthof(allowed))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("\"%s\" is not a governance audit operation", op),
				 errhint("Use DISCLOSE, PURGE, AUDIT_PURGE, KEY_ROTATE, LEGAL_HOLD, LEGAL_RELEASE, GOVERN or SETUP_ROLES.")));
	GovWriteEvent(text_to_cstring(PG_GETARG_TEXT_PP(1)), op,
				  PG_ARGISNULL(2) ? NULL : PG_GETARG_JSONB_P(2),
				  PG_ARGISNULL(3) ? NULL : PG_GETARG_JSONB_P(3));
	PG_RETURN_VOID();
}

/*
 * audit_suppress_values(on boolean): while on (until the transaction
 * ends, or a subtransaction that turned it on aborts), DELETE entries keep
 * the row key only.  purge_expired() uses it so
 * that purged patient data does not live on in the audit trail.  Not
 * granted to anybody.
 */
Datum
audit_suppress_values(PG_FUNCTION_ARGS)
{
	if (PG_GETARG_BOOL(0))
		GovSuppressDepth++;
	else if (GovSuppressDepth > 0)
		GovSuppressDepth--;
	PG_RETURN_VOID();
}

/*
 * staff_changed(): statement trigger on referral_crm.staff.  The audit
 * writer caches the staff id of each role per backend; a relcache
 * invalidation of the staff table, sent at commit to every backend, makes
 * them forget it.
 */
Datum
staff_changed(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("staff_changed must be called as a trigger")));
	CacheInvalidateRelcache(td->tg_relation);
	PG_RETURN_POINTER(NULL);
}

/* jsonb value of a key in an object, or NULL. */
static JsonbValue *
GovJsonbGet(Jsonb *j, const char *key)
{
	JsonbValue	k;

	if (j == NULL || !JB_ROOT_IS_OBJECT(j))
		return NULL;
	k.type = jbvString;
	k.val.string.val = (char *) key;
	k.val.string.len = strlen(key);
	return findJsonbValueFromContainer(&j->root, JB_FOBJECT, &k);
}

/* A claim that entry (chain, seq) has a given hash, from a checkpoint or floor. */
typedef struct GovClaimKey
{
	int64		chain;
	int64		seq;
} GovClaimKey;

typedef struct GovClaim
{
	GovClaimKey key;
	uint8		hash[GOV_HASH_LEN];
	bool		found;
	int64		by_seq;			/* checkpoint (chain 0 seq) that made it, or 0
								 * if only the chain's tip claims it */
	bool		tip;			/* audit_chain_tips claims it too ... */
	uint8		tip_hash[GOV_HASH_LEN]; /* ... with this hash */
} GovClaim;

typedef struct GovFloor
{
	int64		chain;
	int64		seq;
	uint8		hash[GOV_HASH_LEN];
	bool		vouched;
} GovFloor;

/*
 * Parse [[chain, seq, "hex"], ...] from an array value; calls add for each
 * well-formed element and returns false at the first malformed one.
 */
static bool
GovParseHeads(JsonbValue *arr, bool (*add) (void *arg, int64 chain, int64 seq, const uint8 *hash),
			  void *arg)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken tok;
	int64		f[2] = {0, 0};
	int			pos = 0;
	int			depth = 0;
	uint8		hash[GOV_HASH_LEN];

	if (arr == NULL || arr->type != jbvBinary)
		return false;
	it = JsonbIteratorInit(arr->val.binary.data);
	while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE)
	{
		if (tok == WJB_BEGIN_ARRAY)
		{
			depth++;
			pos = 0;
		}
		else if (tok == WJB_END_ARRAY)
			depth--;
		else if (tok == WJB_ELEM && depth == 2)
		{
			if (pos < 2 && v.type == jbvNumeric)
				f[pos] = DatumGetInt64(DirectFunctionCall1(numeric_int8, NumericGetDatum(v.val.numeric)));
			else if (pos == 2 && v.type == jbvString)
			{
				if (!GovHexDecode(v.val.string.val, v.val.string.len, hash, GOV_HASH_LEN))
					return false;
				if (!add(arg, f[0], f[1], hash))
					return false;
			}
			else
				return false;
			pos++;
		}
		else if (tok != WJB_BEGIN_ARRAY)
			return false;
	}
	return true;
}

/* State of one audit_verify run. */
typedef struct GovVerify
{
	HTAB	   *claims;
	HTAB	   *floors;
	int64		by_seq;
	bool		bad;
} GovVerify;

/* Record a checkpoint claim. */
static bool
GovAddClaim(void *arg, int64 chain, int64 seq, const uint8 *hash)
{
	GovVerify  *v = arg;
	GovClaimKey k;
	GovClaim   *c;
	bool		found;

	k.chain = chain;
	k.seq = seq;
	c = hash_search(v->claims, &k, HASH_ENTER, &found);
	if (!found)
	{
		c->found = false;
		c->tip = false;
	}
	else if (c->by_seq != 0 && memcmp(c->hash, hash, GOV_HASH_LEN) != 0)
		v->bad = true;
	if (!found || c->by_seq == 0)
		c->by_seq = v->by_seq;
	memcpy(c->hash, hash, GOV_HASH_LEN);
	return true;
}

/* Mark a floor as vouched for by an AUDIT_PURGE entry. */
static bool
GovVouchFloor(void *arg, int64 chain, int64 seq, const uint8 *hash)
{
	GovVerify  *v = arg;
	GovFloor   *f = hash_search(v->floors, &chain, HASH_FIND, NULL);

	if (f != NULL && f->seq == seq && memcmp(f->hash, hash, GOV_HASH_LEN) == 0)
		f->vouched = true;
	return true;
}

/*
 * audit_verify(): recompute every link of every chain and check every
 * checkpoint claim.  Returns one row: ok, entries, chains, checkpoints,
 * and the first broken link (chain_id, seq, problem).
 */
Datum
audit_verify(PG_FUNCTION_ARGS)
{
	TupleDesc	rdesc;
	Datum		out[7];
	bool		outnull[7] = {false, false, false, false, true, true, true};
	HASHCTL		ctl;
	GovVerify	v;
	Portal		portal;
	GovHash    *sha;
	GovFrame	frame;
	int64		entries = 0;
	int64		chains = 0;
	int64		checkpoints = 0;
	int64		cur_chain = -1;
	int64		expect_seq = 0;
	uint8		prev[GOV_HASH_LEN];
	char	   *problem = NULL;
	int64		p_chain = 0;
	int64		p_seq = 0;
	MemoryContext rowcxt;
	MemoryContext callcxt = CurrentMemoryContext;
	uint64		i;
	uint64		ntips;

	if (get_call_result_type(fcinfo, NULL, &rdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "audit_verify must return a record");
	rdesc = BlessTupleDesc(rdesc);

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(GovClaimKey);
	ctl.entrysize = sizeof(GovClaim);
	ctl.hcxt = CurrentMemoryContext;
	v.claims = hash_create("audit claims", 1024, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	ctl.keysize = sizeof(int64);
	ctl.entrysize = sizeof(GovFloor);
	v.floors = hash_create("audit floors", 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	v.bad = false;
	sha = GovSha();
	GovFrameStart(&frame);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute("SELECT chain_id, floor_seq, floor_hash FROM referral_crm_audit.audit_chain_floors",
					true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read referral_crm_audit.audit_chain_floors");
	for (i = 0; i < SPI_processed; i++)
	{
		bool		n1,
					n2,
					n3;
		int64		c = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &n1));
		int64		s = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &n2));
		bytea	   *h = DatumGetByteaPP(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 3, &n3));
		GovFloor   *f;
		MemoryContext o = MemoryContextSwitchTo(callcxt);

		if (!n1 && !n2 && !n3 && VARSIZE_ANY_EXHDR(h) == GOV_HASH_LEN)
		{
			f = hash_search(v.floors, &c, HASH_ENTER, NULL);
			f->seq = s;
			memcpy(f->hash, VARDATA_ANY(h), GOV_HASH_LEN);
			f->vouched = false;
		}
		MemoryContextSwitchTo(o);
	}

	/* a database still at 0.3.0 has no tips */
	ntips = 0;
	if (OidIsValid(GovTipsOid()))
	{
		if (SPI_execute("SELECT chain_id, seq, hash FROM referral_crm_audit.audit_chain_tips",
						true, 0) != SPI_OK_SELECT)
			elog(ERROR, "could not read referral_crm_audit.audit_chain_tips");
		ntips = SPI_processed;
	}
	for (i = 0; i < ntips; i++)
	{
		bool		n1,
					n2,
					n3;
		int64		c = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &n1));
		int64		s = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &n2));
		bytea	   *h = DatumGetByteaPP(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 3, &n3));
		GovClaimKey k;
		GovClaim   *cl;
		MemoryContext o = MemoryContextSwitchTo(callcxt);

		/* each tip claims that its chain reaches (seq, hash) */
		k.chain = c;
		k.seq = (n1 || n2) ? -1 : s;
		cl = hash_search(v.claims, &k, HASH_ENTER, NULL);
		cl->found = false;
		cl->by_seq = 0;
		cl->tip = true;
		if (n3 || VARSIZE_ANY_EXHDR(h) != GOV_HASH_LEN)
			memset(cl->tip_hash, 0, GOV_HASH_LEN);
		else
			memcpy(cl->tip_hash, VARDATA_ANY(h), GOV_HASH_LEN);
		memcpy(cl->hash, cl->tip_hash, GOV_HASH_LEN);
		MemoryContextSwitchTo(o);
	}

	portal = SPI_cursor_open_with_args(NULL,
									   "SELECT chain_id, seq, logged_at, xid, actor_session, actor_role, staff_id, "
									   "application_name, client_addr, table_name, operation, row_key, old_values, "
									   "new_values, details, hash FROM referral_crm_audit.audit_log ORDER BY chain_id, seq",
									   0, NULL, NULL, NULL, true, 0);
	rowcxt = AllocSetContextCreate(callcxt, "audit verify row", ALLOCSET_DEFAULT_SIZES);
	while (problem == NULL)
	{
		SPI_cursor_fetch(portal, true, 1000);
		if (SPI_processed == 0)
			break;
		for (i = 0; i < SPI_processed && problem == NULL; i++)
		{
			HeapTuple	tup = SPI_tuptable->vals[i];
			Datum		values[GOV_NCOLS];
			bool		nulls[GOV_NCOLS];
			uint8		calc[GOV_HASH_LEN];
			int64		chain;
			int64		seq;
			bytea	   *stored;
			MemoryContext o = MemoryContextSwitchTo(rowcxt);
			int			c;

			for (c = 0; c < GOV_NCOLS; c++)
				values[c] = SPI_getbinval(tup, SPI_tuptable->tupdesc, c + 1, &nulls[c]);
			entries++;
			chain = nulls[GA_CHAIN] ? -1 : DatumGetInt64(values[GA_CHAIN]);
			seq = nulls[GA_SEQ] ? -1 : DatumGetInt64(values[GA_SEQ]);
			if (chain != cur_chain)
			{
				GovFloor   *f = hash_search(v.floors, &chain, HASH_FIND, NULL);

				chains++;
				cur_chain = chain;
				if (f != NULL)
				{
					expect_seq = f->seq + 1;
					memcpy(prev, f->hash, GOV_HASH_LEN);
				}
				else
				{
					expect_seq = 1;
					GovChainSeed(sha, chain, prev);
				}
			}
			p_chain = chain;
			p_seq = seq;
			if (nulls[GA_HASH] || nulls[GA_CHAIN] || nulls[GA_SEQ])
				problem = "entry has no chain, sequence number or hash";
			else if (seq < expect_seq)
				problem = "entry inserted: its sequence number repeats an earlier one";
			else if (seq > expect_seq)
				problem = MemoryContextStrdup(callcxt,
											  psprintf("entries missing: sequence numbers %lld to %lld are not there",
													   (long long) expect_seq, (long long) seq - 1));
			else
			{
				stored = DatumGetByteaPP(values[GA_HASH]);
				GovEntryHash(sha, &frame, prev, values, nulls, calc);
				if (VARSIZE_ANY_EXHDR(stored) != GOV_HASH_LEN ||
					memcmp(VARDATA_ANY(stored), calc, GOV_HASH_LEN) != 0)
					problem = "entry changed: its content does not match its hash";
				else
				{
					memcpy(prev, calc, GOV_HASH_LEN);
					expect_seq = seq + 1;
				}
			}
			if (problem == NULL)
			{
				GovClaimKey k;
				GovClaim   *cl;
				char	   *op = nulls[GA_OP] ? "" : TextDatumGetCString(values[GA_OP]);
				Jsonb	   *det = nulls[GA_DETAILS] ? NULL : DatumGetJsonbP(values[GA_DETAILS]);

				k.chain = chain;
				k.seq = seq;
				cl = hash_search(v.claims, &k, HASH_FIND, NULL);
				if (cl != NULL)
				{
					cl->found = true;
					if (cl->tip && memcmp(cl->tip_hash, calc, GOV_HASH_LEN) != 0)
						problem = "entry changed: the tip of its chain records another hash for it";
					else if (cl->by_seq != 0 && memcmp(cl->hash, calc, GOV_HASH_LEN) != 0)
						problem = MemoryContextStrdup(callcxt,
													  psprintf("entry changed: checkpoint %lld recorded another hash for it",
															   (long long) cl->by_seq));
				}
				MemoryContextSwitchTo(callcxt);
				if (chain == 0 && strcmp(op, "CHECKPOINT") == 0)
				{
					checkpoints++;
					v.by_seq = seq;
					if (!GovParseHeads(GovJsonbGet(det, "heads"), GovAddClaim, &v) || v.bad)
						problem = "checkpoint is malformed";
				}
				else if (strcmp(op, "AUDIT_PURGE") == 0)
					(void) GovParseHeads(GovJsonbGet(det, "floors"), GovVouchFloor, &v);
			}
			MemoryContextSwitchTo(o);
			MemoryContextReset(rowcxt);
		}
	}
	SPI_cursor_close(portal);

	if (problem == NULL)
	{
		HASH_SEQ_STATUS hs;
		GovClaim   *cl;
		GovFloor   *f;

		hash_seq_init(&hs, v.claims);
		while ((cl = hash_seq_search(&hs)) != NULL)
		{
			if (cl->found)
				continue;
			f = hash_search(v.floors, &cl->key.chain, HASH_FIND, NULL);
			if (f != NULL && cl->key.seq < f->seq)
				continue;
			if (f != NULL && cl->key.seq == f->seq && memcmp(f->hash, cl->hash, GOV_HASH_LEN) == 0)
				continue;
			if (problem == NULL || cl->key.chain < p_chain ||
				(cl->key.chain == p_chain && cl->key.seq < p_seq))
			{
				p_chain = cl->key.chain;
				p_seq = cl->key.seq;
				problem = cl->by_seq != 0
					? psprintf("entry missing: checkpoint %lld recorded it", (long long) cl->by_seq)
					: "entry missing: the tip of its chain records it";
			}
		}
	}
	if (problem == NULL)
	{
		HASH_SEQ_STATUS hs;
		GovFloor   *f;

		hash_seq_init(&hs, v.floors);
		while ((f = hash_seq_search(&hs)) != NULL)
			if (!f->vouched)
			{
				p_chain = f->chain;
				p_seq = f->seq;
				problem = "chain floor without an AUDIT_PURGE entry that records it";
				hash_seq_term(&hs);
				break;
			}
	}
	SPI_finish();

	out[0] = BoolGetDatum(problem == NULL);
	out[1] = Int64GetDatum(entries);
	out[2] = Int64GetDatum(chains);
	out[3] = Int64GetDatum(checkpoints);
	if (problem != NULL)
	{
		out[4] = Int64GetDatum(p_chain);
		out[5] = Int64GetDatum(p_seq);
		out[6] = CStringGetTextDatum(problem);
		outnull[4] = outnull[5] = outnull[6] = false;
	}
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(rdesc, out, outnull)));
}

/*
 * audit_checkpoint(): seal the head of every chain that moved since the
 * last checkpoint into the checkpoint chain (chain 0).  Returns the new
 * checkpoint's seq, time and digest.  Checkpoints are serialised among
 * themselves only (a self-conflicting lock that writers do not take).
 */
Datum
audit_checkpoint(PG_FUNCTION_ARGS)
{
	TupleDesc	rdesc;
	GovWriter	w;
	GovChainState cp;
	JsonbParseState *st = NULL;
	JsonbValue	jv;
	Jsonb	   *details;
	Datum		out[3];
	bool		outnull[3] = {false, false, false};
	uint64		i;
	int64		nheads = 0;
	char		hex[2 * GOV_HASH_LEN + 1];
	Oid			argtypes[3] = {INT8OID, INT8OID, BYTEAOID};
	bool		tips;

	if (get_call_result_type(fcinfo, NULL, &rdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "audit_checkpoint must return a record");
	rdesc = BlessTupleDesc(rdesc);
	LockRelationOid(GovRelid("audit_chain_heads"), ShareUpdateExclusiveLock);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* Where the checkpoint chain stands. */
	memset(&cp, 0, sizeof(cp));
	tips = OidIsValid(GovTipsOid());
	if (tips &&
		SPI_execute("SELECT seq, hash FROM referral_crm_audit.audit_chain_tips WHERE chain_id = 0",
					true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the checkpoint chain");
	/* no tip: before the first checkpoint (or the tip was lost) */
	if ((!tips || SPI_processed == 0) &&
		SPI_execute("SELECT seq, hash FROM referral_crm_audit.audit_log WHERE chain_id = 0 ORDER BY seq DESC LIMIT 1",
					true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read the checkpoint chain");
	GovWriterOpen(&w, false);
	if (SPI_processed == 1)
	{
		bool		n1,
					n2;
		bytea	   *h;

		cp.seq = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &n1));
		h = DatumGetByteaPP(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &n2));
		if (n1 || n2 || VARSIZE_ANY_EXHDR(h) != GOV_HASH_LEN)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("the last checkpoint of the audit trail is damaged"),
					 errhint("Run referral_crm.audit_verify().")));
		memcpy(cp.hash, VARDATA_ANY(h), GOV_HASH_LEN);
	}
	else
		GovChainSeed(GovSha(), 0, cp.hash);

	/* The tips of the chains that moved since the last checkpoint. */
	if (SPI_execute(tips
					? "SELECT t.chain_id, t.seq, t.hash FROM referral_crm_audit.audit_chain_tips t"
					"  LEFT JOIN referral_crm_audit.audit_chain_heads p ON p.chain_id = t.chain_id"
					" WHERE t.chain_id > 0 AND (p.chain_id IS NULL OR p.seq <> t.seq OR p.hash <> t.hash)"
					" ORDER BY t.chain_id"
	/* a database still at 0.3.0: one probe of the (chain_id, seq) key per chain */
					: "WITH RECURSIVE c (id) AS ("
					"  SELECT min(chain_id) FROM referral_crm_audit.audit_log WHERE chain_id > 0"
					"  UNION ALL"
					"  SELECT (SELECT min(l.chain_id) FROM referral_crm_audit.audit_log l WHERE l.chain_id > c.id)"
					"    FROM c WHERE c.id IS NOT NULL) "
					"SELECT c.id, h.seq, h.hash FROM c"
					"  CROSS JOIN LATERAL (SELECT l.seq, l.hash FROM referral_crm_audit.audit_log l"
					"                       WHERE l.chain_id = c.id ORDER BY l.seq DESC LIMIT 1) h"
					"  LEFT JOIN referral_crm_audit.audit_chain_heads p ON p.chain_id = c.id"
					" WHERE p.chain_id IS NULL OR p.seq <> h.seq OR p.hash <> h.hash"
					" ORDER BY c.id", true, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not read the heads of the audit chains");

	pushJsonbValue(&st, WJB_BEGIN_OBJECT, NULL);
	jv.type = jbvString;
	jv.val.string.val = "heads";
	jv.val.string.len = 5;
	pushJsonbValue(&st, WJB_KEY, &jv);
	pushJsonbValue(&st, WJB_BEGIN_ARRAY, NULL);
	for (i = 0; i < SPI_processed; i++)
	{
		bool		n;
		int64		c = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &n));
		int64		s = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &n));
		bytea	   *h = DatumGetByteaPP(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 3, &n));

		if (VARSIZE_ANY_EXHDR(h) != GOV_HASH_LEN)
			continue;
		pushJsonbValue(&st, WJB_BEGIN_ARRAY, NULL);
		jv.type = jbvNumeric;
		jv.val.numeric = int64_to_numeric(c);
		pushJsonbValue(&st, WJB_ELEM, &jv);
		jv.val.numeric = int64_to_numeric(s);
		pushJsonbValue(&st, WJB_ELEM, &jv);
		GovHexEncode((const uint8 *) VARDATA_ANY(h), GOV_HASH_LEN, hex);
		jv.type = jbvString;
		jv.val.string.val = pstrdup(hex);
		jv.val.string.len = 2 * GOV_HASH_LEN;
		pushJsonbValue(&st, WJB_ELEM, &jv);
		pushJsonbValue(&st, WJB_END_ARRAY, NULL);
		nheads++;
	}
	pushJsonbValue(&st, WJB_END_ARRAY, NULL);
	details = JsonbValueToJsonb(pushJsonbValue(&st, WJB_END_OBJECT, NULL));

	/* Remember what this checkpoint sealed. */
	{
		SPIPlanPtr	plan = SPI_prepare("INSERT INTO referral_crm_audit.audit_chain_heads (chain_id, seq, hash) "
									   "VALUES ($1, $2, $3) ON CONFLICT (chain_id) DO UPDATE "
									   "SET seq = EXCLUDED.seq, hash = EXCLUDED.hash",
									   3, argtypes);
		SPITupleTable *heads = SPI_tuptable;
		uint64		n = SPI_processed;

		if (plan == NULL)
			elog(ERROR, "could not prepare the update of audit_chain_heads");
		for (i = 0; i < n; i++)
		{
			Datum		args[3];
			bool		isnull;

			args[0] = SPI_getbinval(heads->vals[i], heads->tupdesc, 1, &isnull);
			args[1] = SPI_getbinval(heads->vals[i], heads->tupdesc, 2, &isnull);
			args[2] = SPI_getbinval(heads->vals[i], heads->tupdesc, 3, &isnull);
			if (SPI_execute_plan(plan, args, NULL, false, 0) != SPI_OK_INSERT)
				elog(ERROR, "could not update audit_chain_heads");
		}
	}

	GovWriteEntry(&w, &cp, CStringGetTextDatum("referral_crm_audit.audit_log"), "CHECKPOINT",
				  NULL, NULL, NULL, details);
	GovWriterClose(&w);
	ItemPointerSetInvalid(&cp.tip);
	GovWriteTip(&cp);
	SPI_finish();

	(void) nheads;
	out[0] = Int64GetDatum(cp.seq);
	out[1] = TimestampTzGetDatum(GetCurrentStatementStartTimestamp());
	GovHexEncode(cp.hash, GOV_HASH_LEN, hex);
	out[2] = CStringGetTextDatum(hex);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(rdesc, out, outnull)));
}

/* Load the current pseudonym key (once per transaction). */
static void
GovLoadKey(void)
{
	bool		isnull;
	bytea	   *k;

	if (GovKeyLxid == MyProc->lxid && GovKeyLen > 0)
		return;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute("SELECT key FROM referral_crm.pseudonym_keys WHERE retired_at IS NULL "
					"ORDER BY key_id DESC LIMIT 1", true, 1) != SPI_OK_SELECT)
		elog(ERROR, "could not read referral_crm.pseudonym_keys");
	if (SPI_processed != 1)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("there is no current pseudonym key"),
				 errhint("An administrator runs referral_crm.rotate_pseudonym_key().")));
	k = DatumGetByteaPP(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	if (isnull || VARSIZE_ANY_EXHDR(k) < 16 || VARSIZE_ANY_EXHDR(k) > (int) sizeof(GovKey))
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("the current pseudonym key has a wrong length"),
				 errhint("An administrator runs referral_crm.rotate_pseudonym_key().")));
	GovKeyLen = VARSIZE_ANY_EXHDR(k);
	memcpy(GovKey, VARDATA_ANY(k), GovKeyLen);
	SPI_finish();
	GovKeyLxid = MyProc->lxid;
}

/*
 * pseudonym(value text, domain text): HMAC-SHA256 under the current key of
 * domain || 0x00 || value, as 32 hex digits (128 bits).  The same value
 * gives different tokens in different domains.
 */
Datum
pseudonym(PG_FUNCTION_ARGS)
{
	text	   *value = PG_GETARG_TEXT_PP(0);
	text	   *domain = PG_GETARG_TEXT_PP(1);
	pg_hmac_ctx *h;
	uint8		digest[GOV_HASH_LEN];
	char		hex[33];
	uint8		zero = 0;

	GovLoadKey();
	h = pg_hmac_create(PG_SHA256);
	if (h == NULL)
		ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
	if (pg_hmac_init(h, GovKey, GovKeyLen) < 0 ||
		pg_hmac_update(h, (const uint8 *) VARDATA_ANY(domain), VARSIZE_ANY_EXHDR(domain)) < 0 ||
		pg_hmac_update(h, &zero, 1) < 0 ||
		pg_hmac_update(h, (const uint8 *) VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value)) < 0 ||
		pg_hmac_final(h, digest, sizeof(digest)) < 0)
		elog(ERROR, "could not compute HMAC-SHA256: %s", pg_hmac_error(h));
	pg_hmac_free(h);
	GovHexEncode(digest, 16, hex);
	PG_RETURN_TEXT_P(cstring_to_text(hex));
}

/*
 * random_key(): 32 bytes from the server's strong random source.  Only
 * new pseudonym keys are made with it, so it also drops the cached key.
 */
Datum
random_key(PG_FUNCTION_ARGS)
{
	bytea	   *b = palloc(VARHDRSZ + 32);

	GovKeyLxid = InvalidLocalTransactionId;
	GovKeyLen = 0;

	SET_VARSIZE(b, VARHDRSZ + 32);
	if (!pg_strong_random(VARDATA(b), 32))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate a random key")));
	PG_RETURN_BYTEA_P(b);
}

/*
 * acting_user(): the role the session acts as (login or SET ROLE), which a
 * SECURITY DEFINER function does not change.  Audit entries and the
 * accounting of disclosures name it.
 */
Datum
acting_user(PG_FUNCTION_ARGS)
{
	Name		n = palloc0(NAMEDATALEN);

	namestrcpy(n, GetUserNameFromId(GetOuterUserId(), false));
	PG_RETURN_NAME(n);
}

/*
 * id_in(id bigint, ids bigint[]): true if id is one of ids.  The policies
 * pass an array computed once per query, (SELECT referral_crm.my_queue_ids());
 * a plain loop over its int64s is several times cheaper per row than
 * "= ANY (array)", which calls the equality function for each element.
 */
Datum
id_in(PG_FUNCTION_ARGS)
{
	int64		id = PG_GETARG_INT64(0);
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(1);
	int			n;
	int			i;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("id_in needs a one-dimensional array")));
	if (ARR_ELEMTYPE(arr) != INT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("id_in needs a bigint array")));
	/* one dimension at most: the element count is the first dimension */
	n = ARR_NDIM(arr) == 0 ? 0 : ARR_DIMS(arr)[0];
	if (!ARR_HASNULL(arr))
	{
		const int64 *v = (const int64 *) ((const char *) arr + ARR_OVERHEAD_NONULLS(ARR_NDIM(arr)));

		for (i = 0; i < n; i++)
			if (v[i] == id)
				PG_RETURN_BOOL(true);
	}
	else
	{
		Datum	   *elems;
		bool	   *nulls;

		deconstruct_array(arr, INT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &nulls, &n);
		for (i = 0; i < n; i++)
			if (!nulls[i] && DatumGetInt64(elems[i]) == id)
				PG_RETURN_BOOL(true);
	}
	PG_RETURN_BOOL(false);
}
