/*-------------------------------------------------------------------------
 *
 * fuzz_scoring_state.c
 *	  libFuzzer harness for the scoring room's pass state: arbitrary bytes
 *	  read as doubles are checked as parameters and as states, accumulated
 *	  as rows and combined; nothing may crash or read out of bounds.
 *	  Built with -fsanitize=fuzzer,address,undefined.
 *
 *-------------------------------------------------------------------------
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scoring/logit.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Interpret the input as doubles: params, then rows of (y, x...). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t		n = size / sizeof(double);
	double	   *v;
	double	   *s;
	double	   *t;
	int			p = 0;
	size_t		np;
	size_t		off;
	size_t		len;

	if (n < 1)
		return 0;
	v = malloc(n * sizeof(double));
	memcpy(v, data, n * sizeof(double));
	/* the input as a state: must be refused or accepted without reading past it */
	(void) LogitStateCheck(v, n);
	/* the first (v[0] mod 8) + 1 features' worth as params */
	p = 1 + (int) ((uint8_t) data[0] % 8);
	np = (size_t) (3 * p + 1);
	if (n < np || LogitParamsCheck(v, np, &p) != LOGIT_OK)
	{
		free(v);
		return 0;
	}
	len = LogitStateLen(p);
	s = calloc(len, sizeof(double));
	t = calloc(len, sizeof(double));
	LogitStateInit(s, p, v);
	LogitStateInit(t, p, v);
	for (off = np; off + (size_t) p + 1 <= n; off += (size_t) p + 1)
	{
		double		y = v[off] > 0 ? 1.0 : 0.0;
		int			j;
		int			finite = 1;

		for (j = 0; j < p; j++)
			if (!isfinite(v[off + 1 + j]) || fabs(v[off + 1 + j]) > 1e6)
				finite = 0;
		if (!finite)
			continue;
		if (LogitAccumulate((off / (p + 1)) % 2 ? s : t, y, v + off + 1) != LOGIT_OK)
			abort();
	}
	if (LogitCombine(s, t) != LOGIT_OK || LogitStateCheck(s, len) != LOGIT_OK)
		abort();
	free(s);
	free(t);
	free(v);
	return 0;
}
