/*
 * One kept memory region for libxcrypt's yescrypt (issue 19).
 *
 * crypt_r maps its 16 MiB with mmap and unmaps it again on every call:
 * the kernel's share (faulting in about 4,100 fresh zeroed pages, then
 * freeing them) was as much CPU as the hash itself, and it ran beside the
 * next order's argon2id.  libxcrypt has no allocator hook, so this
 * program's mmap and munmap (cryptmem.c), which the dynamic linker binds
 * libcrypt's calls to, keep the first such region once armed: a later
 * crypt_r gets it back, wiped, instead of fresh pages.  Every other call
 * (any other library, another size, a second hash at the same time) goes
 * to the kernel unchanged.
 */
#ifndef VEP_CRYPTMEM_H
#define VEP_CRYPTMEM_H

#include <stddef.h>

/*
 * Keep libcrypt's regions from now on (idempotent, thread-safe; auth_crypt
 * calls it).  0, or -1 when libcrypt's code cannot be found (then every
 * call goes to the kernel as before).
 */
int	cryptmem_arm(void);
/* Regions handed back to libcrypt since arming (the test's evidence). */
unsigned long	cryptmem_reused(void);
/* The kept region and its length (NULL before the first yescrypt), and whether libcrypt holds it. */
const void	*cryptmem_kept(size_t *len, int *busy);

#endif
