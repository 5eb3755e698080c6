// SPDX-License-Identifier: Apache-2.0
/* Process table for ancestry trailers. See proctable.h and README.md. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "proctable.h"

#define NBUCKETS 16384

static struct proc_entry *buckets[NBUCKETS];
static struct proc_table_stats stats;
static uint64_t ns_per_tick;

static uint64_t mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static struct proc_entry **slot(uint32_t pid)
{
	struct proc_entry **pp = &buckets[pid % NBUCKETS];
	while (*pp && (*pp)->pid != pid)
		pp = &(*pp)->next;
	return pp;
}

static struct proc_entry *get_or_add(uint32_t pid)
{
	struct proc_entry **pp = slot(pid);
	if (!*pp) {
		*pp = calloc(1, sizeof(**pp));
		if (!*pp)
			return NULL;
		(*pp)->pid = pid;
		stats.size++;
	}
	return *pp;
}

void pt_init(void)
{
	long hz = sysconf(_SC_CLK_TCK);
	ns_per_tick = 1000000000ull / (hz > 0 ? hz : 100);
}

static ssize_t read_file(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, cap);
	close(fd);
	return n;
}

/* Fill e from /proc/<pid>; false if the process is gone. */
static int load_from_proc(struct proc_entry *e, uint32_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	ssize_t n = read_file(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	char *lp = strchr(buf, '('), *rp = strrchr(buf, ')');
	if (!lp || !rp || rp < lp)
		return 0;
	size_t cl = rp - lp - 1;
	memset(e->comm, 0, sizeof(e->comm));
	memcpy(e->comm, lp + 1, cl < TH_COMM_LEN - 1 ? cl : TH_COMM_LEN - 1);
	/* fields after ")": state(3) ppid(4) ... starttime(22) */
	char *f = rp + 2;
	unsigned long long v[20] = {0};
	char state;
	if (sscanf(f, "%c %llu", &state, &v[0]) < 2)
		return 0;
	e->ppid = v[0];
	int field = 3;
	for (char *s = f; *s && field < 22; s++)
		if (*s == ' ' && ++field == 22)
			e->start_ns = strtoull(s + 1, NULL, 10) * ns_per_tick;
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%u", pid);
	if (stat(path, &st) == 0)
		e->uid = st.st_uid;
	e->flags = TH_AF_FROM_PROC;
	snprintf(path, sizeof(path), "/proc/%u/exe", pid);
	n = readlink(path, e->exe, sizeof(e->exe));
	if (n < 0) {
		n = 0;
		e->flags |= TH_AF_PARTIAL;
	}
	if ((size_t)n >= sizeof(e->exe))
		e->flags |= TH_AF_EXE_TRUNC;
	e->exe_len = n;
	snprintf(path, sizeof(path), "/proc/%u/cmdline", pid);
	char ab[TH_ANC_ARGS_MAX + 1];
	n = read_file(path, ab, sizeof(ab));
	if (n < 0)
		n = 0;
	if (n > TH_ANC_ARGS_MAX) {
		n = TH_ANC_ARGS_MAX;
		e->flags |= TH_AF_ARGS_TRUNC;
	}
	memcpy(e->args, ab, n);
	e->args_len = n;
	return 1;
}

void pt_scan_proc(void)
{
	DIR *d = opendir("/proc");
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		uint32_t pid = strtoul(de->d_name, NULL, 10);
		struct proc_entry *e = get_or_add(pid);
		if (e && !load_from_proc(e, pid)) {
			*slot(pid) = e->next;
			free(e);
			stats.size--;
		}
	}
	closedir(d);
}

static struct proc_entry *lookup(uint32_t pid)
{
	struct proc_entry *e = *slot(pid);
	if (e || pid == 0)
		return e;
	e = get_or_add(pid);
	if (!e)
		return NULL;
	stats.misses++;
	if (!load_from_proc(e, pid)) {
		e->flags = TH_AF_PARTIAL | TH_AF_EXITED;
		e->exited_at = mono_s();
	}
	return e;
}

static void set_exec(struct proc_entry *e, const struct th_exec *x)
{
	size_t n = x->exe.len < TH_ANC_EXE_MAX ? x->exe.len : TH_ANC_EXE_MAX;
	memcpy(e->exe, x->exe_buf, n);
	e->exe_len = n;
	e->flags = 0;
	if (x->exe.flags & (TH_SF_TRUNCATED | TH_SF_PARTIAL))
		e->flags |= TH_AF_EXE_TRUNC;
	n = x->argv.len < TH_ANC_ARGS_MAX ? x->argv.len : TH_ANC_ARGS_MAX;
	memcpy(e->args, x->argv_buf, n);
	e->args_len = n;
	if (x->argv.len > TH_ANC_ARGS_MAX || (x->argv.flags & TH_SF_TRUNCATED))
		e->flags |= TH_AF_ARGS_TRUNC;
}

void pt_update(const void *rec, size_t len)
{
	const struct th_hdr *h = rec;
	if (len < sizeof(*h))
		return;
	struct proc_entry *e;
	switch (h->type) {
	case TH_EV_EXEC:
		if (len < sizeof(struct th_exec))
			return;
		e = get_or_add(h->pid);
		if (!e)
			return;
		e->ppid = h->ppid;
		e->uid = h->uid;
		e->start_ns = h->start_ns;
		e->exited_at = 0;
		memcpy(e->comm, h->comm, TH_COMM_LEN);
		set_exec(e, rec);
		break;
	case TH_EV_FORK: {
		const struct th_fork *f = rec;
		if (len < sizeof(*f))
			return;
		struct proc_entry *p = lookup(h->pid);
		e = get_or_add(f->child_pid);
		if (!e)
			return;
		struct proc_entry *next = e->next;
		if (p && p != e)
			memcpy(e, p, sizeof(*e));
		else
			memcpy(e->comm, h->comm, TH_COMM_LEN);
		e->next = next;
		e->pid = f->child_pid;
		e->ppid = h->pid;
		e->uid = h->uid;
		e->start_ns = f->child_start_ns;
		e->exited_at = 0;
		e->flags &= ~(TH_AF_EXITED);
		break;
	}
	case TH_EV_EXIT:
		e = *slot(h->pid);
		if (e) {
			e->flags |= TH_AF_EXITED;
			e->exited_at = mono_s();
		}
		break;
	default:
		break;
	}
}

size_t pt_trailer(uint32_t pid, unsigned max_entries, void *buf, size_t cap)
{
	if (!max_entries || !pid || cap < sizeof(struct th_anc_hdr))
		return 0;
	struct th_anc_hdr *ah = buf;
	size_t off = sizeof(*ah);
	unsigned count = 0;
	uint32_t cur = pid;
	for (unsigned i = 0; i < max_entries && cur; i++) {
		struct proc_entry *e = lookup(cur);
		if (!e)
			break;
		size_t need = sizeof(struct th_anc_entry) + e->exe_len + e->args_len;
		need = (need + 7) & ~(size_t)7;
		if (off + need > cap)
			break;
		struct th_anc_entry *a = (void *)((char *)buf + off);
		memset(a, 0, need);
		a->pid = e->pid;
		a->ppid = e->ppid;
		a->start_ns = e->start_ns;
		a->uid = e->uid;
		a->exe_len = e->exe_len;
		a->args_len = e->args_len;
		a->anc_flags = e->flags;
		memcpy(a->comm, e->comm, TH_COMM_LEN);
		memcpy((char *)(a + 1), e->exe, e->exe_len);
		memcpy((char *)(a + 1) + e->exe_len, e->args, e->args_len);
		off += need;
		count++;
		if (e->ppid == cur)
			break;
		cur = e->ppid;
	}
	if (!count)
		return 0;
	ah->magic = TH_ANC_MAGIC;
	ah->count = count;
	ah->size = off;
	return off;
}

void pt_reap(unsigned grace_s)
{
	uint64_t now = mono_s();
	for (size_t b = 0; b < NBUCKETS; b++) {
		struct proc_entry **pp = &buckets[b];
		while (*pp) {
			struct proc_entry *e = *pp;
			if (e->exited_at && now - e->exited_at >= grace_s) {
				*pp = e->next;
				free(e);
				stats.size--;
			} else {
				pp = &e->next;
			}
		}
	}
}

struct proc_table_stats pt_stats(void)
{
	return stats;
}
