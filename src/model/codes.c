/*-------------------------------------------------------------------------
 *
 * codes.c
 *	  The value sets, code formats and transition matrices of the referral
 *	  data model.  Plain C (no server headers); see codes.h.
 *
 *	  The value sets follow HL7 FHIR R4 where one exists: Task.status for
 *	  the referral workflow, request-priority, Appointment.status and
 *	  AdministrativeGender.  The CRM stage is our own pipeline (FHIR puts it
 *	  in Task.businessStatus).
 *
 *-------------------------------------------------------------------------
 */
#include "codes.h"

#include <string.h>

#define LENGTHOF(a) ((int) (sizeof(a) / sizeof((a)[0])))

static const CodeValue referral_status[] = {
	{"draft", "Not yet requested"},
	{"requested", "Sent to the receiving organisation"},
	{"received", "Received, not yet accepted or rejected"},
	{"accepted", "Accepted by the receiving organisation"},
	{"rejected", "Declined by the receiving organisation"},
	{"ready", "Ready to be performed (acceptance implicit)"},
	{"cancelled", "Withdrawn before completion"},
	{"in-progress", "Being worked: scheduling, visit under way"},
	{"on-hold", "Paused, for example awaiting authorisation"},
	{"failed", "Could not be completed"},
	{"completed", "Fulfilled"},
	{"entered-in-error", "Recorded by mistake; excluded from statistics"},
};

static const CodeValue referral_stage[] = {
	{"new", "Received, no contact with the patient yet"},
	{"contacted", "Patient or office contacted"},
	{"scheduled", "An appointment is booked"},
	{"visit-completed", "The referred visit took place"},
	{"closed-lost", "Closed without a visit"},
};

/* Ordered: the rank is used by routing and SLAs (routine < urgent < ...). */
static const CodeValue priority[] = {
	{"routine", "Normal priority"},
	{"urgent", "Issued with some urgency"},
	{"asap", "As soon as possible"},
	{"stat", "Immediately"},
};

static const CodeValue appointment_status[] = {
	{"proposed", "Proposed, not yet confirmed"},
	{"pending", "Awaiting confirmation by participants"},
	{"booked", "Booked"},
	{"arrived", "Patient has arrived"},
	{"fulfilled", "Visit took place"},
	{"cancelled", "Cancelled"},
	{"noshow", "Patient did not attend"},
	{"entered-in-error", "Recorded by mistake"},
	{"checked-in", "Patient checked in"},
	{"waitlist", "On the waiting list"},
};

static const CodeValue referral_channel[] = {
	{"ehr", "Electronic referral inside the EHR"},
	{"fax", "Fax"},
	{"portal", "Referral portal"},
	{"phone", "Telephone"},
	{"email", "E-mail"},
	{"direct", "Direct secure messaging (360X)"},
	{"paper", "Paper or walk-in"},
};

static const CodeValue communication_channel[] = {
	{"call", "Telephone call"},
	{"fax", "Fax"},
	{"sms", "Text message"},
	{"email", "E-mail"},
	{"portal", "Patient or provider portal message"},
	{"letter", "Postal letter"},
};

static const CodeValue communication_direction[] = {
	{"inbound", "Received by us"},
	{"outbound", "Sent by us"},
};

static const CodeValue communication_party[] = {
	{"patient", "The patient or a caregiver"},
	{"referring-office", "The referring clinician or office"},
	{"receiving-office", "The receiving clinician or department"},
	{"payer", "The payer"},
	{"other", "Anyone else"},
};

static const CodeValue communication_outcome[] = {
	{"reached", "Spoke with the party"},
	{"left-message", "Left a message"},
	{"no-answer", "No answer"},
	{"wrong-number", "Wrong or disconnected number"},
	{"sent", "Sent"},
	{"delivered", "Delivery confirmed"},
	{"failed", "Delivery failed"},
	{"received", "Received from the party"},
	{"scheduled", "An appointment was booked"},
	{"declined", "The party declined"},
};

static const CodeValue task_type[] = {
	{"contact-patient", "Contact the patient"},
	{"contact-referrer", "Contact the referring office"},
	{"prior-auth", "Obtain prior authorisation"},
	{"schedule", "Book an appointment"},
	{"no-show-follow-up", "Follow up a missed appointment"},
	{"send-report", "Send the specialist report to the referrer"},
	{"review-match", "Review a clinician name match"},
	{"review-referral", "Review the referral"},
	{"other", "Anything else"},
};

static const CodeValue task_status[] = {
	{"open", "Not started"},
	{"in-progress", "Being worked"},
	{"completed", "Done"},
	{"cancelled", "No longer needed"},
};

static const CodeValue payer_class[] = {
	{"medicare", "Medicare fee-for-service"},
	{"medicare-advantage", "Medicare Advantage"},
	{"medicaid", "Medicaid and CHIP"},
	{"commercial", "Commercial insurance"},
	{"tricare", "TRICARE"},
	{"va", "Veterans Affairs"},
	{"workers-comp", "Workers' compensation"},
	{"self-pay", "Self-pay"},
	{"other", "Other"},
};

static const CodeValue plan_type[] = {
	{"hmo", "Health maintenance organisation"},
	{"ppo", "Preferred provider organisation"},
	{"epo", "Exclusive provider organisation"},
	{"pos", "Point of service"},
	{"hdhp", "High-deductible health plan"},
	{"ffs", "Fee for service"},
	{"other", "Other"},
};

static const CodeValue auth_status[] = {
	{"not-required", "No prior authorisation needed"},
	{"required", "Needed, not yet requested"},
	{"pending", "Requested, awaiting the payer"},
	{"approved", "Approved"},
	{"denied", "Denied"},
};

static const CodeValue sex[] = {
	{"male", "Male"},
	{"female", "Female"},
	{"other", "Other"},
	{"unknown", "Unknown"},
};

static const CodeValue organization_kind[] = {
	{"practice", "Physician practice"},
	{"clinic", "Clinic"},
	{"hospital", "Hospital"},
	{"health-system", "Health system"},
	{"imaging-center", "Imaging centre"},
	{"lab", "Laboratory"},
	{"skilled-nursing", "Skilled nursing facility"},
	{"home-health", "Home health agency"},
	{"payer", "Payer"},
	{"other", "Other"},
};

static const CodeValue claim_type[] = {
	{"professional", "837P / CMS-1500"},
	{"institutional", "837I / UB-04"},
};

/* CLM05-3 claim frequency type code. */
static const CodeValue claim_frequency[] = {
	{"1", "Original claim"},
	{"7", "Replacement of a prior claim"},
	{"8", "Void of a prior claim"},
};

static const CodeValue note_type[] = {
	{"referral", "Referral letter or reason"},
	{"clinical", "Clinical summary"},
	{"intake", "Intake staff note"},
	{"consult-report", "Specialist report back to the referrer"},
	{"other", "Other"},
};

static const CodeValue staff_role[] = {
	{"scheduler", "Books appointments"},
	{"intake", "Triages incoming referrals"},
	{"liaison", "Provider relations"},
	{"manager", "Referral manager"},
	{"analyst", "Reporting"},
	{"admin", "Administrator"},
};

/* USPS codes: states, DC, territories and military post offices. */
static const CodeValue us_state[] = {
	{"AL", ""}, {"AK", ""}, {"AZ", ""}, {"AR", ""}, {"CA", ""}, {"CO", ""},
	{"CT", ""}, {"DE", ""}, {"DC", ""}, {"FL", ""}, {"GA", ""}, {"HI", ""},
	{"ID", ""}, {"IL", ""}, {"IN", ""}, {"IA", ""}, {"KS", ""}, {"KY", ""},
	{"LA", ""}, {"ME", ""}, {"MD", ""}, {"MA", ""}, {"MI", ""}, {"MN", ""},
	{"MS", ""}, {"MO", ""}, {"MT", ""}, {"NE", ""}, {"NV", ""}, {"NH", ""},
	{"NJ", ""}, {"NM", ""}, {"NY", ""}, {"NC", ""}, {"ND", ""}, {"OH", ""},
	{"OK", ""}, {"OR", ""}, {"PA", ""}, {"RI", ""}, {"SC", ""}, {"SD", ""},
	{"TN", ""}, {"TX", ""}, {"UT", ""}, {"VT", ""}, {"VA", ""}, {"WA", ""},
	{"WV", ""}, {"WI", ""}, {"WY", ""}, {"PR", ""}, {"VI", ""}, {"GU", ""},
	{"AS", ""}, {"MP", ""}, {"AA", ""}, {"AE", ""}, {"AP", ""},
};

static bool
IsDigit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
IsUpperAlnum(char c)
{
	return IsDigit(c) || (c >= 'A' && c <= 'Z');
}

/* ZIP or ZIP+4: 12345 or 12345-6789. */
static bool
MatchZip(const char *s, size_t len)
{
	size_t		i;

	if (len != 5 && len != 10)
		return false;
	for (i = 0; i < len; i++)
	{
		if (i == 5 ? s[i] != '-' : !IsDigit(s[i]))
			return false;
	}
	return true;
}

/*
 * ICD-10-CM code with its dot: a letter, a digit, a digit or letter, then
 * optionally a dot and one to four digits or letters (R07.9, S72.001A).
 */
static bool
MatchIcd10(const char *s, size_t len)
{
	size_t		i;

	if (len < 3 || len == 4 || len > 8)
		return false;
	if (!(s[0] >= 'A' && s[0] <= 'Z') || !IsDigit(s[1]) || !IsUpperAlnum(s[2]))
		return false;
	if (len == 3)
		return true;
	if (s[3] != '.')
		return false;
	for (i = 4; i < len; i++)
		if (!IsUpperAlnum(s[i]))
			return false;
	return true;
}

/* NUCC health care provider taxonomy code: 3 digits, 6 alphanumerics, X. */
static bool
MatchTaxonomy(const char *s, size_t len)
{
	size_t		i;

	if (len != 10 || s[9] != 'X')
		return false;
	for (i = 0; i < 3; i++)
		if (!IsDigit(s[i]))
			return false;
	for (i = 3; i < 9; i++)
		if (!IsUpperAlnum(s[i]))
			return false;
	return true;
}

/* CMS place-of-service code: two digits. */
static bool
MatchPlaceOfService(const char *s, size_t len)
{
	return len == 2 && IsDigit(s[0]) && IsDigit(s[1]);
}

#define ENUM_KIND(name, label, values) \
	{name, label, CODE_ENUM, values, LENGTHOF(values), NULL, NULL}
#define PATTERN_KIND(name, label, fn, hint) \
	{name, label, CODE_PATTERN, NULL, 0, fn, hint}

static const CodeKind kinds[] = {
	ENUM_KIND("referral_status", "referral status", referral_status),
	ENUM_KIND("referral_stage", "referral stage", referral_stage),
	ENUM_KIND("priority", "priority", priority),
	ENUM_KIND("appointment_status", "appointment status", appointment_status),
	ENUM_KIND("referral_channel", "referral channel", referral_channel),
	ENUM_KIND("communication_channel", "communication channel", communication_channel),
	ENUM_KIND("communication_direction", "communication direction", communication_direction),
	ENUM_KIND("communication_party", "communication party", communication_party),
	ENUM_KIND("communication_outcome", "communication outcome", communication_outcome),
	ENUM_KIND("task_type", "task type", task_type),
	ENUM_KIND("task_status", "task status", task_status),
	ENUM_KIND("payer_class", "payer class", payer_class),
	ENUM_KIND("plan_type", "plan type", plan_type),
	ENUM_KIND("auth_status", "prior authorization status", auth_status),
	ENUM_KIND("sex", "administrative sex", sex),
	ENUM_KIND("organization_kind", "organization kind", organization_kind),
	ENUM_KIND("claim_type", "claim type", claim_type),
	ENUM_KIND("claim_frequency", "claim frequency code", claim_frequency),
	ENUM_KIND("note_type", "note type", note_type),
	ENUM_KIND("staff_role", "staff role", staff_role),
	ENUM_KIND("us_state", "US state code", us_state),
	PATTERN_KIND("zip", "ZIP code", MatchZip,
				 "A ZIP code is five digits, optionally followed by a hyphen and four digits, as in 04101 or 04101-3134."),
	PATTERN_KIND("icd10", "ICD-10-CM code", MatchIcd10,
				 "An ICD-10-CM code is a capital letter, a digit and a digit or letter, optionally followed by a dot and up to four digits or letters, as in R07.9."),
	PATTERN_KIND("taxonomy", "NUCC taxonomy code", MatchTaxonomy,
				 "A NUCC taxonomy code is three digits, six digits or capital letters, and a final X, as in 207RC0000X."),
	PATTERN_KIND("place_of_service", "place-of-service code", MatchPlaceOfService,
				 "A CMS place-of-service code is two digits, as in 11 for an office."),
};

/*
 * Legal moves.  Any state may go to entered-in-error except itself; the
 * terminal states (rejected, cancelled, failed, completed) go nowhere else.
 */
static const CodeTransition transitions[] = {
	{"referral_status", "draft", "requested"},
	{"referral_status", "draft", "ready"},
	{"referral_status", "draft", "cancelled"},
	{"referral_status", "draft", "entered-in-error"},
	{"referral_status", "requested", "received"},
	{"referral_status", "requested", "accepted"},
	{"referral_status", "requested", "rejected"},
	{"referral_status", "requested", "ready"},
	{"referral_status", "requested", "cancelled"},
	{"referral_status", "requested", "on-hold"},
	{"referral_status", "requested", "entered-in-error"},
	{"referral_status", "received", "accepted"},
	{"referral_status", "received", "rejected"},
	{"referral_status", "received", "cancelled"},
	{"referral_status", "received", "on-hold"},
	{"referral_status", "received", "entered-in-error"},
	{"referral_status", "accepted", "ready"},
	{"referral_status", "accepted", "in-progress"},
	{"referral_status", "accepted", "completed"},
	{"referral_status", "accepted", "cancelled"},
	{"referral_status", "accepted", "on-hold"},
	{"referral_status", "accepted", "failed"},
	{"referral_status", "accepted", "entered-in-error"},
	{"referral_status", "ready", "in-progress"},
	{"referral_status", "ready", "completed"},
	{"referral_status", "ready", "cancelled"},
	{"referral_status", "ready", "on-hold"},
	{"referral_status", "ready", "failed"},
	{"referral_status", "ready", "entered-in-error"},
	{"referral_status", "in-progress", "completed"},
	{"referral_status", "in-progress", "cancelled"},
	{"referral_status", "in-progress", "on-hold"},
	{"referral_status", "in-progress", "failed"},
	{"referral_status", "in-progress", "entered-in-error"},
	{"referral_status", "on-hold", "requested"},
	{"referral_status", "on-hold", "received"},
	{"referral_status", "on-hold", "accepted"},
	{"referral_status", "on-hold", "ready"},
	{"referral_status", "on-hold", "in-progress"},
	{"referral_status", "on-hold", "cancelled"},
	{"referral_status", "on-hold", "failed"},
	{"referral_status", "on-hold", "entered-in-error"},
	{"referral_status", "rejected", "entered-in-error"},
	{"referral_status", "cancelled", "entered-in-error"},
	{"referral_status", "failed", "entered-in-error"},
	{"referral_status", "completed", "entered-in-error"},
	/* Stages move forward, may skip (late feeds), and may reopen. */
	{"referral_stage", "new", "contacted"},
	{"referral_stage", "new", "scheduled"},
	{"referral_stage", "new", "visit-completed"},
	{"referral_stage", "new", "closed-lost"},
	{"referral_stage", "contacted", "scheduled"},
	{"referral_stage", "contacted", "visit-completed"},
	{"referral_stage", "contacted", "closed-lost"},
	{"referral_stage", "scheduled", "contacted"},
	{"referral_stage", "scheduled", "visit-completed"},
	{"referral_stage", "scheduled", "closed-lost"},
	{"referral_stage", "closed-lost", "contacted"},
};

/* Codes that must carry a reason (FHIR Task.statusReason practice). */
static const CodeTransition needs_reason[] = {
	{"referral_status", "rejected", NULL},
	{"referral_status", "cancelled", NULL},
	{"referral_status", "failed", NULL},
	{"referral_status", "on-hold", NULL},
	{"referral_stage", "closed-lost", NULL},
};

/*
 * Synonyms that feeds use for our codes: FHIR ServiceRequest statuses, HL7
 * v2 RF1 tables 0283 (status) and 0280 (priority), X12 SBR09 claim filing
 * indicators, common spellings.  Matched after lower-casing.
 */
static const CodeTransition synonyms[] = {
	{"priority", "s", "stat"},
	{"priority", "a", "asap"},
	{"priority", "r", "routine"},
	{"priority", "u", "urgent"},
	{"priority", "emergent", "stat"},
	{"referral_status", "active", "requested"},
	{"referral_status", "revoked", "cancelled"},
	{"referral_status", "a", "accepted"},
	{"referral_status", "p", "requested"},
	{"referral_status", "r", "rejected"},
	{"referral_status", "e", "cancelled"},
	{"appointment_status", "no-show", "noshow"},
	{"appointment_status", "no show", "noshow"},
	{"appointment_status", "canceled", "cancelled"},
	{"appointment_status", "checked in", "checked-in"},
	{"appointment_status", "completed", "fulfilled"},
	{"sex", "m", "male"},
	{"sex", "f", "female"},
	{"sex", "u", "unknown"},
	{"sex", "o", "other"},
	{"payer_class", "mb", "medicare"},
	{"payer_class", "ma", "medicare"},
	{"payer_class", "16", "medicare-advantage"},
	{"payer_class", "mc", "medicaid"},
	{"payer_class", "ci", "commercial"},
	{"payer_class", "bl", "commercial"},
	{"payer_class", "hm", "commercial"},
	{"payer_class", "12", "commercial"},
	{"payer_class", "13", "commercial"},
	{"payer_class", "14", "commercial"},
	{"payer_class", "ch", "tricare"},
	{"payer_class", "wc", "workers-comp"},
	{"payer_class", "09", "self-pay"},
	{"payer_class", "zz", "other"},
	{"payer_class", "ot", "other"},
	{"referral_channel", "e-referral", "ehr"},
	{"referral_channel", "efax", "fax"},
	{"referral_channel", "telephone", "phone"},
	{"referral_channel", "mail", "paper"},
};

/*
 * The canonical code of a value as feeds write it: blanks trimmed, any
 * case, synonyms mapped.  NULL when the value cannot be mapped.  For
 * formats (zip, icd10 ...) the value must already be canonical.
 */
const char *
CodeMap(const CodeKind *kind, const char *value, size_t len)
{
	char		buf[32];
	size_t		i;
	int			r;

	while (len > 0 && (*value == ' ' || *value == '\t'))
	{
		value++;
		len--;
	}
	while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t'))
		len--;
	if (len == 0 || len >= sizeof(buf) || kind->type != CODE_ENUM)
		return NULL;
	/* US state codes are upper case; every other value set is lower case. */
	for (i = 0; i < len; i++)
	{
		char		c = value[i];

		if (strcmp(kind->name, "us_state") == 0)
			buf[i] = (c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c;
		else
			buf[i] = (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
	}
	buf[len] = '\0';
	r = CodeRank(kind, buf, len);
	if (r >= 0)
		return kind->values[r].code;
	for (i = 0; i < LENGTHOF(synonyms); i++)
		if (strcmp(synonyms[i].kind, kind->name) == 0 && strcmp(synonyms[i].from, buf) == 0)
			return synonyms[i].to;
	return NULL;
}

/* Find a code kind by name; NULL if unknown. */
const CodeKind *
CodeKindLookup(const char *name)
{
	int			i;

	for (i = 0; i < LENGTHOF(kinds); i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

/* The i-th code kind, for listings. */
const CodeKind *
CodeKindAt(int i)
{
	return (i >= 0 && i < LENGTHOF(kinds)) ? &kinds[i] : NULL;
}

/* Number of code kinds. */
int
CodeKindCount(void)
{
	return LENGTHOF(kinds);
}

/* Position of a value in an enumerated kind (0-based), or -1. */
int
CodeRank(const CodeKind *kind, const char *value, size_t len)
{
	int			i;

	if (kind->type != CODE_ENUM)
		return -1;
	for (i = 0; i < kind->nvalues; i++)
	{
		const char *c = kind->values[i].code;

		if (strlen(c) == len && memcmp(c, value, len) == 0)
			return i;
	}
	return -1;
}

/* Whether a value (not NUL-terminated) belongs to a kind. */
bool
CodeIsValid(const CodeKind *kind, const char *value, size_t len)
{
	if (kind->type == CODE_ENUM)
		return CodeRank(kind, value, len) >= 0;
	return kind->matches(value, len);
}

/* Whether from -> to is a legal move of the given kind. */
bool
CodeTransitionAllowed(const char *kind, const char *from, const char *to)
{
	int			i;

	for (i = 0; i < LENGTHOF(transitions); i++)
		if (strcmp(transitions[i].kind, kind) == 0 &&
			strcmp(transitions[i].from, from) == 0 &&
			strcmp(transitions[i].to, to) == 0)
			return true;
	return false;
}

/* The i-th legal transition, for listings. */
const CodeTransition *
CodeTransitionAt(int i)
{
	return (i >= 0 && i < LENGTHOF(transitions)) ? &transitions[i] : NULL;
}

/* Number of legal transitions. */
int
CodeTransitionCount(void)
{
	return LENGTHOF(transitions);
}

/*
 * Write the legal targets of "from" as "a, b, c" into buf (always
 * NUL-terminated, truncated if buflen is too small).  Returns the number of
 * targets.
 */
int
CodeTransitionTargets(const char *kind, const char *from, char *buf,
					  size_t buflen)
{
	int			i;
	int			n = 0;
	size_t		used = 0;

	if (buflen == 0)
		return 0;
	buf[0] = '\0';
	for (i = 0; i < LENGTHOF(transitions); i++)
	{
		const char *to;
		size_t		need;

		if (strcmp(transitions[i].kind, kind) != 0 ||
			strcmp(transitions[i].from, from) != 0)
			continue;
		to = transitions[i].to;
		need = strlen(to) + (n > 0 ? 2 : 0);
		if (used + need < buflen)
		{
			if (n > 0)
			{
				memcpy(buf + used, ", ", 2);
				used += 2;
			}
			memcpy(buf + used, to, strlen(to));
			used += strlen(to);
			buf[used] = '\0';
		}
		n++;
	}
	return n;
}

/* Whether a status or stage value must be accompanied by a reason. */
bool
CodeNeedsReason(const char *kind, const char *code)
{
	int			i;

	for (i = 0; i < LENGTHOF(needs_reason); i++)
		if (strcmp(needs_reason[i].kind, kind) == 0 &&
			strcmp(needs_reason[i].from, code) == 0)
			return true;
	return false;
}
