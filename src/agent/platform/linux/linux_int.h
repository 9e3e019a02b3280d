/*
 * Shared by the Linux implementation files of the platform layer, not
 * part of platform.h.
 */
#ifndef RP_PLATFORM_LINUX_INT_H
#define RP_PLATFORM_LINUX_INT_H

#include <stddef.h>
#include <stdint.h>

/*
 * The first steps of every confined child (confine.c): every descriptor
 * but 0 to 2 and sock closed, killed with its parent, not dumpable.
 * Returns 0; 1 when the parent has already gone; -1 when a step failed
 * (or sock is below 3).
 */
int plat_child_prologue(int sock);

/*
 * A seccomp filter (libseccomp) with default action dflt and action for
 * each of the n system calls in nr; NULL when one cannot be added.  The
 * caller adds its conditional rules, loads and releases it.
 */
void *plat_seccomp_new(uint32_t dflt, uint32_t action, const int *nr, size_t n);

#endif
