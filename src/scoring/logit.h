/*-------------------------------------------------------------------------
 *
 * logit.h
 *	  Logistic regression by Newton/IRLS: the layout of the aggregate state
 *	  (a plain array of doubles), the per-row accumulation and its combine,
 *	  Cholesky factorisation and solves, the symmetric eigenvalues used for
 *	  condition numbers, stable sigmoid and log(1 + exp(t)), evaluation
 *	  metrics (AUC) and the hash used for train/test splits.  Plain C, no
 *	  server headers: the server glue is scoring_fmgr.c.
 *
 *-------------------------------------------------------------------------
 */
#ifndef REFERRAL_CRM_LOGIT_H
#define REFERRAL_CRM_LOGIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The state of one IRLS pass is an array of doubles:
 *
 *	[0] LOGIT_MAGIC   [1] p (features)   [2] rows used   [3] rows skipped
 *	[4] log-likelihood  [5] its compensation  [6] sum of labels
 *	[7] max |y - mu|    [8] rows fitted perfectly (|y - mu| < 1e-9)
 *	[9] sum of labels' compensation
 *	then beta[k] (standardised scale, k = p + 1, intercept first),
 *	center[p], scale[p] (the pass's parameters, copied from its first row),
 *	gradient[k], gradient compensation[k], and the upper triangle of the
 *	Hessian X'WX, row by row (k (k + 1) / 2 values).
 *
 * The log-likelihood and the label count use Neumaier compensation; the
 * gradient is summed plainly per row (its rounding moves the optimum far
 * less than 1e-12) and its compensation slot collects the compensation of
 * combines.  Serial and parallel fits agree to ~1e-14.
 */
#define LOGIT_MAGIC 7177.0
#define LOGIT_HDR 10
#define LOGIT_MAX_FEATURES 1000

#define LOGIT_S_P 1
#define LOGIT_S_N 2
#define LOGIT_S_SKIPPED 3
#define LOGIT_S_LL 4
#define LOGIT_S_LLC 5
#define LOGIT_S_SUMY 6
#define LOGIT_S_MAXRES 7
#define LOGIT_S_PERFECT 8
#define LOGIT_S_SUMYC 9

/* Why a row or a state was refused. */
typedef enum LogitProblem
{
	LOGIT_OK,
	LOGIT_BAD_LABEL,			/* label is not 0 or 1 */
	LOGIT_NONFINITE,			/* a feature value is NaN or infinite */
	LOGIT_BAD_LENGTH,			/* x has the wrong number of values */
	LOGIT_BAD_STATE				/* not an array made by this code */
} LogitProblem;

/* Offsets into the state for p features. */
static inline size_t
LogitStateLen(int p)
{
	size_t		k = (size_t) p + 1;

	return LOGIT_HDR + k + 2 * (size_t) p + 2 * k + k * (k + 1) / 2;
}
static inline size_t
LogitOffBeta(int p)
{
	(void) p;
	return LOGIT_HDR;
}
static inline size_t
LogitOffCenter(int p)
{
	return LOGIT_HDR + (size_t) p + 1;
}
static inline size_t
LogitOffScale(int p)
{
	return LOGIT_HDR + (size_t) p + 1 + (size_t) p;
}
static inline size_t
LogitOffGrad(int p)
{
	return LOGIT_HDR + (size_t) p + 1 + 2 * (size_t) p;
}
static inline size_t
LogitOffGradComp(int p)
{
	return LogitOffGrad(p) + (size_t) p + 1;
}
static inline size_t
LogitOffHess(int p)
{
	return LogitOffGradComp(p) + (size_t) p + 1;
}

/* Index of H[i][j], i <= j, in the packed upper triangle of a k x k matrix. */
static inline size_t
LogitTri(int k, int i, int j)
{
	return (size_t) i * (size_t) k - (size_t) i * ((size_t) i - 1) / 2 + (size_t) (j - i);
}

extern double LogitLog1pExp(double t);
extern double LogitSigmoid(double t);

extern LogitProblem LogitParamsCheck(const double *params, size_t nparams, int *p);
extern void LogitStateInit(double *state, int p, const double *params);
extern LogitProblem LogitStateCheck(const double *state, size_t len);
extern LogitProblem LogitAccumulate(double *state, double y, const double *x);
extern void LogitSkip(double *state);
extern LogitProblem LogitCombine(double *into, const double *from);

extern bool LogitCholesky(double *a, int k, int *failed_at);
extern void LogitCholSolve(const double *l, int k, double *b);
/*
 * Called between steps of the O(k^3) routines (may be NULL): the server
 * glue checks for interrupts there, so a wide model's fit can be cancelled.
 */
typedef void (*LogitTick) (void);

extern void LogitCholInverse(const double *l, int k, double *inv, LogitTick tick);
extern int	LogitSymEigen(double *a, int k, double *eig, LogitTick tick);
extern void LogitSandwich(const double *a, const double *x, int k, double *tmp, double *out,
						  LogitTick tick);

extern double LogitPredict(const double *coef, const double *x, int p);
extern double LogitAuc(double *pos, size_t npos, double *neg, size_t nneg);
extern double LogitSplitHash(int64_t id, int32_t seed);

#endif							/* REFERRAL_CRM_LOGIT_H */
