/*-------------------------------------------------------------------------
 *
 * scoring.c
 *	  Unit tests of the scoring room's numerical core (src/scoring/logit.c),
 *	  without a server: stable sigmoid and log(1 + exp), Cholesky solve and
 *	  inverse, Jacobi eigenvalues, the pass state (accumulate, combine in
 *	  any split equals one pass), a full Newton fit of MADlib's example,
 *	  exact AUC against brute force, and the split hash.
 *	  Ends with "N passed, N failed".
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scoring/logit.h"

#include "unit.h"

/* |a - b| <= tol * max(1, |b|) */
static int
Near(double a, double b, double tol)
{
	return fabs(a - b) <= tol * fmax(1.0, fabs(b));
}

/* A tick callback that counts its calls. */
static int	ticks;
static void
CountTick(void)
{
	ticks++;
}

/* Sigmoid and log(1 + exp(t)) at the extremes. */
static void
TestStable(void)
{
	Check(LogitSigmoid(800) == 1.0, "sigmoid(800) = 1");
	Check(LogitSigmoid(-800) == 0.0, "sigmoid(-800) = 0, not NaN");
	Check(LogitSigmoid(-30) > 0, "sigmoid(-30) > 0");
	Check(Near(LogitSigmoid(0), 0.5, 0), "sigmoid(0) = 0.5");
	Check(LogitLog1pExp(800) == 800.0, "log1pexp(800) = 800, not inf");
	Check(Near(LogitLog1pExp(-800), 0, 0), "log1pexp(-800) = 0");
	Check(Near(LogitLog1pExp(1e-3), log1p(exp(1e-3)), 1e-15), "log1pexp small");
	Check(Near(LogitSigmoid(3) + LogitSigmoid(-3), 1.0, 1e-15), "sigmoid symmetry");
}

/* Cholesky, solve, inverse and eigenvalues of small known matrices. */
static void
TestLinearAlgebra(void)
{
	double		a[9] = {4, 12, -16, 12, 37, -43, -16, -43, 98};
	double		l[9];
	double		b[3] = {1, 2, 3};
	double		inv[9];
	double		eig[3];
	double		sing[4] = {1, 2, 2, 4};
	double		d[4] = {2, 1, 1, 2};
	int			fail_at = -1;
	int			i;
	int			j;

	memcpy(l, a, sizeof(a));
	Check(LogitCholesky(l, 3, &fail_at), "cholesky of a positive definite matrix");
	Check(l[0] == 2 && l[3] == 6 && l[4] == 1 && l[6] == -8 && l[7] == 5 && l[8] == 3,
		  "cholesky factor L = [2 0 0; 6 1 0; -8 5 3]");
	LogitCholSolve(l, 3, b);
	for (i = 0; i < 3; i++)
	{
		double		s = 0;

		for (j = 0; j < 3; j++)
			s += a[i * 3 + j] * b[j];
		Check(Near(s, (double) (i + 1), 1e-10), "A x = b after the solve");
	}
	ticks = 0;
	LogitCholInverse(l, 3, inv, CountTick);
	Check(ticks == 3, "the inverse ticks once per column (interrupts are checked)");
	for (i = 0; i < 3; i++)
		for (j = 0; j < 3; j++)
		{
			double		s = 0;
			int			m;

			for (m = 0; m < 3; m++)
				s += a[i * 3 + m] * inv[m * 3 + j];
			Check(Near(s, i == j ? 1.0 : 0.0, 1e-9), "A A^-1 = I");
		}
	Check(!LogitCholesky(sing, 2, &fail_at) && fail_at == 1, "a singular matrix fails at its second pivot");
	ticks = 0;
	LogitSymEigen(d, 2, eig, CountTick);
	Check(ticks >= 2, "the eigenvalue sweeps tick once per row (interrupts are checked)");
	Check(Near(fmin(eig[0], eig[1]), 1, 1e-12) && Near(fmax(eig[0], eig[1]), 3, 1e-12), "eigenvalues of [2 1; 1 2] are 1 and 3");
	{
		const double sa[4] = {1, 2, 0, 1};
		const double sx[4] = {2, 1, 1, 3};
		double		st[4],
					so[4];

		/* [1 2; 0 1] [2 1; 1 3] [1 0; 2 1] = [18 7; 7 3] */
		ticks = 0;
		LogitSandwich(sa, sx, 2, st, so, CountTick);
		Check(so[0] == 18 && so[1] == 7 && so[2] == 7 && so[3] == 3, "A X A' by LogitSandwich");
		Check(ticks == 4, "the sandwich ticks once per row of each product (interrupts are checked)");
	}
}

/* MADlib's 20-row example. */
static const double madlib[20][3] = {
	{1, 1, 70}, {1, 1, 80}, {1, 1, 50}, {1, 0, 60}, {1, 0, 40}, {1, 0, 65}, {1, 0, 75}, {1, 0, 80}, {1, 0, 70}, {1, 0, 60},
	{0, 1, 65}, {0, 1, 50}, {0, 1, 45}, {0, 1, 35}, {0, 1, 40}, {0, 1, 50}, {0, 0, 55}, {0, 0, 45}, {0, 0, 50}, {0, 0, 60}};

/* One pass over rows [from, to) of the example into a fresh state. */
static double *
Pass(const double *params, int from, int to)
{
	double	   *s = calloc(LogitStateLen(2), sizeof(double));
	int			i;

	LogitStateInit(s, 2, params);
	for (i = from; i < to; i++)
		if (LogitAccumulate(s, madlib[i][0], &madlib[i][1]) != LOGIT_OK)
			abort();
	return s;
}

/* Pass state: checks, skip, combine equals a single pass. */
static void
TestState(void)
{
	double		params[7] = {0.1, -0.2, 0.01, 0.5, 60, 0.5, 12};
	double	   *whole = Pass(params, 0, 20);
	double	   *a = Pass(params, 0, 7);
	double	   *b = Pass(params, 7, 20);
	double		bad[7];
	double		x[2] = {1, NAN};
	size_t		len = LogitStateLen(2);
	size_t		i;
	int			p = 0;
	int			same = 1;

	Check(LogitParamsCheck(params, 7, &p) == LOGIT_OK && p == 2, "params of 2 features");
	Check(LogitParamsCheck(params, 6, &p) == LOGIT_BAD_LENGTH, "params of the wrong length");
	memcpy(bad, params, sizeof(bad));
	bad[6] = 0;
	Check(LogitParamsCheck(bad, 7, &p) == LOGIT_NONFINITE, "a zero scale is refused");
	Check(LogitStateCheck(whole, len) == LOGIT_OK, "a state checks");
	Check(LogitStateCheck(whole, len - 1) == LOGIT_BAD_STATE, "a truncated state does not");
	Check(LogitAccumulate(a, 0.5, &madlib[0][1]) == LOGIT_BAD_LABEL, "label 0.5 is refused");
	Check(LogitAccumulate(a, 1, x) == LOGIT_NONFINITE, "a NaN feature is refused");
	Check(LogitCombine(a, b) == LOGIT_OK, "combine two parts");
	for (i = 0; i < len; i++)
		if (i != LOGIT_S_LLC && i != LOGIT_S_SUMYC && !Near(a[i], whole[i], 1e-13))
			same = 0;
	Check(same, "two parts combined equal one pass");
	Check(a[LOGIT_S_N] == 20, "20 rows counted");
	LogitSkip(a);
	Check(a[LOGIT_S_SKIPPED] == 1, "a skipped row is counted");
	b[LogitOffBeta(2)] = 9;
	Check(LogitCombine(a, b) == LOGIT_BAD_STATE, "states of different passes do not combine");
	free(whole);
	free(a);
	free(b);
}

/* A plain Newton fit of the example on the raw scale: MADlib's values. */
static void
TestFit(void)
{
	double		params[7] = {0, 0, 0, 0, 0, 1, 1};
	double		h[9];
	double		g[3];
	double	   *s = NULL;
	int			it;
	int			i;
	int			j;
	int			fail_at;

	for (it = 0; it < 30; it++)
	{
		free(s);
		s = Pass(params, 0, 20);
		for (i = 0; i < 3; i++)
		{
			g[i] = s[LogitOffGrad(2) + i] + s[LogitOffGradComp(2) + i];
			for (j = i; j < 3; j++)
				h[i * 3 + j] = h[j * 3 + i] = s[LogitOffHess(2) + LogitTri(3, i, j)];
		}
		if (!LogitCholesky(h, 3, &fail_at))
			break;
		LogitCholSolve(h, 3, g);
		for (i = 0; i < 3; i++)
			params[i] += g[i];
	}
	Check(Near(params[0], -6.36346994178192, 1e-10), "MADlib example: intercept");
	Check(Near(params[1], -1.02410605239327, 1e-10), "MADlib example: treatment");
	Check(Near(params[2], 0.119044916668607, 1e-10), "MADlib example: trait anxiety");
	Check(Near(s[LOGIT_S_LL] + s[LOGIT_S_LLC], -9.41018298388876, 1e-10), "MADlib example: log-likelihood");
	Check(Near(LogitPredict(params, &madlib[0][1], 2), 0.7202230289, 1e-9), "prediction at (1, 70)");
	free(s);
}

/* Exact AUC with ties against the O(n^2) definition. */
static void
TestAuc(void)
{
	double		pos[200];
	double		neg[300];
	double		u = 0;
	double		auc;
	int			i;
	int			j;

	for (i = 0; i < 200; i++)
		pos[i] = floor(LogitSplitHash(i, 1) * 20 + 3) / 20;
	for (j = 0; j < 300; j++)
		neg[j] = floor(LogitSplitHash(j, 2) * 20) / 20;
	for (i = 0; i < 200; i++)
		for (j = 0; j < 300; j++)
			u += pos[i] > neg[j] ? 1 : pos[i] == neg[j] ? 0.5 : 0;
	auc = LogitAuc(pos, 200, neg, 300);
	Check(Near(auc, u / (200.0 * 300.0), 1e-15), "AUC with ties equals the pairwise count");
	Check(isnan(LogitAuc(pos, 200, neg, 0)), "AUC without negatives is undefined");
}

/* The split hash is fixed forever: these values must not change. */
static void
TestSplit(void)
{
	int			n = 0;
	int			i;

	Check(Near(LogitSplitHash(1, 0), 0.566561575172281, 1e-14), "split_fraction(1)");
	Check(Near(LogitSplitHash(-42, 0), 0.154378137166241, 1e-14), "split_fraction(-42)");
	for (i = 0; i < 100000; i++)
		n += LogitSplitHash(i, 5) < 0.3;
	Check(n > 29500 && n < 30500, "30% of ids fall below 0.3");
}

/* Run every test. */
int
main(void)
{
	TestStable();
	TestLinearAlgebra();
	TestState();
	TestFit();
	TestAuc();
	TestSplit();
	return UnitReport();
}
