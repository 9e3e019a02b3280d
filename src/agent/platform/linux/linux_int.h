/*
 * Shared by the Linux implementation files of the platform layer, not
 * part of platform.h.
 */
#ifndef RP_PLATFORM_LINUX_INT_H
#define RP_PLATFORM_LINUX_INT_H

/*
 * The first steps of every confined child (confine.c): every descriptor
 * but 0 to 2 and sock closed, killed with its parent, not dumpable.
 * Returns 0; 1 when the parent has already gone; -1 when a step failed
 * (or sock is below 3).
 */
int plat_child_prologue(int sock);

#endif
