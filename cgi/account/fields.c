/*
 * vep-account: every field the pages read, with its validator (the table
 * read by lib/web/form.c).  The profile's own rules (lengths, VAT id,
 * phone, control characters) are lib/domain/account.c's, applied by the
 * profile page to all its fields at once.
 */
#include "account_cgi.h"

static const char *
v_email(const char *s, struct form *v, size_t k)
{
	char norm[255];

	(void)v; (void)k;
	return acct_email_norm(s, norm) == 0 ? NULL : "Enter an e-mail address such as name@example.com.";
}

/* Any text of a sane size; acct_profile_check judges it. */
static const char *
v_text(const char *s, struct form *v, size_t k)
{
	(void)v; (void)k;
	return strlen(s) > 4096 ? "This is far too long." : NULL;
}

static const char *
v_done(const char *s, struct form *v, size_t k)
{
	static const char *const done[] = { "verified", "profile", "linked", "sent", "email_sent",
	    "email" };

	return form_enum(s, v, k, done, nitems(done), "Unknown notice.");
}

const struct form_field acct_form_fields[K__MAX] = {
	[K_EMAIL] = { "email", v_email, 1, "Enter your e-mail address.", 0 },
	[K_PASSWORD] = { "password", form_v_secret, 1, "Enter your password.", 1 },
	[K_CONFIRM] = { "confirm", form_v_secret, 1, "Type the password again.", 1 },
	[K_LOGIN_TOKEN] = { "login_token", form_v_signed, 1, NULL, 1 },
	/* A link's token has a session token's shape: 64 hexadecimal digits. */
	[K_TOKEN] = { "token", form_v_token, 1, NULL, 1, "This link is not one of ours." },
	[K_FORM_TOKEN] = { "form_token", form_v_signed, 1, NULL, 1 },
	[K_VE_ID] = { "ve_id", form_v_ve_id, 1, "Enter the VEid.", 0 },
	[K_VE_PASSWORD] = { "ve_password", form_v_secret, 1, "Enter the VE's root password.", 1 },
	[K_NAME] = { "name", v_text, 0, NULL, 0 },
	[K_COMPANY] = { "company", v_text, 0, NULL, 0 },
	[K_ADDRESS] = { "address", v_text, 0, NULL, 0 },
	[K_VAT_ID] = { "vat_id", v_text, 0, NULL, 0 },
	[K_PHONE] = { "phone", v_text, 0, NULL, 0 },
	[K_COUNTRY] = { "country", v_text, 0, NULL, 0 },
	[K_DONE] = { "done", v_done, 0, NULL, 0 },
	[K_NEW_EMAIL] = { "new_email", v_email, 1, "Enter the new e-mail address.", 0 },
};

int
acct_read(const struct kvlist *l, uint64_t mask, struct form *v)
{
	return form_read(acct_form_fields, K__MAX, l, mask, v);
}
