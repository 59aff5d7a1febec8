/*-------------------------------------------------------------------------
 *
 * logit.c
 *	  Numerical core of logistic regression by Newton/IRLS (see logit.h):
 *	  the per-row accumulation of gradient, Hessian and log-likelihood on
 *	  standardised features, the combine of two partial states, Cholesky
 *	  factorisation, solves and inverse, Jacobi eigenvalues, prediction,
 *	  the exact (tie-aware) AUC and the split hash.
 *
 *	  Formulas are the stable ones: sigmoid and log(1 + exp(t)) never
 *	  overflow, sums are compensated (Neumaier).
 *
 *-------------------------------------------------------------------------
 */
#include "scoring/logit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* log(1 + exp(t)) without overflow or loss of precision. */
double
LogitLog1pExp(double t)
{
	if (t > 0)
		return t + log1p(exp(-t));
	return log1p(exp(t));
}

/* 1 / (1 + exp(-t)) without overflow. */
double
LogitSigmoid(double t)
{
	if (t >= 0)
		return 1.0 / (1.0 + exp(-t));
	else
	{
		double		e = exp(t);

		return e / (1.0 + e);
	}
}

/* Neumaier compensated addition of v to (*sum, *comp). */
static inline void
NeumaierAdd(double *sum, double *comp, double v)
{
	double		t = *sum + v;

	if (fabs(*sum) >= fabs(v))
		*comp += (*sum - t) + v;
	else
		*comp += (v - t) + *sum;
	*sum = t;
}

/*
 * Check a parameter array [beta(k), center(p), scale(p)] and return its
 * number of features in *p.
 */
LogitProblem
LogitParamsCheck(const double *params, size_t nparams, int *p)
{
	size_t		i;
	int			np;

	if (nparams < 4 || (nparams - 1) % 3 != 0)
		return LOGIT_BAD_LENGTH;
	np = (int) ((nparams - 1) / 3);
	if (np > LOGIT_MAX_FEATURES)
		return LOGIT_BAD_LENGTH;
	for (i = 0; i < nparams; i++)
		if (!isfinite(params[i]))
			return LOGIT_NONFINITE;
	for (i = 0; i < (size_t) np; i++)
		if (!(params[np + 1 + np + i] > 0))
			return LOGIT_NONFINITE;
	*p = np;
	return LOGIT_OK;
}

/* A fresh state for p features and the pass's parameters. */
void
LogitStateInit(double *state, int p, const double *params)
{
	memset(state, 0, LogitStateLen(p) * sizeof(double));
	state[0] = LOGIT_MAGIC;
	state[LOGIT_S_P] = p;
	memcpy(state + LogitOffBeta(p), params, (size_t) (3 * p + 1) * sizeof(double));
}

/* Is this array (of len doubles) a state made by LogitStateInit? */
LogitProblem
LogitStateCheck(const double *state, size_t len)
{
	double		pd;
	int			p;

	if (len < LOGIT_HDR + 4 || state[0] != LOGIT_MAGIC)
		return LOGIT_BAD_STATE;
	pd = state[LOGIT_S_P];
	if (!(pd >= 1 && pd <= LOGIT_MAX_FEATURES) || pd != floor(pd))
		return LOGIT_BAD_STATE;
	p = (int) pd;
	if (LogitStateLen(p) != len)
		return LOGIT_BAD_STATE;
	return LOGIT_OK;
}

/* Count a row skipped for a NULL. */
void
LogitSkip(double *state)
{
	state[LOGIT_S_SKIPPED] += 1;
}

/*
 * Add one row (label y in {0, 1}, p raw feature values x) to the state:
 * standardise, then accumulate the gradient (y - mu) z, the Hessian
 * mu (1 - mu) z z' and the log-likelihood.  The gradient of a row is added
 * plainly (its rounding moves the optimum by far less than 1e-12); the
 * log-likelihood and the label count are compensated.
 */
LogitProblem
LogitAccumulate(double *state, double y, const double *x)
{
	int			p = (int) state[LOGIT_S_P];
	int			k = p + 1;
	const double *restrict beta = state + LogitOffBeta(p);
	const double *restrict center = state + LogitOffCenter(p);
	const double *restrict scale = state + LogitOffScale(p);
	double	   *restrict grad = state + LogitOffGrad(p);
	double	   *restrict hess = state + LogitOffHess(p);
	double		zbuf[64];
	double	   *restrict z = zbuf;
	double		eta;
	double		e;
	double		mu;
	double		w;
	double		r;
	double		ll;
	int			i;
	int			j;

	if (!(y == 0.0 || y == 1.0))
		return LOGIT_BAD_LABEL;
	if (k > 64)
	{
		z = malloc((size_t) k * sizeof(double));
		if (z == NULL)
			abort();
	}
	z[0] = 1.0;
	eta = beta[0];
	for (j = 0; j < p; j++)
	{
		if (!isfinite(x[j]))
		{
			if (z != zbuf)
				free(z);
			return LOGIT_NONFINITE;
		}
		z[j + 1] = (x[j] - center[j]) / scale[j];
		eta += beta[j + 1] * z[j + 1];
	}
	/* one exp serves the sigmoid and log(1 + exp(+-eta)) */
	e = exp(-fabs(eta));
	mu = eta >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
	w = mu * (1.0 - mu);
	r = y - mu;
	/* log p(y | eta) = -log(1 + exp(-eta)) for y = 1, -log(1 + exp(eta)) for y = 0 */
	ll = -(log1p(e) + ((y == 1.0) == (eta >= 0) ? 0.0 : fabs(eta)));

	NeumaierAdd(&state[LOGIT_S_LL], &state[LOGIT_S_LLC], ll);
	NeumaierAdd(&state[LOGIT_S_SUMY], &state[LOGIT_S_SUMYC], y);
	state[LOGIT_S_N] += 1;
	if (fabs(r) > state[LOGIT_S_MAXRES])
		state[LOGIT_S_MAXRES] = fabs(r);
	if (fabs(r) < 1e-9)
		state[LOGIT_S_PERFECT] += 1;

	for (i = 0; i < k; i++)
	{
		double		wzi = w * z[i];
		double	   *restrict row = hess + LogitTri(k, i, i) - i;

		grad[i] += r * z[i];
		for (j = i; j < k; j++)
			row[j] += wzi * z[j];
	}
	if (z != zbuf)
		free(z);
	return LOGIT_OK;
}

/* Add the partial state from into into (same features, same pass). */
LogitProblem
LogitCombine(double *into, const double *from)
{
	int			p = (int) into[LOGIT_S_P];
	int			k = p + 1;
	size_t		i;
	size_t		nh = (size_t) k * (k + 1) / 2;
	size_t		ob = LogitOffBeta(p);
	double	   *grad = into + LogitOffGrad(p);
	double	   *gcomp = into + LogitOffGradComp(p);
	const double *fgrad = from + LogitOffGrad(p);
	const double *fgcomp = from + LogitOffGradComp(p);

	if (from[LOGIT_S_P] != into[LOGIT_S_P])
		return LOGIT_BAD_STATE;
	for (i = 0; i < (size_t) (3 * p + 1); i++)
		if (into[ob + i] != from[ob + i])
			return LOGIT_BAD_STATE;
	into[LOGIT_S_N] += from[LOGIT_S_N];
	into[LOGIT_S_SKIPPED] += from[LOGIT_S_SKIPPED];
	into[LOGIT_S_PERFECT] += from[LOGIT_S_PERFECT];
	NeumaierAdd(&into[LOGIT_S_LL], &into[LOGIT_S_LLC], from[LOGIT_S_LL]);
	into[LOGIT_S_LLC] += from[LOGIT_S_LLC];
	NeumaierAdd(&into[LOGIT_S_SUMY], &into[LOGIT_S_SUMYC], from[LOGIT_S_SUMY]);
	into[LOGIT_S_SUMYC] += from[LOGIT_S_SUMYC];
	if (from[LOGIT_S_MAXRES] > into[LOGIT_S_MAXRES])
		into[LOGIT_S_MAXRES] = from[LOGIT_S_MAXRES];
	for (i = 0; i < (size_t) k; i++)
	{
		NeumaierAdd(&grad[i], &gcomp[i], fgrad[i]);
		gcomp[i] += fgcomp[i];
	}
	for (i = 0; i < nh; i++)
		into[LogitOffHess(p) + i] += from[LogitOffHess(p) + i];
	return LOGIT_OK;
}

/*
 * In-place Cholesky factorisation A = L L' of a dense symmetric k x k
 * matrix (row-major; the lower triangle is read and overwritten with L, the
 * upper triangle is zeroed).  Returns false if a pivot is not positive
 * relative to the diagonal (the matrix is singular or nearly so) and puts
 * its index in *failed_at.
 */
bool
LogitCholesky(double *a, int k, int *failed_at)
{
	int			i;
	int			j;
	int			m;

	for (j = 0; j < k; j++)
	{
		double		d = a[j * k + j];
		double		orig = d;

		for (m = 0; m < j; m++)
			d -= a[j * k + m] * a[j * k + m];
		if (!(d > 1e-13 * orig) || !isfinite(d))
		{
			*failed_at = j;
			return false;
		}
		d = sqrt(d);
		a[j * k + j] = d;
		for (i = j + 1; i < k; i++)
		{
			double		s = a[i * k + j];

			for (m = 0; m < j; m++)
				s -= a[i * k + m] * a[j * k + m];
			a[i * k + j] = s / d;
		}
		for (i = j + 1; i < k; i++)
			a[j * k + i] = 0.0;
	}
	return true;
}

/* Solve L L' x = b in place, L from LogitCholesky. */
void
LogitCholSolve(const double *l, int k, double *b)
{
	int			i;
	int			m;

	for (i = 0; i < k; i++)
	{
		double		s = b[i];

		for (m = 0; m < i; m++)
			s -= l[i * k + m] * b[m];
		b[i] = s / l[i * k + i];
	}
	for (i = k - 1; i >= 0; i--)
	{
		double		s = b[i];

		for (m = i + 1; m < k; m++)
			s -= l[m * k + i] * b[m];
		b[i] = s / l[i * k + i];
	}
}

/* The inverse of L L' (k x k, row-major) into inv; tick once per column. */
void
LogitCholInverse(const double *l, int k, double *inv, LogitTick tick)
{
	int			c;
	int			i;
	double	   *col = malloc((size_t) k * sizeof(double));

	if (col == NULL)
		abort();
	for (c = 0; c < k; c++)
	{
		if (tick)
			tick();
		for (i = 0; i < k; i++)
			col[i] = (i == c) ? 1.0 : 0.0;
		LogitCholSolve(l, k, col);
		for (i = 0; i < k; i++)
			inv[i * k + c] = col[i];
	}
	/* symmetrise away rounding */
	for (i = 0; i < k; i++)
		for (c = i + 1; c < k; c++)
		{
			double		v = 0.5 * (inv[i * k + c] + inv[c * k + i]);

			inv[i * k + c] = inv[c * k + i] = v;
		}
	free(col);
}

/*
 * out = A X A' (k x k, row-major), through tmp = A X; tick once per row of
 * each product.
 */
void
LogitSandwich(const double *a, const double *x, int k, double *tmp, double *out, LogitTick tick)
{
	int			i,
				j,
				m;

	for (i = 0; i < k; i++)
	{
		if (tick)
			tick();
		for (j = 0; j < k; j++)
		{
			double		s = 0;

			for (m = 0; m < k; m++)
				s += a[i * k + m] * x[m * k + j];
			tmp[i * k + j] = s;
		}
	}
	for (i = 0; i < k; i++)
	{
		if (tick)
			tick();
		for (j = 0; j < k; j++)
		{
			double		s = 0;

			for (m = 0; m < k; m++)
				s += tmp[i * k + m] * a[j * k + m];
			out[i * k + j] = s;
		}
	}
}

/*
 * Eigenvalues of a symmetric k x k matrix (row-major, destroyed) by cyclic
 * Jacobi rotations, into eig (unsorted).  Returns the number of sweeps.
 * tick is called once per row of every sweep.
 */
int
LogitSymEigen(double *a, int k, double *eig, LogitTick tick)
{
	int			sweep;
	int			p;
	int			q;
	int			i;

	for (sweep = 1; sweep <= 100; sweep++)
	{
		double		off = 0.0;
		double		diag = 0.0;

		for (p = 0; p < k; p++)
		{
			diag += a[p * k + p] * a[p * k + p];
			for (q = p + 1; q < k; q++)
				off += a[p * k + q] * a[p * k + q];
		}
		if (off <= 1e-30 * diag || off == 0.0)
			break;
		for (p = 0; p < k; p++)
		{
			if (tick)
				tick();
			for (q = p + 1; q < k; q++)
			{
				double		apq = a[p * k + q];
				double		theta;
				double		t;
				double		c;
				double		s;

				if (apq == 0.0)
					continue;
				theta = (a[q * k + q] - a[p * k + p]) / (2.0 * apq);
				t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1.0));
				c = 1.0 / sqrt(t * t + 1.0);
				s = t * c;
				for (i = 0; i < k; i++)
				{
					double		aip = a[i * k + p];
					double		aiq = a[i * k + q];

					a[i * k + p] = c * aip - s * aiq;
					a[i * k + q] = s * aip + c * aiq;
				}
				for (i = 0; i < k; i++)
				{
					double		api = a[p * k + i];
					double		aqi = a[q * k + i];

					a[p * k + i] = c * api - s * aqi;
					a[q * k + i] = s * api + c * aqi;
				}
			}
		}
	}
	for (p = 0; p < k; p++)
		eig[p] = a[p * k + p];
	return sweep;
}

/* Probability for coefficients coef (intercept first) and p values x. */
double
LogitPredict(const double *coef, const double *x, int p)
{
	double		eta = coef[0];
	int			j;

	for (j = 0; j < p; j++)
		eta += coef[j + 1] * x[j];
	return LogitSigmoid(eta);
}

/* qsort comparator for doubles. */
static int
CompareDouble(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
}

/*
 * Area under the ROC curve: the probability that a random positive scores
 * above a random negative, ties counting one half (Mann-Whitney U / npos
 * nneg).  Sorts both arrays.  NaN if either class is empty.
 */
double
LogitAuc(double *pos, size_t npos, double *neg, size_t nneg)
{
	size_t		i;
	size_t		lo = 0;
	size_t		hi = 0;
	double		u = 0.0;

	if (npos == 0 || nneg == 0)
		return NAN;
	qsort(pos, npos, sizeof(double), CompareDouble);
	qsort(neg, nneg, sizeof(double), CompareDouble);
	for (i = 0; i < npos; i++)
	{
		/* lo: negatives strictly below pos[i]; hi: at or below */
		while (lo < nneg && neg[lo] < pos[i])
			lo++;
		if (hi < lo)
			hi = lo;
		while (hi < nneg && neg[hi] <= pos[i])
			hi++;
		u += (double) lo + 0.5 * (double) (hi - lo);
	}
	return u / ((double) npos * (double) nneg);
}

/*
 * A deterministic number in [0, 1) from an id and a seed (splitmix64
 * finaliser), stable across platforms and releases.
 */
double
LogitSplitHash(int64_t id, int32_t seed)
{
	uint64_t	z = (uint64_t) id + 0x9E3779B97F4A7C15ULL * ((uint64_t) (uint32_t) seed + 1);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	z = z ^ (z >> 31);
	return (double) (z >> 11) * (1.0 / 9007199254740992.0);
}
