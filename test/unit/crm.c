/*-------------------------------------------------------------------------
 *
 * crm.c
 *	  Unit tests of the CRM room's plain C (src/crm/template.c): template
 *	  scanning, rendering, escaping per channel, one-pass expansion and the
 *	  error cases.  Ends with "N passed, N failed".
 *
 *-------------------------------------------------------------------------
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm/template.h"

#include "unit.h"

/* Render body with a=va, b=vb in mode; returns malloc'd text or NULL. */
static char *
Render(const char *body, const char *va, const char *vb, CrmEscape mode, CrmTemplateStatus *st)
{
	const char *names[] = {"a", "b"};
	const char *vals[] = {va, vb};
	size_t		lens[] = {va ? strlen(va) : 0, vb ? strlen(vb) : 0};
	size_t		n = 0;
	char	   *out;

	*st = CrmTemplateRender(body, strlen(body), names, vals, lens, 2, mode, NULL, 0, &n, NULL);
	if (*st != CRM_TPL_OK)
		return NULL;
	out = malloc(n + 1);
	*st = CrmTemplateRender(body, strlen(body), names, vals, lens, 2, mode, out, n, &n, NULL);
	out[n] = '\0';
	return out;
}

/* Counts placeholders. */
static bool
CountName(const char *name, size_t len, void *arg)
{
	(void) name;
	(void) len;
	(*(int *) arg)++;
	return true;
}

int
main(void)
{
	CrmTemplateStatus st;
	CrmTemplateError err;
	CrmEscape	mode;
	char	   *s;
	int			count = 0;

	s = Render("Hi {{a}}, {{ b }}!", "Ann", "Bob", CRM_ESCAPE_TEXT, &st);
	Check(s && strcmp(s, "Hi Ann, Bob!") == 0, "plain substitution with blanks in braces");
	free(s);
	s = Render("{{a}}", "<&\"'>", NULL, CRM_ESCAPE_HTML, &st);
	Check(s && strcmp(s, "&lt;&amp;&quot;&#39;&gt;") == 0, "HTML escaping");
	free(s);
	s = Render("{{a}}", "x\r\ny\tz\001", NULL, CRM_ESCAPE_SMS, &st);
	Check(s && strcmp(s, "x  y z") == 0, "SMS: one line, control bytes dropped");
	free(s);
	s = Render("{{a}}", "x\ny\001\177", NULL, CRM_ESCAPE_TEXT, &st);
	Check(s && strcmp(s, "x\ny") == 0, "text keeps line breaks, drops control bytes");
	free(s);
	/* C1 controls (U+0080..U+009F, NEL among them) dropped everywhere */
	s = Render("{{a}}|{{b}}", "a\xC2\x85" "b\xC2\x80" "c\xC2\x9F" "d", "\xC2\xA0\xC3\xA9\xC2" "A", CRM_ESCAPE_SMS, &st);
	Check(s && strcmp(s, "abcd|\xC2\xA0\xC3\xA9\xC2" "A") == 0,
		  "SMS: C1 controls dropped, NBSP, e-acute and a lone C2 kept");
	free(s);
	s = Render("{{a}}", "a\xC2\x85" "b\xC2\x9B" "c", NULL, CRM_ESCAPE_TEXT, &st);
	Check(s && strcmp(s, "abc") == 0, "text: C1 controls dropped");
	free(s);
	s = Render("{{a}}", "<a\xC2\x85" "b>", NULL, CRM_ESCAPE_HTML, &st);
	Check(s && strcmp(s, "&lt;ab&gt;") == 0, "HTML: C1 controls dropped");
	free(s);
	/* U+2028 and U+2029 are line breaks */
	s = Render("{{a}}", "x\xE2\x80\xA8y\xE2\x80\xA9z\xE2\x80\xA7", NULL, CRM_ESCAPE_SMS, &st);
	Check(s && strcmp(s, "x y z\xE2\x80\xA7") == 0, "SMS: U+2028/U+2029 become spaces, U+2027 stays");
	free(s);
	s = Render("{{a}}", "x\xE2\x80\xA8y\xE2\x80\xA9z", NULL, CRM_ESCAPE_TEXT, &st);
	Check(s && strcmp(s, "x\ny\nz") == 0, "text: U+2028/U+2029 become line feeds");
	free(s);
	s = Render("{{a}}", "x\xE2\x80\xA8y", NULL, CRM_ESCAPE_HTML, &st);
	Check(s && strcmp(s, "x\ny") == 0, "HTML: U+2028 becomes a line feed");
	free(s);
	s = Render("{{a}}", "x\xE2\x80", NULL, CRM_ESCAPE_SMS, &st);
	Check(s && strcmp(s, "x\xE2\x80") == 0, "a cut sequence at the end is copied, not read past");
	free(s);
	s = Render("{{a}}", "{{b}}", "no", CRM_ESCAPE_TEXT, &st);
	Check(s && strcmp(s, "{{b}}") == 0, "values are not expanded again");
	free(s);
	s = Render("{ a } }} {x} {", "1", "2", CRM_ESCAPE_TEXT, &st);
	Check(s && strcmp(s, "{ a } }} {x} {") == 0, "lone braces are literal");
	free(s);
	s = Render("{{c}}", "1", "2", CRM_ESCAPE_TEXT, &st);
	Check(s == NULL && st == CRM_TPL_UNKNOWN, "unknown placeholder");
	s = Render("{{b}}", "1", NULL, CRM_ESCAPE_TEXT, &st);
	Check(s == NULL && st == CRM_TPL_MISSING, "missing value");
	s = Render("x {{a", "1", NULL, CRM_ESCAPE_TEXT, &st);
	Check(s == NULL && st == CRM_TPL_SYNTAX, "unclosed placeholder");
	s = Render("{{A}}", "1", NULL, CRM_ESCAPE_TEXT, &st);
	Check(s == NULL && st == CRM_TPL_SYNTAX, "upper-case name");
	s = Render("", "1", NULL, CRM_ESCAPE_TEXT, &st);
	Check(s && strcmp(s, "") == 0, "empty template");
	free(s);

	Check(CrmTemplateScan("{{a}} {{b_2}} {{a}}", 19, CountName, &count, &err) == CRM_TPL_OK && count == 3,
		  "scan counts placeholders");
	Check(CrmTemplateScan("ab {{ }}", 8, NULL, NULL, &err) == CRM_TPL_SYNTAX && err.offset == 3,
		  "scan reports the offset of a bad placeholder");
	{
		char		longname[80];

		memset(longname, 'a', sizeof(longname));
		memcpy(longname, "{{", 2);
		memcpy(longname + 76, "}}", 2);
		Check(CrmTemplateScan(longname, 78, NULL, NULL, &err) == CRM_TPL_SYNTAX, "name longer than 63 bytes");
	}
	Check(CrmEscapeForChannel("email", &mode) && mode == CRM_ESCAPE_HTML, "email is HTML");
	Check(CrmEscapeForChannel("portal", &mode) && mode == CRM_ESCAPE_HTML, "portal is HTML");
	Check(CrmEscapeForChannel("sms", &mode) && mode == CRM_ESCAPE_SMS, "sms");
	Check(CrmEscapeForChannel("fax", &mode) && mode == CRM_ESCAPE_TEXT, "fax is text");
	Check(!CrmEscapeForChannel("pigeon", &mode), "unknown channel");

	return UnitReport();
}
