/* SPDX-License-Identifier: Apache-2.0 */
/* Privilege changes and container-escape primitives. */
#ifndef TH_PRIV_BPF_H
#define TH_PRIV_BPF_H

/* ---------------- set*id ---------------- */

static __always_inline void read_ids(__u32 *ids)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	const struct cred *c = BPF_CORE_READ(t, cred);
	ids[0] = BPF_CORE_READ(c, uid.val);
	ids[1] = BPF_CORE_READ(c, euid.val);
	ids[2] = BPF_CORE_READ(c, suid.val);
	ids[3] = BPF_CORE_READ(c, fsuid.val);
	ids[4] = BPF_CORE_READ(c, gid.val);
	ids[5] = BPF_CORE_READ(c, egid.val);
	ids[6] = BPF_CORE_READ(c, sgid.val);
	ids[7] = BPF_CORE_READ(c, fsgid.val);
}

static __always_inline bool ids_hook(struct th_sys_enter *ctx, struct pending *p)
{
	read_ids(p->aux32);
	return true;
}

static __always_inline int setid_event(long ret, struct pending *p, __u32 op, int nargs)
{
	struct th_setid *e = reserve(TH_EV_SETID, sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, TH_EV_SETID, sizeof(*e));
	e->ret = ret;
	e->op = op;
	for (int i = 0; i < 3; i++)
		e->args[i] = i < nargs ? (__u32)p->args[i] : 0xffffffff;
	__builtin_memcpy(e->old_ids, p->aux32, sizeof(e->old_ids));
	read_ids(e->new_ids);
	submit(e, TH_EV_SETID);
	return 0;
}

#define SETID(name, op, nargs)                                                \
	static __always_inline int h_##name(long ret, struct pending *p)      \
	{                                                                     \
		return setid_event(ret, p, op, nargs);                        \
	}                                                                     \
	TH_ENTER_HOOK(priv, name, nargs, ids_hook)                            \
	TH_EXIT(priv, name, h_##name)

SETID(setuid, TH_SETUID, 1)
SETID(setgid, TH_SETGID, 1)
SETID(setreuid, TH_SETREUID, 2)
SETID(setregid, TH_SETREGID, 2)
SETID(setresuid, TH_SETRESUID, 3)
SETID(setresgid, TH_SETRESGID, 3)
SETID(setfsuid, TH_SETFSUID, 1)
SETID(setfsgid, TH_SETFSGID, 1)

/* ---------------- capset / cap_capable ---------------- */

static __always_inline bool caps_hook(struct th_sys_enter *ctx, struct pending *p)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	const struct cred *c = BPF_CORE_READ(t, cred);
	p->aux[0] = BPF_CORE_READ(c, cap_effective.val);
	p->aux[1] = BPF_CORE_READ(c, cap_permitted.val);
	p->aux[2] = BPF_CORE_READ(c, cap_inheritable.val);
	return true;
}

static __always_inline int h_capset(long ret, struct pending *p)
{
	struct th_capset *e = reserve(TH_EV_CAPSET, sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, TH_EV_CAPSET, sizeof(*e));
	e->ret = ret;
	struct { __u32 version; int pid; } hdr = {};
	bpf_probe_read_user(&hdr, sizeof(hdr), (void *)p->args[0]);
	e->target_pid = hdr.pid;
	e->version = hdr.version;
	__u32 d[6] = {}; /* two struct __user_cap_data_struct {effective, permitted, inheritable} */
	if (p->args[1])
		bpf_probe_read_user(d, sizeof(d), (void *)p->args[1]);
	e->req_effective = d[0] | ((__u64)d[3] << 32);
	e->req_permitted = d[1] | ((__u64)d[4] << 32);
	e->req_inheritable = d[2] | ((__u64)d[5] << 32);
	e->old_effective = p->aux[0];
	e->old_permitted = p->aux[1];
	e->old_inheritable = p->aux[2];
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	const struct cred *c = BPF_CORE_READ(t, cred);
	e->new_effective = BPF_CORE_READ(c, cap_effective.val);
	e->new_permitted = BPF_CORE_READ(c, cap_permitted.val);
	e->new_inheritable = BPF_CORE_READ(c, cap_inheritable.val);
	submit(e, TH_EV_CAPSET);
	return 0;
}

TH_ENTER_HOOK(priv, capset, 2, caps_hook)
TH_EXIT(priv, capset, h_capset)

/* tp_btf rather than the tracepoint: the kernel checks capabilities often (every
 * private writable mmap checks CAP_SYS_ADMIN, ~20 per exec of a small program),
 * and a raw tracepoint calls the program with the arguments as they are, where
 * the tracepoint first copies them into a trace record for every check. */
SEC("tp_btf/cap_capable")
int BPF_PROG(th_priv_cap_capable, const struct cred *cred, struct user_namespace *target_ns,
	     const struct user_namespace *capable_ns, int cap, int ret)
{
	struct th_config *cfg = get_config();
	if (!cfg || cap < 0 || cap > 63 || !(cfg->cap_mask & (1ULL << cap)))
		return 0;
	if (skip_current())
		return 0;
	struct cap_rl_key k = { .tgid = bpf_get_current_pid_tgid() >> 32, .cap = cap };
	__u64 now = bpf_ktime_get_boot_ns();
	__u32 suppressed = 0;
	struct cap_rl_val *v = bpf_map_lookup_elem(&cap_rl, &k);
	if (v) {
		if (now - v->last_ns < cfg->cap_interval_ns) {
			__sync_fetch_and_add(&v->suppressed, 1);
			return 0;
		}
		suppressed = v->suppressed;
	}
	struct cap_rl_val nv = { .last_ns = now };
	bpf_map_update_elem(&cap_rl, &k, &nv, BPF_ANY);

	struct th_cap_check *e = reserve(TH_EV_CAP_CHECK, sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, TH_EV_CAP_CHECK, sizeof(*e));
	e->cap = cap;
	e->ret = ret;
	e->target_user_ns = target_ns ? target_ns->ns.inum : 0;
	e->suppressed = suppressed;
	submit(e, TH_EV_CAP_CHECK);
	return 0;
}

/* ---------------- ptrace ---------------- */

static __always_inline int h_ptrace(long ret, struct pending *p)
{
	__s64 req = p->args[0];
	struct th_config *cfg = get_config();
	bool want = false;
	if (req >= 0 && req < 64)
		want = cfg && (cfg->ptrace_req_mask & (1ULL << req));
	else if (req == 0x4206 /* SEIZE */ || req == 0x4205 /* SETREGSET */)
		want = true;
	if (!want)
		return 0;
	struct th_ptrace *e = reserve(TH_EV_PTRACE, sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, TH_EV_PTRACE, sizeof(*e));
	e->ret = ret;
	e->request = req;
	e->target_pid = p->args[1];
	e->_pad0 = 0;
	e->addr = p->args[2];
	submit(e, TH_EV_PTRACE);
	return 0;
}
TH_SYSCALL(priv, ptrace, h_ptrace)

/* ---------------- kernel modules ---------------- */

static __always_inline struct th_module *mod_begin(long ret, __u32 op)
{
	struct th_module *e = reserve(TH_EV_MODULE, sizeof(*e));
	if (!e)
		return NULL;
	__builtin_memset(e, 0, offsetof(struct th_module, name_buf));
	fill_hdr(&e->hdr, TH_EV_MODULE, sizeof(*e));
	e->ret = ret;
	e->op = op;
	e->fd = -1;
	return e;
}

static __always_inline int h_init_module(long ret, struct pending *p)
{
	struct th_module *e = mod_begin(ret, TH_MOD_INIT);
	if (!e)
		return 0;
	e->len = p->args[1];
	e->name.flags = TH_SF_ABSENT;
	read_user_str(e->args_buf, TH_PATH_MAX, (void *)p->args[2], &e->args);
	submit(e, TH_EV_MODULE);
	return 0;
}
static __always_inline int h_finit_module(long ret, struct pending *p)
{
	struct th_module *e = mod_begin(ret, TH_MOD_FINIT);
	if (!e)
		return 0;
	e->fd = (int)p->args[0];
	e->mod_flags = p->args[2];
	struct file *f = fd_file(e->fd);
	if (f)
		walk_file(f, e->name_buf, &e->name);
	else
		e->name.flags = TH_SF_FAULT;
	read_user_str(e->args_buf, TH_PATH_MAX, (void *)p->args[1], &e->args);
	submit(e, TH_EV_MODULE);
	return 0;
}
static __always_inline int h_delete_module(long ret, struct pending *p)
{
	struct th_module *e = mod_begin(ret, TH_MOD_DELETE);
	if (!e)
		return 0;
	e->mod_flags = p->args[1];
	read_user_str(e->name_buf, TH_PATH_MAX, (void *)p->args[0], &e->name);
	e->args.flags = TH_SF_ABSENT;
	submit(e, TH_EV_MODULE);
	return 0;
}
TH_SYSCALL(priv, init_module, h_init_module)
TH_SYSCALL(priv, finit_module, h_finit_module)
TH_SYSCALL(priv, delete_module, h_delete_module)

/* ---------------- mount ---------------- */

static __always_inline int h_mount(long ret, struct pending *p)
{
	struct th_mount *e = reserve(TH_EV_MOUNT, sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, offsetof(struct th_mount, source_buf));
	fill_hdr(&e->hdr, TH_EV_MOUNT, sizeof(*e));
	e->ret = ret;
	e->op = TH_MNT_MOUNT;
	e->mnt_flags = p->args[3];
	read_user_str(e->source_buf, TH_PATH_MAX, (void *)p->args[0], &e->source);
	read_user_str(e->target_buf, TH_PATH_MAX, (void *)p->args[1], &e->target);
	read_user_str(e->fstype_buf, TH_NAME_MAX, (void *)p->args[2], &e->fstype);
	submit(e, TH_EV_MOUNT);
	return 0;
}
static __always_inline int h_umount(long ret, struct pending *p)
{
	struct th_mount *e = reserve(TH_EV_MOUNT, sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, offsetof(struct th_mount, source_buf));
	fill_hdr(&e->hdr, TH_EV_MOUNT, sizeof(*e));
	e->ret = ret;
	e->op = TH_MNT_UMOUNT;
	e->mnt_flags = p->args[1];
	e->source.flags = TH_SF_ABSENT;
	e->fstype.flags = TH_SF_ABSENT;
	read_user_str(e->target_buf, TH_PATH_MAX, (void *)p->args[0], &e->target);
	submit(e, TH_EV_MOUNT);
	return 0;
}
TH_SYSCALL(priv, mount, h_mount)
TH_SYSCALL(priv, umount, h_umount)

/* ---------------- namespaces ---------------- */

static __always_inline void read_ns(__u32 *ns)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct nsproxy *np = BPF_CORE_READ(t, nsproxy);
	ns[TH_NSI_MNT] = BPF_CORE_READ(np, mnt_ns, ns.inum);
	ns[TH_NSI_UTS] = BPF_CORE_READ(np, uts_ns, ns.inum);
	ns[TH_NSI_IPC] = BPF_CORE_READ(np, ipc_ns, ns.inum);
	ns[TH_NSI_NET] = BPF_CORE_READ(np, net_ns, ns.inum);
	ns[TH_NSI_PID_CHILDREN] = BPF_CORE_READ(np, pid_ns_for_children, ns.inum);
	ns[TH_NSI_CGROUP] = BPF_CORE_READ(np, cgroup_ns, ns.inum);
	ns[TH_NSI_USER] = BPF_CORE_READ(t, cred, user_ns, ns.inum);
	ns[TH_NSI_TIME] = BPF_CORE_READ(np, time_ns, ns.inum);
}

static __always_inline bool ns_hook(struct th_sys_enter *ctx, struct pending *p)
{
	read_ns(p->aux32);
	return true;
}

static __always_inline int ns_event(long ret, struct pending *p, __u32 op)
{
	struct th_ns *e = reserve(TH_EV_NS, sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, TH_EV_NS, sizeof(*e));
	e->ret = ret;
	e->op = op;
	e->_pad0 = 0;
	if (op == TH_NS_UNSHARE) {
		e->fd = -1;
		e->ns_flags = p->args[0];
		e->target_ino = 0;
	} else {
		e->fd = (int)p->args[0];
		e->ns_flags = p->args[1];
		struct file *f = fd_file(e->fd);
		e->target_ino = f ? BPF_CORE_READ(f, f_inode, i_ino) : 0;
	}
	__builtin_memcpy(e->old_ns, p->aux32, sizeof(e->old_ns));
	read_ns(e->new_ns);
	submit(e, TH_EV_NS);
	return 0;
}
static __always_inline int h_unshare(long ret, struct pending *p)
{
	return ns_event(ret, p, TH_NS_UNSHARE);
}
static __always_inline int h_setns(long ret, struct pending *p)
{
	return ns_event(ret, p, TH_NS_SETNS);
}
TH_ENTER_HOOK(priv, unshare, 1, ns_hook)
TH_EXIT(priv, unshare, h_unshare)
TH_ENTER_HOOK(priv, setns, 2, ns_hook)
TH_EXIT(priv, setns, h_setns)

/* ---------------- memfd_create ---------------- */

static __always_inline int h_memfd(long ret, struct pending *p)
{
	struct th_memfd *e = reserve(TH_EV_MEMFD, sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, TH_EV_MEMFD, sizeof(*e));
	e->ret = ret;
	e->mfd_flags = p->args[1];
	read_user_str(e->name_buf, TH_PATH_MAX, (void *)p->args[0], &e->name);
	submit(e, TH_EV_MEMFD);
	return 0;
}
TH_SYSCALL(priv, memfd_create, h_memfd)

/* ---------------- dup2/dup3 of a socket onto stdio ---------------- */

static __always_inline bool dup_hook(struct th_sys_enter *ctx, struct pending *p)
{
	return ctx->args[1] <= 2; /* newfd */
}

static __always_inline int h_dup(long ret, struct pending *p)
{
	__u32 newfd = p->args[1];
	if (ret < 0 || newfd > 2)
		return 0;
	struct sock *sk = file_sock(fd_file(newfd));
	if (!sk)
		return 0;
	struct th_dup_socket *e = reserve(TH_EV_DUP_SOCKET, sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, TH_EV_DUP_SOCKET, sizeof(*e));
	e->ret = ret;
	e->oldfd = p->args[0];
	e->newfd = newfd;
	e->dup_flags = p->nr == 292 ? (__u32)p->args[2] : 0;
	e->syscall_nr = p->nr;
	fill_sockinfo(&e->sk, sk);
	submit(e, TH_EV_DUP_SOCKET);
	return 0;
}
TH_ENTER_HOOK(priv, dup2, 2, dup_hook)
TH_EXIT(priv, dup2, h_dup)
TH_ENTER_HOOK(priv, dup3, 3, dup_hook)
TH_EXIT(priv, dup3, h_dup)

/* ---------------- bpf() ---------------- */

static __always_inline bool bpf_hook(struct th_sys_enter *ctx, struct pending *p)
{
	__u64 cmd = ctx->args[0];
	struct th_config *cfg = get_config();
	return cfg && cmd < 64 && (cfg->bpf_cmd_mask & (1ULL << cmd));
}

static __always_inline int h_bpf(long ret, struct pending *p)
{
	struct th_bpf *e = reserve(TH_EV_BPF, sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, TH_EV_BPF, sizeof(*e));
	e->ret = ret;
	e->cmd = p->args[0];
	e->attr_type = 0;
	__builtin_memset(e->name, 0, sizeof(e->name));
	const void *attr = (const void *)p->args[1];
	if (e->cmd == 0 /* BPF_MAP_CREATE */) {
		bpf_probe_read_user(&e->attr_type, 4, attr);
		bpf_probe_read_user(e->name, 16, attr + 28);
	} else if (e->cmd == 5 /* BPF_PROG_LOAD */) {
		bpf_probe_read_user(&e->attr_type, 4, attr);
		bpf_probe_read_user(e->name, 16, attr + 48);
	}
	submit(e, TH_EV_BPF);
	return 0;
}
TH_ENTER_HOOK(priv, bpf, 3, bpf_hook)
TH_EXIT(priv, bpf, h_bpf)

#endif
