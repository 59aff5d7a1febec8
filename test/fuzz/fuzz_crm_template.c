/*-------------------------------------------------------------------------
 *
 * fuzz_crm_template.c
 *	  libFuzzer harness for the template renderer (src/crm/template.c):
 *	  scans and renders arbitrary bytes in every escape mode with values
 *	  taken from the input, and checks that the measured length equals the
 *	  written one, and that a valid UTF-8 value rendered for sms is one
 *	  line without C0 or C1 controls, U+2028 or U+2029.
 *
 *-------------------------------------------------------------------------
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crm/template.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether s is well-formed UTF-8 (as every value from the server is). */
static int
ValidUtf8(const uint8_t *s, size_t n)
{
	size_t		i = 0;

	while (i < n)
	{
		uint8_t		c = s[i];
		size_t		k,
					len = c < 0x80 ? 1 : c >= 0xC2 && c < 0xE0 ? 2 :
			c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xF0 && c < 0xF5 ? 4 : 0;

		if (len == 0 || i + len > n)
			return 0;
		for (k = 1; k < len; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
		if ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] >= 0xA0) ||
			(c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] >= 0x90))
			return 0;
		i += len;
	}
	return 1;
}

/* The sms rendering of a valid UTF-8 value: one line, no control characters. */
static void
CheckSms(const uint8_t *data, size_t size)
{
	const char *names[] = {"a"};
	const char *vals[] = {(const char *) data};
	size_t		lens[] = {size};
	size_t		n = 0,
				i;
	char	   *out;

	if (!ValidUtf8(data, size) ||
		CrmTemplateRender("{{a}}", 5, names, vals, lens, 1, CRM_ESCAPE_SMS, NULL, 0, &n, NULL) != CRM_TPL_OK)
		return;
	out = malloc(n + 1);
	if (out == NULL)
		return;
	if (CrmTemplateRender("{{a}}", 5, names, vals, lens, 1, CRM_ESCAPE_SMS, out, n, &n, NULL) != CRM_TPL_OK)
		abort();
	for (i = 0; i < n; i++)
	{
		uint8_t		c = (uint8_t) out[i];

		if (c < 0x20 || c == 0x7F)
			abort();
		if (c == 0xC2 && i + 1 < n && (uint8_t) out[i + 1] <= 0x9F && (uint8_t) out[i + 1] >= 0x80)
			abort();
		if (c == 0xE2 && i + 2 < n && (uint8_t) out[i + 1] == 0x80 &&
			((uint8_t) out[i + 2] == 0xA8 || (uint8_t) out[i + 2] == 0xA9))
			abort();
	}
	if (!ValidUtf8((const uint8_t *) out, n))
		abort();
	free(out);
}

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
	CheckSms(data, size);
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
