/* Strings joined into a buffer. */
#ifndef VEP_STRJOIN_H
#define VEP_STRJOIN_H

#include <stddef.h>

/* v[0..n) with sep between them into out (len bytes, len > 0); cut short when out is full. */
void	str_join(char *out, size_t len, char *const *v, size_t n, const char *sep);

#endif
