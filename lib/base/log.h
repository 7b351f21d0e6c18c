/*
 * One small log API for every vepanel program (after OpenBSD's log.c):
 * messages go to stderr, syslog, or both; log_warn appends strerror(errno).
 * Secrets are never passed to these functions.
 */
#ifndef VEP_LOG_H
#define VEP_LOG_H

#include <stdarg.h>

enum log_level { LOG_LVL_ERR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Set the program name, the lowest level printed and where to. */
void	log_init(const char *prog, enum log_level lvl, int to_stderr, int to_syslog);
void	log_setlevel(enum log_level lvl);
/* Parse "error|warn|info|debug"; -1 when unknown. */
int	log_level_parse(const char *s);

void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
