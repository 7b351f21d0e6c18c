/*
 * The one C shim over Google ctemplate.  Templates live in one directory;
 * every template must start with {{%AUTOESCAPE context="HTML"}} (or
 * "JSON"/"XML" for those formats) so that every variable is escaped for its
 * context: the shim refuses to render a template without that pragma.
 */
#ifndef VEP_TMPL_H
#define VEP_TMPL_H

#ifdef __cplusplus
extern "C" {
#endif

struct buf;
struct tmpl_dict;

/* Set the template root directory (once per program). */
void		 tmpl_init(const char *dir);
/* A new top-level dictionary; free with tmpl_dict_free. */
struct tmpl_dict *tmpl_dict_new(void);
void		 tmpl_dict_free(struct tmpl_dict *);
void		 tmpl_set(struct tmpl_dict *, const char *key, const char *value);
void		 tmpl_set_int(struct tmpl_dict *, const char *key, long long value);
/* Show a section once (for {{#KEY}}...{{/KEY}} without repetition). */
void		 tmpl_show(struct tmpl_dict *, const char *section);
/* Add one repetition of a section; the returned dict is owned by d. */
struct tmpl_dict *tmpl_add(struct tmpl_dict *, const char *section);
/* Include another template at {{>NAME}}; returned dict owned by d. */
struct tmpl_dict *tmpl_include(struct tmpl_dict *, const char *name, const char *file);
/* Expand file into out; 0, or -1 (missing, no AUTOESCAPE pragma, syntax). */
int		 tmpl_render(const char *file, struct tmpl_dict *, struct buf *out);

#ifdef __cplusplus
}
#endif
#endif
