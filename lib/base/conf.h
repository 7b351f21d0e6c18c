/*
 * vepanel.conf: an INI file ("[section]", "key = value", '#' or ';'
 * comments) shared by every program.  Every key is declared once in
 * conf.c's table with its type, default, range and meaning; an unknown key,
 * a bad value or a duplicate is an error reported as "file:line: why".
 */
#ifndef VEP_CONF_H
#define VEP_CONF_H

#include <stddef.h>

struct conf;

/*
 * Load and validate path.  Returns a new conf (free with conf_free) or NULL
 * with a one-line reason in err.  path NULL gives the defaults only.
 */
struct conf	*conf_load(const char *path, char *err, size_t errlen);
/* Same, from a string (tests); name is used in messages. */
struct conf	*conf_parse(const char *name, const char *text, char *err, size_t errlen);
void		 conf_free(struct conf *);

/* Value of a declared key, or its default.  Borrowed from conf. */
const char	*conf_str(const struct conf *, const char *section, const char *key);
long long	 conf_int(const struct conf *, const char *section, const char *key);
/*
 * Where a key was set, for a message about its value: "file:line: key"
 * into out (1), or "file: [section] key" when it was not set (0).
 */
int		 conf_where(const struct conf *, const char *section, const char *key, char *out,
		    size_t outlen);

/* Write every declared key with its default and meaning (the sample file). */
void		 conf_dump_sample(void *FILE_out);
/* Write the same as a vepanel.conf(5) man page. */
void		 conf_dump_man(void *FILE_out);

/* Default configuration file path: $VEPANEL_CONF or SYSCONFDIR/vepanel.conf. */
const char	*conf_default_path(void);

#endif
