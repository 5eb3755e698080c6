/* SPDX-License-Identifier: Apache-2.0 */
/* Maps, filters, header filling, path walking and socket helpers shared by
 * every Tracehound BPF program. Included once, by tracehound.bpf.c. */
#ifndef TH_COMMON_BPF_H
#define TH_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "events.h"

#define AT_FDCWD -100
#define S_IFMT 00170000
#define S_IFSOCK 0140000
#define S_ISUID 04000
#define S_ISGID 02000
#define PF_KTHREAD 0x00200000
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define AF_PACKET 17
#define SOCK_RAW 3
#define IPPROTO_TCP 6
#define TCP_SYN_SENT 2

char LICENSE[] SEC("license") = "GPL";

/* ---------------- maps ---------------- */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20); /* the loader overrides with --ringbuf-size */
} events SEC(".maps");

/* [type] = emitted, [TH_EV_KERNEL_MAX + type] = dropped (ring buffer full) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2 * TH_EV_KERNEL_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct th_config);
} th_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u8);
} ignore_pids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, char[TH_COMM_LEN]);
	__type(value, __u8);
} comm_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u8);
} cgroup_filter SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 512);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct th_prefix_key);
	__type(value, __u32); /* enum th_match bits; 0 = exclusion */
} prefixes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct th_name_key);
	__type(value, __u32);
} basenames SEC(".maps");

/* syscall arguments saved at sys_enter, consumed at sys_exit (by tid) */
struct pending {
	__u64 args[6];
	__u64 aux[3];
	__u32 aux32[8];
	__u32 nr;
	__u32 _pad;
};

/* nr of a slot that holds nothing (consumed, or its enter hook declined) */
#define TH_NO_PENDING 0xffffffffu

/* One slot per thread in the task's own local storage: a get is a pointer
 * lookup on the task, with no hashing, LRU lists or per-syscall deletes (a
 * hash map keyed by tid cost an update, a lookup and a delete per syscall).
 * The slot goes away with the thread. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pending);
} pending SEC(".maps");

static __always_inline struct pending *pending_slot(bool create)
{
	return bpf_task_storage_get(&pending, bpf_get_current_task_btf(), 0,
				    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

struct cap_rl_key { __u32 tgid; __u32 cap; };
struct cap_rl_val { __u64 last_ns; __u32 suppressed; __u32 _pad; };

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct cap_rl_key);
	__type(value, struct cap_rl_val);
} cap_rl SEC(".maps");

/* per-CPU scratch space: the BPF stack is only 512 bytes */
struct scratch {
	char walk[512];  /* dentry walk, written backwards into [0,256) */
	char p1[512];    /* first path */
	char p2[512];    /* second path */
	char base[512];  /* directory of a relative path */
	char comp[512];  /* base + "/" + relative */
	struct th_prefix_key key;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

static __always_inline struct scratch *get_scratch(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&scratch_map, &zero);
}

static __always_inline struct th_config *get_config(void)
{
	__u32 zero = 0;
	return bpf_map_lookup_elem(&th_config, &zero);
}

/* ---------------- counters and emission ---------------- */

static __always_inline void count(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &idx);
	if (v)
		*v += 1;
}

static __always_inline void *reserve(__u32 type, __u64 size)
{
	void *e = bpf_ringbuf_reserve(&events, size, 0);
	if (!e)
		count(TH_EV_KERNEL_MAX + (type & (TH_EV_KERNEL_MAX - 1)));
	return e;
}

/* Batched wakeups: the consumer is woken only when wakeup_bytes are pending;
 * otherwise its poll timeout (--poll-ms) drains the ring. One wakeup per
 * record costs a context switch per event. */
static __always_inline void submit(void *e, __u32 type)
{
	__u32 zero = 0;
	struct th_config *cfg = bpf_map_lookup_elem(&th_config, &zero);
	__u64 thr = cfg ? cfg->wakeup_bytes : 0;
	__u64 flags = 0;
	if (thr)
		flags = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= thr ? BPF_RB_FORCE_WAKEUP
									     : BPF_RB_NO_WAKEUP;
	bpf_ringbuf_submit(e, flags);
	count(type & (TH_EV_KERNEL_MAX - 1));
}

/* ---------------- filters ---------------- */

/* true when the current task must not be reported (ignored pid, comm or
 * cgroup filter). Cheap when no comm/cgroup filter is configured. */
static __always_inline bool skip_current(void)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	if (bpf_map_lookup_elem(&ignore_pids, &tgid))
		return true;
	struct th_config *cfg = get_config();
	if (!cfg)
		return false;
	if (cfg->comm_filter_active) {
		char comm[TH_COMM_LEN] = {};
		bpf_get_current_comm(comm, sizeof(comm));
		__u8 *v = bpf_map_lookup_elem(&comm_filter, comm);
		if (v && *v == TH_FILTER_DENY)
			return true;
		if (cfg->comm_allow_count && !(v && *v == TH_FILTER_ALLOW))
			return true;
	}
	if (cfg->cgroup_filter_active) {
		/* nearest (deepest) listed cgroup decides */
		__u8 verdict = 0;
		for (int lvl = 0; lvl < 16; lvl++) {
			__u64 id = bpf_get_current_ancestor_cgroup_id(lvl);
			if (!id)
				break;
			__u8 *v = bpf_map_lookup_elem(&cgroup_filter, &id);
			if (v)
				verdict = *v;
		}
		if (verdict == TH_FILTER_DENY)
			return true;
		if (cfg->cgroup_allow_count && verdict != TH_FILTER_ALLOW)
			return true;
	}
	return false;
}

/* ---------------- header ---------------- */

/* The header reads the current task through its BTF pointer: each field is
 * one load the JIT guards against faults (a NULL or freed pointer reads as
 * 0, as a failed bpf_probe_read_kernel would), instead of a helper call per
 * field. */
static __always_inline __u32 pidns_inum(struct task_struct *t)
{
	struct pid *p = t->thread_pid;
	unsigned int level = p->level;
	struct upid up = {};
	/* numbers[level]: a variable index, which direct loads do not allow */
	bpf_probe_read_kernel(&up, sizeof(up), (void *)p +
			      bpf_core_field_offset(struct pid, numbers) +
			      (level & 31) * bpf_core_type_size(struct upid));
	return BPF_CORE_READ(up.ns, ns.inum);
}

static __always_inline void fill_hdr(struct th_hdr *h, __u32 type, __u32 size)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u64 pt = bpf_get_current_pid_tgid();
	const struct cred *c = t->cred;
	struct nsproxy *ns = t->nsproxy;
	__u32 flags = 0;

	h->type = type;
	h->size = size;
	h->ts_ns = bpf_ktime_get_boot_ns();
	h->pid = pt >> 32;
	h->tid = (__u32)pt;
	h->ppid = t->real_parent->tgid;
	h->uid = c->uid.val;
	h->gid = c->gid.val;
	h->euid = c->euid.val;
	h->egid = c->egid.val;
	if (bpf_core_field_exists(t->loginuid)) {
		h->loginuid = t->loginuid.val;
		if (h->loginuid == (__u32)-1)
			flags |= TH_HF_LOGINUID_UNSET;
	} else {
		h->loginuid = (__u32)-1;
		flags |= TH_HF_NO_LOGINUID | TH_HF_LOGINUID_UNSET;
	}
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->mnt_ns = ns ? ns->mnt_ns->ns.inum : 0;
	h->net_ns = ns ? ns->net_ns->ns.inum : 0;
	h->user_ns = c->user_ns->ns.inum;
	h->pid_ns = pidns_inum(t);
	if (t->flags & PF_KTHREAD)
		flags |= TH_HF_KTHREAD;
	h->flags = flags;
	h->cpu = bpf_get_smp_processor_id();
	h->start_ns = t->group_leader->start_boottime;
	__builtin_memset(h->comm, 0, sizeof(h->comm));
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

/* ---------------- strings ---------------- */

/* Read a user string into a TH_PATH_MAX-sized buffer; sets desc. */
static __always_inline __u32 read_user_str(char *dst, __u32 max, const void *src, struct th_str *d)
{
	d->len = 0;
	d->flags = 0;
	if (!src) {
		d->flags = TH_SF_ABSENT;
		return 0;
	}
	long n = bpf_probe_read_user_str(dst, max, src);
	if (n <= 0) {
		d->flags = TH_SF_FAULT;
		dst[0] = 0;
		return 0;
	}
	d->len = n - 1;
	if (n >= max)
		d->flags = TH_SF_TRUNCATED;
	return n - 1;
}

/* Rebuild the path of (dentry, vfsmount) up to the mount namespace root.
 * Writes at most TH_PATH_MAX bytes into out (the result is NUL-free; len in
 * d). When too long, the leading part is dropped (TRUNCATED); when deeper
 * than the walk bound, PARTIAL. */
#define TH_WALK_DEPTH 30

/* bpf_loop callback state (the walk position; pointers are viewed through TH_VIEW) */
struct walk_ctx {
	struct dentry *dentry;
	struct mount *mnt;
	struct dentry *mnt_root;
	int off;
	__u16 fl;
};

/* A read-only BTF view of a kernel pointer: its fields are then direct loads
 * (fault-guarded by the JIT) instead of one bpf_probe_read_kernel each. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;
#define TH_VIEW(type, ptr) ((type *)bpf_rdonly_cast((ptr), bpf_core_type_id_kernel(type)))

static long walk_step(__u32 i, struct walk_ctx *c)
{
	struct scratch *sc = get_scratch();
	if (!sc)
		return 1;
	struct dentry *dentry = TH_VIEW(struct dentry, c->dentry);
	if (c->dentry == c->mnt_root) {
		struct mount *mnt = TH_VIEW(struct mount, c->mnt);
		struct mount *parent = mnt->mnt_parent;
		if (parent == c->mnt || !parent) {
			c->fl = 0;
			return 1;
		}
		c->dentry = mnt->mnt_mountpoint;
		c->mnt = parent;
		c->mnt_root = TH_VIEW(struct mount, parent)->mnt.mnt_root;
		return 0;
	}
	struct dentry *parent = dentry->d_parent;
	__u32 len = dentry->d_name.len & 255;
	const unsigned char *name = dentry->d_name.name;
	int off = c->off;
	if ((int)len + 1 > off || off > 256) {
		c->fl = TH_SF_TRUNCATED;
		return 1;
	}
	off -= len;
	bpf_probe_read_kernel(&sc->walk[off & 255], len, name);
	off -= 1;
	sc->walk[off & 255] = '/';
	c->off = off;
	if (parent == c->dentry || !parent) {
		/* root of an unmounted pseudo filesystem: memfd, pipe, socket, anon */
		c->fl = 0;
		return 1;
	}
	c->dentry = parent;
	return 0;
}

/* Rebuild the path of (dentry, vfsmount) up to the root of the task's mount
 * namespace. Writes TH_PATH_MAX bytes into out (result is NUL-free; length
 * in d). When too long, the leading part is dropped (TRUNCATED); when deeper
 * than the walk bound, PARTIAL. */
static __noinline __u32 walk_path(struct dentry *dentry, struct vfsmount *vfsmnt, char *out,
				  struct th_str *d)
{
	struct scratch *sc = get_scratch();
	if (!sc || !dentry || !vfsmnt) {
		d->len = 0;
		d->flags = TH_SF_FAULT;
		return 0;
	}
	struct walk_ctx c = {
		.dentry = dentry,
		.mnt = container_of(vfsmnt, struct mount, mnt),
		.mnt_root = BPF_CORE_READ(vfsmnt, mnt_root),
		.off = 256,
		.fl = TH_SF_PARTIAL,
	};
	bpf_loop(TH_WALK_DEPTH, walk_step, &c, 0);
	int off = c.off;
	if (off >= 256 || off < 0) {
		off = 255;
		sc->walk[255] = '/';
	}
	__u32 len = 256 - off;
	bpf_probe_read_kernel(out, TH_PATH_MAX, &sc->walk[off & 255]);
	d->len = len > TH_PATH_MAX ? TH_PATH_MAX : len;
	d->flags = c.fl;
	return d->len;
}

static __always_inline __u32 walk_file(struct file *f, char *out, struct th_str *d)
{
	struct dentry *de = BPF_CORE_READ(f, f_path.dentry);
	struct vfsmount *mnt = BPF_CORE_READ(f, f_path.mnt);
	return walk_path(de, mnt, out, d);
}

/* ---------------- files and sockets ---------------- */

static __always_inline struct file *fd_file(int fd)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(t, files, fdt);
	unsigned int max = BPF_CORE_READ(fdt, max_fds);
	if (fd < 0 || (unsigned int)fd >= max)
		return NULL;
	struct file **arr = BPF_CORE_READ(fdt, fd);
	struct file *f = NULL;
	bpf_probe_read_kernel(&f, sizeof(f), &arr[fd]);
	return f;
}

static __always_inline struct sock *file_sock(struct file *f)
{
	if (!f)
		return NULL;
	__u32 mode = BPF_CORE_READ(f, f_inode, i_mode);
	if ((mode & S_IFMT) != S_IFSOCK)
		return NULL;
	struct socket *so = BPF_CORE_READ(f, private_data);
	return BPF_CORE_READ(so, sk);
}

static __always_inline void fill_sockinfo(struct th_sockinfo *si, struct sock *sk)
{
	__builtin_memset(si, 0, sizeof(*si));
	if (!sk)
		return;
	si->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	si->protocol = BPF_CORE_READ(sk, sk_protocol);
	si->type = BPF_CORE_READ(sk, sk_type);
	si->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	si->sport = BPF_CORE_READ(sk, __sk_common.skc_num);
	si->dport = __builtin_bswap16(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (si->family == AF_INET) {
		bpf_core_read(si->saddr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(si->daddr, 4, &sk->__sk_common.skc_daddr);
	} else if (si->family == AF_INET6) {
		bpf_core_read(si->saddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(si->daddr, 16, &sk->__sk_common.skc_v6_daddr);
	}
}

/* ---------------- path classification ---------------- */

/* Returns enum th_match bits for an absolute path in buf (512 bytes). */
static __always_inline __u32 classify_path(const char *buf, __u32 len, struct scratch *sc)
{
	__u32 m = 0;
	if (len == 0)
		return 0;
	struct th_prefix_key *k = &sc->key;
	__u32 kl = len > TH_PREFIX_MAX ? TH_PREFIX_MAX : len;
	k->prefixlen = kl * 8;
	bpf_probe_read_kernel(k->data, TH_PREFIX_MAX, buf);
	__u32 *v = bpf_map_lookup_elem(&prefixes, k);
	if (v)
		m = *v;

	/* basename table (shell histories, authorized_keys, ...) */
	int slash = -1;
	for (int i = 0; i < TH_BASENAME_MAX; i++) {
		int idx = (int)len - 1 - i;
		if (idx < 0)
			break;
		if (buf[idx & 511] == '/') {
			slash = idx;
			break;
		}
	}
	if (slash >= 0) {
		__u32 bl = len - (slash + 1);
		if (bl > 0 && bl < TH_BASENAME_MAX) {
			struct th_name_key nk = {};
			__u64 sz = bl;
			barrier_var(sz); /* keep the mask: the verifier needs sz >= 0 */
			sz &= TH_BASENAME_MAX - 1;
			bpf_probe_read_kernel(nk.name, sz, &buf[(slash + 1) & 255]);
			__u32 *nv = bpf_map_lookup_elem(&basenames, &nk);
			if (nv && *nv)
				m |= *nv | TH_M_NAME;
		}
	}

	/* /proc/<x>/mem */
	if (len >= 10 && buf[0] == '/' && buf[1] == 'p' && buf[2] == 'r' && buf[3] == 'o' &&
	    buf[4] == 'c' && buf[5] == '/' && buf[(len - 4) & 511] == '/' &&
	    buf[(len - 3) & 511] == 'm' && buf[(len - 2) & 511] == 'e' && buf[(len - 1) & 511] == 'm')
		m |= TH_M_PROC_MEM;
	return m;
}

/* If buf (len bytes) holds a relative path, prefix it with the path of dirfd
 * (or the cwd for AT_FDCWD). Returns the new length; sets *resolved. */
static __always_inline __u32 make_absolute(char *buf, __u32 len, int dirfd, struct scratch *sc,
					   struct th_str *d, __u32 *resolved)
{
	if (len == 0 || buf[0] == '/')
		return len;
	struct th_str bd = {};
	__u32 bl;
	if (dirfd == AT_FDCWD) {
		struct task_struct *t = (struct task_struct *)bpf_get_current_task();
		struct dentry *de = BPF_CORE_READ(t, fs, pwd.dentry);
		struct vfsmount *mnt = BPF_CORE_READ(t, fs, pwd.mnt);
		bl = walk_path(de, mnt, sc->base, &bd);
	} else {
		struct file *f = fd_file(dirfd);
		if (!f)
			return len;
		bl = walk_file(f, sc->base, &bd);
	}
	if (bl == 0 || bl >= TH_PATH_MAX - 1)
		return len;
	bpf_probe_read_kernel(sc->comp, TH_PATH_MAX, sc->base);
	if (!(bl == 1 && sc->comp[0] == '/')) {
		sc->comp[bl & 255] = '/';
		bl++;
	}
	bpf_probe_read_kernel(&sc->comp[bl & 255], TH_PATH_MAX, buf);
	__u32 total = bl + len;
	if (total >= TH_PATH_MAX) {
		total = TH_PATH_MAX - 1;
		d->flags |= TH_SF_TRUNCATED;
	}
	sc->comp[total & 511] = 0;
	bpf_probe_read_kernel(buf, TH_PATH_MAX, sc->comp);
	d->flags |= bd.flags & TH_SF_PARTIAL;
	d->len = total;
	*resolved = 1;
	return total;
}

/* ---------------- syscall enter/exit pairing ---------------- */

/* Layout of syscalls:sys_enter_* records (no CO-RE: a tracepoint format is
 * ABI, and reading the 4-byte nr as a long would overrun 0-argument records). */
struct th_sys_enter {
	__u64 common;
	int nr;
	int _pad;
	unsigned long args[6];
};

/* Only the syscall's own nargs may be read: attaching fails (EACCES) when a
 * program reads past the tracepoint's record. The hook fills the slot's aux
 * fields in place and returns false to leave it empty. */
#define TH_SAVE_PENDING(ctx, nargs, hook)                                              \
	do {                                                                           \
		struct pending *p = pending_slot(true);                                \
		if (!p)                                                                \
			return 0;                                                      \
		__builtin_memset(p, 0, sizeof(*p));                                    \
		p->nr = TH_NO_PENDING;                                                 \
		if (!hook(ctx, p))                                                     \
			return 0;                                                      \
		if (nargs > 0) p->args[0] = ctx->args[0];                              \
		if (nargs > 1) p->args[1] = ctx->args[1];                              \
		if (nargs > 2) p->args[2] = ctx->args[2];                              \
		if (nargs > 3) p->args[3] = ctx->args[3];                              \
		if (nargs > 4) p->args[4] = ctx->args[4];                              \
		if (nargs > 5) p->args[5] = ctx->args[5];                              \
		p->nr = (__u32)ctx->nr;                                                \
	} while (0)

/* Takes (empties) the current thread's saved syscall; true when it holds
 * syscall nr's arguments. */
static __always_inline bool take_pending_nr(__u32 nr, struct pending *out)
{
	struct pending *p = pending_slot(false);
	if (!p || p->nr == TH_NO_PENDING)
		return false;
	__builtin_memcpy(out, p, sizeof(*out));
	p->nr = TH_NO_PENDING;
	return out->nr == nr;
}

static __always_inline bool take_pending(struct trace_event_raw_sys_exit *ctx, struct pending *out)
{
	return take_pending_nr((__u32)ctx->id, out);
}

/* An enter program whose hook(ctx, p) fills aux fields; hook returns false to skip. */
#define TH_ENTER_HOOK(group, name, nargs, hook)                                             \
	SEC("tracepoint/syscalls/sys_enter_" #name)                                    \
	int th_##group##_in_##name(struct th_sys_enter *ctx)              \
	{                                                                              \
		if (skip_current())                                                    \
			return 0;                                                      \
		TH_SAVE_PENDING(ctx, nargs, hook);                                     \
		return 0;                                                              \
	}

/* The arguments of the current thread's syscall as the kernel saw them: its
 * saved user registers (x86_64: orig_ax = nr; di, si, dx, r10, r8, r9), which
 * the syscall tracepoints leave untouched until the return to user space. */
static __always_inline void regs_args(struct pending *p)
{
	struct pt_regs *r = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	p->nr = (__u32)r->orig_ax;
	p->args[0] = r->di;
	p->args[1] = r->si;
	p->args[2] = r->dx;
	p->args[3] = r->r10;
	p->args[4] = r->r8;
	p->args[5] = r->r9;
}

/* A syscall that needs no state from before it ran: one exit program reads the
 * arguments from the saved registers (no enter program, no per-thread slot). */
#define TH_SYSCALL(group, name, handler)                                               \
	SEC("tracepoint/syscalls/sys_exit_" #name)                                     \
	int th_##group##_out_##name(struct trace_event_raw_sys_exit *ctx)              \
	{                                                                              \
		if (skip_current())                                                    \
			return 0;                                                      \
		struct pending p = {};                                                 \
		regs_args(&p);                                                         \
		if (p.nr != (__u32)ctx->id)                                            \
			return 0;                                                      \
		return handler(ctx->ret, &p);                                          \
	}

/* An exit program calling handler(ret, &pending). */
#define TH_EXIT(group, name, handler)                                                  \
	SEC("tracepoint/syscalls/sys_exit_" #name)                                     \
	int th_##group##_out_##name(struct trace_event_raw_sys_exit *ctx)              \
	{                                                                              \
		struct pending p;                                                      \
		if (!take_pending(ctx, &p))                                            \
			return 0;                                                      \
		return handler(ctx->ret, &p);                                          \
	}

#endif
