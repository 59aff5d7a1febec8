/*-------------------------------------------------------------------------
 *
 * fuzz_crm_template.c
 *	  libFuzzer harness for the template renderer (src/crm/template.c):
 *	  scans and renders arbitrary bytes in every escape mode with values
 *	  taken from the input, and checks that the measured length equals the
 *	  written one.
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crm/template.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Render the input as a template; abort on a broken invariant. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *) data;
	const char *names[] = {"a", "b", "c"};
	const char *vals[3];
	size_t		lens[3];
	int			m;

	vals[0] = body;
	lens[0] = size / 2;
	vals[1] = body + size / 2;
	lens[1] = size - size / 2;
	vals[2] = NULL;
	lens[2] = 0;
	CrmTemplateScan(body, size, NULL, NULL, NULL);
	for (m = 0; m < 3; m++)
	{
		size_t		n = 0,
					n2 = 0;
		CrmTemplateError err;

		if (CrmTemplateRender(body, size, names, vals, lens, 3, (CrmEscape) m, NULL, 0, &n, &err) == CRM_TPL_OK)
		{
			char	   *out = malloc(n + 1);

			if (out == NULL)
				return 0;
			if (CrmTemplateRender(body, size, names, vals, lens, 3, (CrmEscape) m, out, n, &n2, &err) != CRM_TPL_OK ||
				n2 != n)
				abort();
			free(out);
		}
	}
	return 0;
}
