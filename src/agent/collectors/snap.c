/*
 * Snaps.  Which snaps are installed, and which revision of each is
 * current, is snapd's own record: data.snaps in var/lib/snapd/state.json
 * (keyed by instance name; "sequence" lists the revisions kept, "current"
 * names the one in use, "active" false means disabled).  The version is
 * not in that record: it is in the snap's meta/snap.yaml, read from where
 * snapd mounts the revision (snap/<instance>/<revision>/ or
 * var/lib/snapd/snap/...).  Without state.json (a copied tree) the
 * `current` links of the mount directory stand in.  Only the top-level
 * `version:` of snap.yaml is read, with a bounded line scanner.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collectors/collectors.h"
#include "collectors/rootfs.h"
#include "json/rpjson.h"
#include "util/err.h"
#include "util/str.h"

#define SNAP_STATE_MAX (256u * 1024 * 1024)
#define SNAP_YAML_MAX (1024u * 1024)
#define SNAP_VALUE_MAX 256

static const char *const mount_dirs[] = {"snap", "var/lib/snapd/snap"};

/*
 * The value of the top-level key in a snap.yaml: plain, 'single' or
 * "double" quoted (no escapes beyond '' in single quotes).  NULL when
 * absent or in a form not read here (block scalars, escapes).
 */
static const char *
yaml_top(const char *buf, const char *key, char *out, size_t size)
{
	const char *p = buf, *nl, *v, *e;
	size_t klen = strlen(key), n = 0;
	char q;

	for (; *p != '\0'; p = *nl != '\0' ? nl + 1 : nl) {
		nl = p + strcspn(p, "\n");
		if (strncmp(p, key, klen) != 0 || p[klen] != ':')
			continue;
		for (v = p + klen + 1; v < nl && (*v == ' ' || *v == '\t'); v++)
			;
		e = nl;
		if (v < e && (*v == '\'' || *v == '"')) {
			q = *v++;
			for (; v < e; v++) {
				/* '' is a quote inside single quotes. */
				if (*v == q &&
				    (q != '\'' || v + 1 >= e || v[1] != '\''))
					break;
				if (q == '"' && *v == '\\')
					return NULL; /* escapes: not read */
				if (n + 1 >= size)
					return NULL;
				out[n++] = *v;
				if (q == '\'' && *v == '\'')
					v++;
			}
			if (v >= e)
				return NULL;
		} else {
			/* A plain scalar ends at a comment or the line. */
			for (; v < e && n + 1 < size; v++) {
				if (*v == '#' && n > 0 &&
				    (out[n - 1] == ' ' || out[n - 1] == '\t'))
					break;
				out[n++] = *v;
			}
			while (n > 0 &&
			    (out[n - 1] == ' ' || out[n - 1] == '\t' ||
				out[n - 1] == '\r'))
				n--;
			if (n > 0 && (out[0] == '|' || out[0] == '>'))
				return NULL;
		}
		if (n == 0 || n + 1 >= size)
			return NULL;
		out[n] = '\0';
		return out;
	}
	return NULL;
}

struct snapwalk {
	struct inv_host *h;
	struct rp_diags *d;
	int rootfd;
	int first;
};

static void
snap_err(struct snapwalk *w, int r)
{
	if (r != 0 && r != RP_ERR_NOTFOUND && w->first == 0)
		w->first = r;
}

/*
 * Adds the snap instance at revision rev (name: the snap's name, which
 * differs from the instance for parallel installs "name_key").
 */
static int
add_snap(struct snapwalk *w, const char *instance, const char *name,
    const char *rev, int active)
{
	char version[SNAP_VALUE_MAX], why[128], *rel = NULL, *yaml = NULL;
	struct inv_software sw;
	size_t i, len;
	int r = RP_ERR_NOTFOUND;

	if (strchr(instance, '/') != NULL || strchr(rev, '/') != NULL ||
	    instance[0] == '.' || rev[0] == '.') {
		rp_diags_add(w->d, RP_DIAG_ERROR, NULL, NULL,
		    "snap %s revision %s: not a usable name", instance, rev);
		return RP_ERR_INVALID;
	}
	for (i = 0; i < 2 && r == RP_ERR_NOTFOUND; i++) {
		free(rel);
		if ((rel = rp_asprintf("%s/%s/%s/meta/snap.yaml", mount_dirs[i],
			 instance, rev)) == NULL)
			return RP_ERR_NOMEM;
		r = rootfs_read(w->rootfd, rel, SNAP_YAML_MAX, &yaml, &len);
	}
	memset(&sw, 0, sizeof(sw));
	if (r == 0)
		sw.version =
		    yaml_top(yaml, "version", version, sizeof(version));
	if (r == RP_ERR_NOMEM)
		goto out;
	if (sw.version == NULL) {
		rp_diags_add(w->d, RP_DIAG_WARNING, NULL, NULL,
		    "snap %s revision %s: no version (%s); skipped", instance,
		    rev,
		    r == RP_ERR_NOTFOUND ? "meta/snap.yaml not found: the "
					   "snap is not mounted"
			: r == 0 ? "meta/snap.yaml has no plain or quoted "
				   "top-level version"
				 : rp_strerror(r));
		r = r == RP_ERR_NOTFOUND || r == 0 ? 0 : r;
		goto out;
	}
	/* rel ends in "/meta/snap.yaml": the mount is what is installed. */
	rel[strlen(rel) - strlen("/meta/snap.yaml")] = '\0';
	r = RP_ERR_NOMEM;
	if ((sw.path = rp_asprintf("/%s", rel)) == NULL)
		goto out;
	sw.name = name;
	sw.source = INV_SOURCE_SNAP;
	sw.scheme = inv_source_scheme(sw.source);
	sw.state = active ? NULL : "disabled";
	if (inv_software_check(&sw, why, sizeof(why)) != 0) {
		rp_diags_add(w->d, RP_DIAG_ERROR, NULL, NULL, "snap %s: %s",
		    instance, why);
		r = RP_ERR_INVALID;
	} else {
		r = inv_host_add_software(w->h, &sw);
	}
	free((char *)sw.path);
out:
	free(yaml);
	free(rel);
	return r;
}

/* The sequence entry of revision rev: its snap name. */
static const char *
seq_name(const json_t *snap, const char *rev)
{
	json_t *seq = rpjson_array(snap, "sequence"), *e;
	const char *r;
	size_t i;

	json_array_foreach(seq, i, e)
	{
		if ((r = rpjson_str(e, "revision")) != NULL &&
		    strcmp(r, rev) == 0)
			return rpjson_str(e, "name");
	}
	return NULL;
}

static int
from_state(struct snapwalk *w, const char *buf, size_t len)
{
	json_t *root, *snaps, *snap, *active;
	const char *inst, *rev, *name;
	int r = 0;

	if ((root = rpjson_load_buf(buf, len, w->d)) == NULL) {
		rp_diags_add(w->d, RP_DIAG_ERROR, NULL, NULL,
		    "/var/lib/snapd/state.json: not JSON");
		return RP_ERR_INVALID;
	}
	if ((snaps = rpjson_object(rpjson_object(root, "data"), "snaps")) ==
	    NULL) {
		/* A fresh snapd has no snaps yet. */
		json_decref(root);
		return 0;
	}
	json_object_foreach(snaps, inst, snap)
	{
		if ((rev = rpjson_str(snap, "current")) == NULL ||
		    (name = seq_name(snap, rev)) == NULL) {
			rp_diags_add(w->d, RP_DIAG_ERROR, NULL, NULL,
			    "/var/lib/snapd/state.json: snap %s has no "
			    "current revision in its sequence",
			    inst);
			snap_err(w, RP_ERR_INVALID);
			continue;
		}
		active = json_object_get(snap, "active");
		r = add_snap(w, inst, name, rev, json_is_true(active));
		if (r == RP_ERR_NOMEM)
			break;
		snap_err(w, r);
		r = 0;
	}
	json_decref(root);
	return r;
}

/* No state.json: each <mount>/<instance>/current link is a snap. */
static int
from_mounts(struct snapwalk *w, int *found)
{
	char **names = NULL, rev[64], name[256], *us;
	size_t i, j, n;
	int fd, ifd, r = 0;

	for (i = 0; i < 2 && r != RP_ERR_NOMEM; i++) {
		if (rootfs_opendir(w->rootfd, mount_dirs[i], &fd) != 0)
			continue;
		*found = 1;
		if ((r = rootfs_list(fd, &names, &n)) != 0)
			rp_diags_add(w->d, RP_DIAG_ERROR, NULL, NULL,
			    "/%s: cannot be listed: %s", mount_dirs[i],
			    rp_strerror(r));
		for (j = 0; r == 0 && j < n; j++) {
			if (names[j][0] == '.' ||
			    rootfs_opendir(fd, names[j], &ifd) != 0)
				continue;
			if (rootfs_readlink_name(
				ifd, "current", rev, sizeof(rev)) == 0) {
				/* "name_key" is a parallel install of name. */
				snprintf(name, sizeof(name), "%s", names[j]);
				if ((us = strchr(name, '_')) != NULL)
					*us = '\0';
				r = add_snap(w, names[j], name, rev, 1);
			}
			close(ifd);
			snap_err(w, r);
			r = r == RP_ERR_NOMEM ? r : 0;
		}
		rootfs_names_free(names);
		names = NULL;
		close(fd);
	}
	return r;
}

int
collect_snap(const char *root, struct inv_host *h, struct rp_diags *d)
{
	struct snapwalk w = {h, d, -1, 0};
	char *buf = NULL;
	size_t len;
	int r, found = 0;

	if ((r = rootfs_open_root(root != NULL ? root : "/", &w.rootfd, d)) !=
	    0)
		return r;
	r = rootfs_read(
	    w.rootfd, "var/lib/snapd/state.json", SNAP_STATE_MAX, &buf, &len);
	if (r == 0) {
		found = 1;
		r = from_state(&w, buf, len);
	} else if (r == RP_ERR_NOTFOUND) {
		r = from_mounts(&w, &found);
	} else {
		rp_diags_add(d, RP_DIAG_ERROR, NULL, NULL,
		    "/var/lib/snapd/state.json: %s", rp_strerror(r));
	}
	if (r == 0)
		r = w.first != 0 ? w.first : found ? 0 : RP_ERR_NOTFOUND;
	free(buf);
	close(w.rootfd);
	return r;
}
