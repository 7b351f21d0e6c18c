/*
 * What free text may hold.  Every free-text field a customer or operator
 * types (user information, DNS names, e-mail, labels) refuses C0 controls
 * (a multi-line field keeps TAB, LF and CR), DEL, the C1 controls
 * U+0080-U+009F and the bidirectional embedding/override/isolate
 * characters U+202A-U+202E and U+2066-U+2069: they can rewrite an
 * operator's terminal (U+009B is CSI) or disguise text (issue 17, item 8).
 * The same rule decides what veinfo prints verbatim.
 */
#ifndef VEP_TEXT_H
#define VEP_TEXT_H

#include <stddef.h>

#define TEXT_MULTILINE	0x1	/* TAB, LF and CR are allowed */

/*
 * 1 when s[0..len) holds none of the refused characters (the bytes are
 * expected to be valid UTF-8; a stray byte >= 0x80 is judged as the
 * start of a sequence, so invalid input is never passed), 0 otherwise.
 */
int	text_ok(const char *s, size_t len, int flags);
/* The same for a NUL-terminated string; NULL is ok (an absent field). */
int	text_ok_str(const char *s, int flags);

/*
 * Copy s into out (outsz > 0, always NUL-terminated, truncated on a
 * character boundary) with every refused character, and every byte that
 * is not valid UTF-8, replaced by "\xNN" (one per byte), so that the result
 * is safe on a terminal.  Returns the length written.
 */
size_t	text_escape(const char *s, char *out, size_t outsz);

#endif
