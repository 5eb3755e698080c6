// SPDX-License-Identifier: Apache-2.0
/* The stdin command language: one command per line, a registry of handlers.
 * A refused command changes nothing. See README.md "Commands". */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "loader.h"
#include "tracehound.skel.h"

#define REPLY_MAX 512

/* ---------------- prefix / basename mirrors ---------------- */

struct pattern {
	char s[TH_PREFIX_MAX + 1];
	uint32_t mask; /* enum th_match, 0 = exclusion */
};

#define MAX_PATTERNS 512
static struct pattern prefixes[MAX_PATTERNS];
static unsigned n_prefixes;
static struct pattern names[MAX_PATTERNS];
static unsigned n_names;

static const struct {
	const char *path;
	uint32_t mask;
} default_prefixes[] = {
	/* read or write: credentials and secrets */
	{ "/etc/shadow", TH_M_READ | TH_M_WRITE },
	{ "/etc/gshadow", TH_M_READ | TH_M_WRITE },
	{ "/etc/sudoers", TH_M_READ | TH_M_WRITE },
	{ "/etc/ssh/", TH_M_READ | TH_M_WRITE },
	{ "/etc/kubernetes/", TH_M_READ | TH_M_WRITE },
	{ "/root/", TH_M_READ | TH_M_WRITE },
	{ "/var/run/secrets/", TH_M_READ | TH_M_WRITE },
	{ "/run/secrets/", TH_M_READ | TH_M_WRITE },
	{ "/var/lib/kubelet/pki/", TH_M_READ | TH_M_WRITE },
	{ "/dev/mem", TH_M_READ | TH_M_WRITE },
	{ "/dev/kmem", TH_M_READ | TH_M_WRITE },
	{ "/dev/port", TH_M_READ | TH_M_WRITE },
	{ "/proc/sys/kernel/core_pattern", TH_M_READ | TH_M_WRITE },
	/* write/create/modify only */
	{ "/etc/", TH_M_WRITE },
	{ "/proc/", TH_M_WRITE },
	{ "/sys/", TH_M_WRITE },
	{ "/dev/shm/", TH_M_WRITE },
	{ "/tmp/", TH_M_WRITE },
	{ "/var/tmp/", TH_M_WRITE },
	{ "/var/log/", TH_M_WRITE },
	{ "/var/spool/cron/", TH_M_WRITE },
	{ "/var/lib/kubelet/", TH_M_WRITE },
	{ "/boot/", TH_M_WRITE },
	{ "/lib/modules/", TH_M_WRITE },
	{ "/usr/lib/modules/", TH_M_WRITE },
	{ "/bin/", TH_M_WRITE },
	{ "/sbin/", TH_M_WRITE },
	{ "/lib/", TH_M_WRITE },
	{ "/lib64/", TH_M_WRITE },
	{ "/usr/bin/", TH_M_WRITE },
	{ "/usr/sbin/", TH_M_WRITE },
	{ "/usr/lib/", TH_M_WRITE },
	{ "/usr/lib64/", TH_M_WRITE },
	{ "/usr/local/bin/", TH_M_WRITE },
	{ "/usr/local/sbin/", TH_M_WRITE },
};

static const struct {
	const char *name;
	uint32_t mask;
} default_names[] = {
	{ ".bash_history", TH_M_READ | TH_M_WRITE },
	{ ".zsh_history", TH_M_READ | TH_M_WRITE },
	{ ".ash_history", TH_M_READ | TH_M_WRITE },
	{ ".sh_history", TH_M_READ | TH_M_WRITE },
	{ ".python_history", TH_M_READ | TH_M_WRITE },
	{ ".mysql_history", TH_M_READ | TH_M_WRITE },
	{ ".psql_history", TH_M_READ | TH_M_WRITE },
	{ "authorized_keys", TH_M_READ | TH_M_WRITE },
	{ "authorized_keys2", TH_M_READ | TH_M_WRITE },
	{ "id_rsa", TH_M_READ | TH_M_WRITE },
	{ "id_ecdsa", TH_M_READ | TH_M_WRITE },
	{ "id_ed25519", TH_M_READ | TH_M_WRITE },
	{ "id_dsa", TH_M_READ | TH_M_WRITE },
	{ ".netrc", TH_M_READ | TH_M_WRITE },
	{ ".pgpass", TH_M_READ | TH_M_WRITE },
};

static int map_fd(struct bpf_map *m)
{
	return bpf_map__fd(m);
}

static int prefix_push(const char *path, uint32_t mask)
{
	struct th_prefix_key k = {};
	size_t n = strlen(path);
	if (n == 0 || n > TH_PREFIX_MAX)
		return -EINVAL;
	k.prefixlen = n * 8;
	memcpy(k.data, path, n);
	if (bpf_map_update_elem(map_fd(L.skel->maps.prefixes), &k, &mask, BPF_ANY))
		return -errno;
	return 0;
}

static int prefix_pop(const char *path)
{
	struct th_prefix_key k = {};
	size_t n = strlen(path);
	k.prefixlen = n * 8;
	memcpy(k.data, path, n);
	if (bpf_map_delete_elem(map_fd(L.skel->maps.prefixes), &k) && errno != ENOENT)
		return -errno;
	return 0;
}

static int name_push(const char *name, uint32_t mask)
{
	struct th_name_key k = {};
	size_t n = strlen(name);
	if (n == 0 || n >= TH_BASENAME_MAX)
		return -EINVAL;
	memcpy(k.name, name, n);
	if (bpf_map_update_elem(map_fd(L.skel->maps.basenames), &k, &mask, BPF_ANY))
		return -errno;
	return 0;
}

static int name_pop(const char *name)
{
	struct th_name_key k = {};
	size_t n = strlen(name);
	if (n >= TH_BASENAME_MAX)
		return -EINVAL;
	memcpy(k.name, name, n);
	if (bpf_map_delete_elem(map_fd(L.skel->maps.basenames), &k) && errno != ENOENT)
		return -errno;
	return 0;
}

static struct pattern *find(struct pattern *tab, unsigned n, const char *s)
{
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(tab[i].s, s))
			return &tab[i];
	return NULL;
}

/* Set (or clear) mask bits of a pattern in a mirror + kernel table.
 * excl: make it an exclusion entry (mask 0). */
static int pattern_change(int is_prefix, const char *s, uint32_t bits, int add, int excl,
			  char *reply)
{
	struct pattern *tab = is_prefix ? prefixes : names;
	unsigned *n = is_prefix ? &n_prefixes : &n_names;
	size_t max = is_prefix ? TH_PREFIX_MAX : TH_BASENAME_MAX - 1;
	size_t len = strlen(s);
	if (len == 0 || len > max) {
		snprintf(reply, REPLY_MAX, "%s must be 1..%zu bytes, got %zu",
			 is_prefix ? "prefix" : "name", max, len);
		return -EINVAL;
	}
	if (!is_prefix && strchr(s, '/')) {
		snprintf(reply, REPLY_MAX, "name must be a basename without '/'");
		return -EINVAL;
	}
	struct pattern *p = find(tab, *n, s);
	uint32_t newmask;
	if (excl)
		newmask = 0;
	else if (add)
		newmask = (p ? p->mask : 0) | bits;
	else {
		if (!p) {
			snprintf(reply, REPLY_MAX, "no such %s: %s", is_prefix ? "prefix" : "name", s);
			return -ENOENT;
		}
		newmask = p->mask & ~bits;
	}
	int err;
	if (!excl && !newmask) { /* nothing left: remove the entry */
		err = is_prefix ? prefix_pop(s) : name_pop(s);
		if (err) {
			snprintf(reply, REPLY_MAX, "kernel map delete failed: %s", strerror(-err));
			return err;
		}
		*p = tab[--*n];
		snprintf(reply, REPLY_MAX, "ok removed %s", s);
		return 0;
	}
	if (!p && *n >= MAX_PATTERNS) {
		snprintf(reply, REPLY_MAX, "table full (%d entries)", MAX_PATTERNS);
		return -ENOSPC;
	}
	err = is_prefix ? prefix_push(s, newmask) : name_push(s, newmask);
	if (err) {
		snprintf(reply, REPLY_MAX, "kernel map update failed: %s", strerror(-err));
		return err;
	}
	if (!p) {
		p = &tab[(*n)++];
		snprintf(p->s, sizeof(p->s), "%s", s);
	}
	p->mask = newmask;
	snprintf(reply, REPLY_MAX, "ok %s %s%s%s", s, excl ? "exclude" : "",
		 newmask & TH_M_READ ? "read " : "", newmask & TH_M_WRITE ? "write" : "");
	return 0;
}

static void pattern_list(struct pattern *tab, unsigned n, char *reply)
{
	size_t off = snprintf(reply, REPLY_MAX, "ok %u entries", n);
	for (unsigned i = 0; i < n && off < REPLY_MAX; i++)
		off += snprintf(reply + off, REPLY_MAX - off, "\n%s%s%s %s",
				tab[i].mask == 0 ? "exclude" : "",
				tab[i].mask & TH_M_READ ? "r" : "", tab[i].mask & TH_M_WRITE ? "w" : "",
				tab[i].s);
	if (off >= REPLY_MAX)
		memcpy(reply + REPLY_MAX - 5, "\n...", 5);
}

/* ---------------- config ---------------- */

int cmd_apply_config(void)
{
	uint32_t zero = 0;
	return bpf_map_update_elem(map_fd(L.skel->maps.th_config), &zero, &L.cfg, BPF_ANY);
}

int cmd_ignore_pid(uint32_t pid, int on)
{
	uint8_t one = 1;
	int fd = map_fd(L.skel->maps.ignore_pids);
	if (on)
		return bpf_map_update_elem(fd, &pid, &one, BPF_ANY) ? -errno : 0;
	if (bpf_map_delete_elem(fd, &pid) && errno != ENOENT)
		return -errno;
	return 0;
}

void cmd_defaults(int with_default_prefixes)
{
	char reply[REPLY_MAX];
	L.cfg.open_write_flags = 01 | 02 | 0100 | 01000; /* O_WRONLY|O_RDWR|O_CREAT|O_TRUNC */
	/* CAP_SYS_ADMIN (21) is not in the default: cap_vm_enough_memory() checks it
	 * (no-audit) on every mmap, so each new process would report it. */
	L.cfg.cap_mask = (1ull << 2) | (1ull << 12) | (1ull << 13) | (1ull << 16) | (1ull << 17) |
			 (1ull << 19) | (1ull << 22) | (1ull << 38) | (1ull << 39);
	L.cfg.cap_interval_ns = 60ull * 1000000000ull;
	L.cfg.wakeup_bytes = 64 * 1024;
	L.cfg.bpf_cmd_mask = (1ull << 0) | (1ull << 5) | (1ull << 6) | (1ull << 8) | (1ull << 9) |
			     (1ull << 17) | (1ull << 28);
	L.cfg.ptrace_req_mask = (1ull << 0) | (1ull << 4) | (1ull << 5) | (1ull << 6) |
				(1ull << 13) | (1ull << 15) | (1ull << 16);
	if (!with_default_prefixes)
		return;
	for (size_t i = 0; i < sizeof(default_prefixes) / sizeof(default_prefixes[0]); i++)
		pattern_change(1, default_prefixes[i].path, default_prefixes[i].mask, 1, 0, reply);
	for (size_t i = 0; i < sizeof(default_names) / sizeof(default_names[0]); i++)
		pattern_change(0, default_names[i].name, default_names[i].mask, 1, 0, reply);
}

/* ---------------- helpers ---------------- */

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end || s[0] == '-')
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_class(const char *s, uint32_t *bits)
{
	if (!s)
		return -EINVAL;
	if (!strcmp(s, "read"))
		*bits = TH_M_READ;
	else if (!strcmp(s, "write"))
		*bits = TH_M_WRITE;
	else if (!strcmp(s, "all"))
		*bits = TH_M_READ | TH_M_WRITE;
	else
		return -EINVAL;
	return 0;
}

/* next space-separated word; *rest gets the remainder (may contain spaces) */
static char *word(char **rest)
{
	char *s = *rest;
	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s) {
		*rest = s;
		return NULL;
	}
	char *e = s;
	while (*e && *e != ' ' && *e != '\t')
		e++;
	if (*e)
		*e++ = 0;
	*rest = e;
	return s;
}

static int recount_filter(struct bpf_map *m, size_t ksz, uint32_t *allow, uint32_t *active)
{
	int fd = map_fd(m);
	char key[64], next[64];
	uint8_t v;
	uint32_t a = 0, n = 0;
	void *prev = NULL;
	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		if (bpf_map_lookup_elem(fd, next, &v) == 0) {
			n++;
			if (v == TH_FILTER_ALLOW)
				a++;
		}
		memcpy(key, next, ksz);
		prev = key;
	}
	*allow = a;
	*active = n > 0;
	return cmd_apply_config();
}

static void clear_map(struct bpf_map *m)
{
	int fd = map_fd(m);
	char key[64];
	while (bpf_map_get_next_key(fd, NULL, key) == 0)
		if (bpf_map_delete_elem(fd, key))
			break;
}

/* ---------------- commands ---------------- */

static int c_ping(char *args, char *reply)
{
	snprintf(reply, REPLY_MAX, "ok pong");
	return 0;
}

static int c_ignore_pid(char *args, char *reply, int on)
{
	uint64_t pid;
	char *w = word(&args);
	if (parse_u64(w, &pid) || pid == 0 || pid > 0x7fffffff || word(&args)) {
		snprintf(reply, REPLY_MAX, "usage: %s <pid>", on ? "ignore_pid" : "unignore_pid");
		return -EINVAL;
	}
	int err = cmd_ignore_pid(pid, on);
	if (err) {
		snprintf(reply, REPLY_MAX, "map update failed: %s", strerror(-err));
		return err;
	}
	snprintf(reply, REPLY_MAX, "ok %s %llu", on ? "ignoring" : "not ignoring",
		 (unsigned long long)pid);
	return 0;
}
static int c_ignore(char *a, char *r) { return c_ignore_pid(a, r, 1); }
static int c_unignore(char *a, char *r) { return c_ignore_pid(a, r, 0); }

static int c_comm(char *args, char *reply)
{
	char *verb = word(&args);
	int fd = map_fd(L.skel->maps.comm_filter);
	if (verb && !strcmp(verb, "clear") && !word(&args)) {
		clear_map(L.skel->maps.comm_filter);
	} else if (verb && (!strcmp(verb, "allow") || !strcmp(verb, "deny") || !strcmp(verb, "del"))) {
		while (*args == ' ')
			args++;
		size_t n = strlen(args);
		if (n == 0 || n >= TH_COMM_LEN) {
			snprintf(reply, REPLY_MAX, "comm must be 1..%d bytes, got %zu", TH_COMM_LEN - 1, n);
			return -EINVAL;
		}
		char key[TH_COMM_LEN] = {};
		memcpy(key, args, n);
		if (!strcmp(verb, "del")) {
			if (bpf_map_delete_elem(fd, key)) {
				snprintf(reply, REPLY_MAX, "no such comm: %s", args);
				return -ENOENT;
			}
		} else {
			uint8_t v = verb[0] == 'a' ? TH_FILTER_ALLOW : TH_FILTER_DENY;
			if (bpf_map_update_elem(fd, key, &v, BPF_ANY)) {
				int e = -errno;
				snprintf(reply, REPLY_MAX, "map update failed: %s", strerror(-e));
				return e;
			}
		}
	} else {
		snprintf(reply, REPLY_MAX, "usage: comm allow|deny|del <comm> | comm clear");
		return -EINVAL;
	}
	recount_filter(L.skel->maps.comm_filter, TH_COMM_LEN, &L.cfg.comm_allow_count,
		       &L.cfg.comm_filter_active);
	snprintf(reply, REPLY_MAX, "ok comm filter: %u allow, active=%u", L.cfg.comm_allow_count,
		 L.cfg.comm_filter_active);
	return 0;
}

static int c_cgroup(char *args, char *reply)
{
	char *verb = word(&args);
	int fd = map_fd(L.skel->maps.cgroup_filter);
	if (verb && !strcmp(verb, "clear") && !word(&args)) {
		clear_map(L.skel->maps.cgroup_filter);
	} else if (verb && (!strcmp(verb, "allow") || !strcmp(verb, "deny") || !strcmp(verb, "del"))) {
		char *w = word(&args);
		uint64_t id;
		if (w && w[0] == '/') {
			struct stat st; /* a cgroup v2 directory: its inode number is the id */
			if (stat(w, &st) || !S_ISDIR(st.st_mode)) {
				snprintf(reply, REPLY_MAX, "not a cgroup directory: %s", w);
				return -ENOENT;
			}
			id = st.st_ino;
		} else if (parse_u64(w, &id) || id == 0) {
			snprintf(reply, REPLY_MAX, "usage: cgroup allow|deny|del <id|/sys/fs/cgroup/path>");
			return -EINVAL;
		}
		if (word(&args)) {
			snprintf(reply, REPLY_MAX, "unexpected text after cgroup id");
			return -EINVAL;
		}
		if (!strcmp(verb, "del")) {
			if (bpf_map_delete_elem(fd, &id)) {
				snprintf(reply, REPLY_MAX, "no such cgroup: %llu", (unsigned long long)id);
				return -ENOENT;
			}
		} else {
			uint8_t v = verb[0] == 'a' ? TH_FILTER_ALLOW : TH_FILTER_DENY;
			if (bpf_map_update_elem(fd, &id, &v, BPF_ANY)) {
				int e = -errno;
				snprintf(reply, REPLY_MAX, "map update failed: %s", strerror(-e));
				return e;
			}
		}
	} else {
		snprintf(reply, REPLY_MAX, "usage: cgroup allow|deny|del <id|path> | cgroup clear");
		return -EINVAL;
	}
	recount_filter(L.skel->maps.cgroup_filter, 8, &L.cfg.cgroup_allow_count,
		       &L.cfg.cgroup_filter_active);
	snprintf(reply, REPLY_MAX, "ok cgroup filter: %u allow, active=%u",
		 L.cfg.cgroup_allow_count, L.cfg.cgroup_filter_active);
	return 0;
}

static int c_pattern(char *args, char *reply, int is_prefix)
{
	char *verb = word(&args);
	const char *what = is_prefix ? "prefix" : "name";
	if (verb && !strcmp(verb, "list") && !word(&args)) {
		pattern_list(is_prefix ? prefixes : names, is_prefix ? n_prefixes : n_names, reply);
		return 0;
	}
	if (verb && !strcmp(verb, "exclude")) {
		while (*args == ' ')
			args++;
		return pattern_change(is_prefix, args, 0, 1, 1, reply);
	}
	if (verb && (!strcmp(verb, "add") || !strcmp(verb, "del"))) {
		uint32_t bits;
		if (parse_class(word(&args), &bits)) {
			snprintf(reply, REPLY_MAX, "usage: %s %s read|write|all <%s>", what, verb,
				 is_prefix ? "path" : "basename");
			return -EINVAL;
		}
		while (*args == ' ')
			args++;
		return pattern_change(is_prefix, args, bits, verb[0] == 'a', 0, reply);
	}
	snprintf(reply, REPLY_MAX, "usage: %s add|del read|write|all <x> | %s exclude <x> | %s list",
		 what, what, what);
	return -EINVAL;
}
static int c_prefix(char *a, char *r) { return c_pattern(a, r, 1); }
static int c_name(char *a, char *r) { return c_pattern(a, r, 0); }

/* `set <key> <value>`: a table of numeric knobs in struct th_config */
static const struct knob {
	const char *key;
	size_t off, size;
	uint64_t scale, max;
} knobs[] = {
	{ "open_write_flags", offsetof(struct th_config, open_write_flags), 4, 1, 0xffffffff },
	{ "socket_all", offsetof(struct th_config, socket_all), 4, 1, 1 },
	{ "connect_all", offsetof(struct th_config, connect_all), 4, 1, 1 },
	{ "cap_mask", offsetof(struct th_config, cap_mask), 8, 1, ~0ull },
	{ "cap_interval_ms", offsetof(struct th_config, cap_interval_ns), 8, 1000000, 86400000 },
	{ "bpf_cmd_mask", offsetof(struct th_config, bpf_cmd_mask), 8, 1, ~0ull },
	{ "ptrace_req_mask", offsetof(struct th_config, ptrace_req_mask), 8, 1, ~0ull },
	{ "wakeup_bytes", offsetof(struct th_config, wakeup_bytes), 8, 1, 1ull << 30 },
};

static int c_set(char *args, char *reply)
{
	char *k = word(&args), *v = word(&args);
	uint64_t val;
	if (!k || !v || word(&args)) {
		snprintf(reply, REPLY_MAX, "usage: set <key> <value>");
		return -EINVAL;
	}
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		if (strcmp(knobs[i].key, k))
			continue;
		if (parse_u64(v, &val) || val > knobs[i].max) {
			snprintf(reply, REPLY_MAX, "%s: expected an integer 0..%llu", k,
				 (unsigned long long)knobs[i].max);
			return -EINVAL;
		}
		struct th_config old = L.cfg;
		uint64_t scaled = val * knobs[i].scale;
		if (knobs[i].size == 4) {
			uint32_t v32 = scaled;
			memcpy((char *)&L.cfg + knobs[i].off, &v32, 4);
		} else {
			memcpy((char *)&L.cfg + knobs[i].off, &scaled, 8);
		}
		if (cmd_apply_config()) {
			int e = -errno;
			L.cfg = old;
			snprintf(reply, REPLY_MAX, "config update failed: %s", strerror(-e));
			return e;
		}
		snprintf(reply, REPLY_MAX, "ok %s=%llu", k, (unsigned long long)val);
		return 0;
	}
	size_t off = snprintf(reply, REPLY_MAX, "unknown key %s; keys:", k);
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]) && off < REPLY_MAX; i++)
		off += snprintf(reply + off, REPLY_MAX - off, " %s", knobs[i].key);
	return -EINVAL;
}

static int c_stats(char *args, char *reply)
{
	emit_stats();
	snprintf(reply, REPLY_MAX, "ok stats emitted");
	return 0;
}

static const struct command {
	const char *name;
	int (*fn)(char *args, char *reply);
	const char *help;
} commands[] = {
	{ "ping", c_ping, "ping" },
	{ "ignore_pid", c_ignore, "ignore_pid <pid>" },
	{ "unignore_pid", c_unignore, "unignore_pid <pid>" },
	{ "comm", c_comm, "comm allow|deny|del <comm> | comm clear" },
	{ "cgroup", c_cgroup, "cgroup allow|deny|del <id|path> | cgroup clear" },
	{ "prefix", c_prefix, "prefix add|del read|write|all <path> | prefix exclude <path> | prefix list" },
	{ "name", c_name, "name add|del read|write|all <basename> | name exclude <b> | name list" },
	{ "set", c_set, "set <key> <value>" },
	{ "stats", c_stats, "stats" },
};

static void json_escape(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
}

static void reply_out(uint64_t seq, int status, const char *reply);

void cmd_refuse(uint64_t seq, const char *reason)
{
	L.cmds_err++;
	reply_out(seq, -EINVAL, reason);
}

void cmd_handle_line(uint64_t seq, char *line)
{
	char reply[REPLY_MAX] = "";
	int status = -EINVAL;
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
		line[--n] = 0;
	char *rest = line;
	char *name = word(&rest);
	if (!name) {
		return; /* blank line: ignored, no reply */
	}
	const struct command *c = NULL;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			c = &commands[i];
	if (c) {
		status = c->fn(rest, reply);
	} else {
		size_t off = snprintf(reply, REPLY_MAX, "unknown command; commands:");
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]) && off < REPLY_MAX; i++)
			off += snprintf(reply + off, REPLY_MAX - off, " %s;", commands[i].help);
	}
	if (status)
		L.cmds_err++;
	else
		L.cmds_ok++;
	reply_out(seq, status, reply);
}

static void reply_out(uint64_t seq, int status, const char *reply)
{
	struct th_cmd_reply r = {};
	fill_loader_hdr(&r.hdr, TH_EV_CMD_REPLY, sizeof(r));
	r.seq = seq;
	r.status = status;
	r.text_len = strnlen(reply, sizeof(r.text) - 1);
	memcpy(r.text, reply, r.text_len);
	emit_record(&r, sizeof(r));

	fprintf(stderr, "{\"event\":\"cmd\",\"seq\":%llu,\"ok\":%s,\"status\":%d,\"text\":\"",
		(unsigned long long)seq, status ? "false" : "true", status);
	json_escape(stderr, reply, r.text_len);
	fprintf(stderr, "\"}\n");
}
