/*
 * The mount table on Linux, read once from /proc/self/mountinfo: which
 * devices carry pseudo file systems (their "files" are kernel state) and
 * which network file systems; everything else is local.  devtmpfs is
 * local: /dev/shm is mounted inside it and a regular file in /dev is worth
 * a look (the sweep never opens device nodes).  tmpfs and overlay are
 * local: malware lives in /tmp and /dev/shm, and a container's root is an
 * overlay.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "platform/platform.h"

#define MOUNTS_MAX 65536

struct mount_dev {
	uint64_t dev;
	enum plat_fs_kind kind;
};

struct plat_mounts {
	struct mount_dev *v;
	size_t n;
};

static const char *const pseudo_fs[] = {"proc", "sysfs", "devpts", "cgroup",
    "cgroup2", "securityfs", "debugfs", "tracefs", "configfs", "fusectl",
    "mqueue", "hugetlbfs", "pstore", "bpf", "binfmt_misc", "autofs", "nsfs",
    "efivarfs", "rpc_pipefs", "selinuxfs", "nfsd", "fuse.gvfsd-fuse",
    "fuse.portal", "ramfs_proc", "usbfs", "ipathfs", "xenfs", "sockfs",
    "pipefs"};
static const char *const network_fs[] = {"nfs", "nfs4", "cifs", "smb3", "smbfs",
    "ncpfs", "afs", "9p", "ceph", "glusterfs", "fuse.sshfs", "fuse.glusterfs",
    "fuse.s3fs", "fuse.rclone", "lustre", "gpfs", "ocfs2", "coda", "davfs",
    "fuse.davfs2"};

static enum plat_fs_kind
fs_kind(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(pseudo_fs) / sizeof(pseudo_fs[0]); i++)
		if (strcmp(type, pseudo_fs[i]) == 0)
			return PLAT_FS_PSEUDO;
	for (i = 0; i < sizeof(network_fs) / sizeof(network_fs[0]); i++)
		if (strcmp(type, network_fs[i]) == 0)
			return PLAT_FS_NETWORK;
	return PLAT_FS_LOCAL;
}

/* One mountinfo line: "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3
   /dev/root rw,errors=continue"; returns 0 and fills md when usable. */
static int
parse_line(char *line, struct mount_dev *md)
{
	char *p, *sep, *type, *end;
	unsigned long maj, min;

	/* Third field: major:minor. */
	if ((p = strchr(line, ' ')) == NULL || (p = strchr(p + 1, ' ')) == NULL)
		return -1;
	p++;
	maj = strtoul(p, &end, 10);
	if (end == p || *end != ':')
		return -1;
	p = end + 1;
	min = strtoul(p, &end, 10);
	if (end == p || *end != ' ')
		return -1;
	if ((sep = strstr(end, " - ")) == NULL)
		return -1;
	type = sep + 3;
	if ((p = strchr(type, ' ')) != NULL)
		*p = '\0';
	md->dev = makedev(maj, min);
	md->kind = fs_kind(type);
	return 0;
}

struct plat_mounts *
plat_mounts_read(void)
{
	struct plat_mounts *m;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	struct mount_dev md, *v;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	if ((f = fopen("/proc/self/mountinfo", "re")) == NULL)
		return m;
	while (getline(&line, &cap, f) > 0 && m->n < MOUNTS_MAX) {
		if (parse_line(line, &md) != 0 || md.kind == PLAT_FS_LOCAL)
			continue;
		if ((v = realloc(m->v, (m->n + 1) * sizeof(*v))) == NULL)
			break;
		m->v = v;
		m->v[m->n++] = md;
	}
	free(line);
	fclose(f);
	return m;
}

void
plat_mounts_free(struct plat_mounts *m)
{
	if (m == NULL)
		return;
	free(m->v);
	free(m);
}

enum plat_fs_kind
plat_mounts_kind(const struct plat_mounts *m, uint64_t dev)
{
	size_t i;

	if (m == NULL)
		return PLAT_FS_LOCAL;
	for (i = 0; i < m->n; i++)
		if (m->v[i].dev == dev)
			return m->v[i].kind;
	return PLAT_FS_LOCAL;
}
