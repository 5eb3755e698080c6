/* SPDX-License-Identifier: Apache-2.0 */
/* Process lifecycle: exec, exit, fork (with clone flags). */
#ifndef TH_PROCESS_BPF_H
#define TH_PROCESS_BPF_H

#define CLONE_VM 0x00000100
#define CLONE_VFORK 0x00004000
#define SIGCHLD 17
#define NR_clone 56
#define NR_fork 57
#define NR_vfork 58
#define NR_clone3 435

static __always_inline bool has_prefix(const char *s, const char *p, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] != p[i])
			return false;
	return true;
}

/* The tp_btf arguments and the current task are BTF pointers: fields are read
 * with direct loads (fault-guarded by the JIT) rather than a helper call each. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(th_proc_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	if (skip_current())
		return 0;
	struct th_exec *e = reserve(TH_EV_EXEC, sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, offsetof(struct th_exec, filename_buf));
	fill_hdr(&e->hdr, TH_EV_EXEC, sizeof(*e));
	e->old_pid = old_pid;
	e->argc = bprm->argc;

	/* filename as given to execve */
	const char *fn = bprm->filename;
	long n = bpf_probe_read_kernel_str(e->filename_buf, TH_PATH_MAX, fn);
	if (n > 0) {
		e->filename.len = n - 1;
		if (n >= TH_PATH_MAX)
			e->filename.flags = TH_SF_TRUNCATED;
		if (has_prefix(e->filename_buf, "/dev/fd/", 8) ||
		    has_prefix(e->filename_buf, "/proc/self/fd/", 14))
			e->exec_flags |= TH_EXF_FD_PATH;
	} else {
		e->filename.flags = TH_SF_FAULT;
	}

	/* argv from the new mm: arg_start..arg_end, NUL separated */
	struct mm_struct *mm = p->mm;
	unsigned long as = mm->arg_start;
	unsigned long ae = mm->arg_end;
	unsigned long alen = ae > as ? ae - as : 0;
	if (alen > TH_ARGV_MAX) {
		alen = TH_ARGV_MAX;
		e->argv.flags = TH_SF_TRUNCATED;
	}
	if (alen && bpf_probe_read_user(e->argv_buf, alen, (void *)as) == 0) {
		e->argv.len = alen;
	} else if (alen) {
		e->argv.flags |= TH_SF_FAULT;
	}

	/* executable file */
	struct file *f = bprm->file;
	walk_file(f, e->exe_buf, &e->exe);
	struct inode *ino = f->f_inode;
	e->exe_ino = ino->i_ino;
	e->exe_mode = ino->i_mode;
	e->exe_dev = ino->i_sb->s_dev;
	if (e->exe_mode & S_ISUID)
		e->exec_flags |= TH_EXF_SETUID_FILE;
	if (e->exe_mode & S_ISGID)
		e->exec_flags |= TH_EXF_SETGID_FILE;
	if (ino->__i_nlink == 0)
		e->exec_flags |= TH_EXF_DELETED;
	char dn[8] = {};
	bpf_probe_read_kernel(dn, 6, f->f_path.dentry->d_name.name);
	if (has_prefix(dn, "memfd:", 6))
		e->exec_flags |= TH_EXF_MEMFD;

	/* cwd */
	struct dentry *cd = p->fs->pwd.dentry;
	struct vfsmount *cm = p->fs->pwd.mnt;
	walk_path(cd, cm, e->cwd_buf, &e->cwd);

	/* controlling tty */
	struct tty_struct *tty = p->signal->tty;
	if (tty) {
		e->exec_flags |= TH_EXF_HAS_TTY;
		BPF_CORE_READ_STR_INTO(&e->tty, tty, name);
		int major = tty->driver->major;
		int minor = tty->driver->minor_start + tty->index;
		e->tty_major = major;
		e->tty_minor = minor;
	}
	submit(e, TH_EV_EXEC);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(th_proc_exit, struct task_struct *p)
{
	struct task_struct *t = bpf_get_current_task_btf();
	/* only when the last thread of the group leaves */
	if (t->signal->live.counter != 0)
		return 0;
	if (skip_current())
		return 0;
	struct th_exit *e = reserve(TH_EV_EXIT, sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, TH_EV_EXIT, sizeof(*e));
	__u32 code = t->exit_code;
	e->exit_code = code;
	e->status = (code >> 8) & 0xff;
	e->signo = code & 0x7f;
	e->core_dumped = (code & 0x80) ? 1 : 0;
	submit(e, TH_EV_EXIT);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(th_proc_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 cpid = child->pid;
	__u32 ctgid = child->tgid;
	if (cpid != ctgid) /* a new thread, not a new process */
		return 0;
	if (skip_current())
		return 0;
	struct th_fork *e = reserve(TH_EV_FORK, sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, TH_EV_FORK, sizeof(*e));
	e->child_pid = ctgid;
	e->child_tid = cpid;
	e->child_start_ns = child->start_boottime;
	e->clone_flags = 0;
	e->_pad0 = 0;
	/* the fork/vfork/clone/clone3 that made the child, from the parent's saved registers */
	struct pending pd = {};
	regs_args(&pd);
	e->fork_flags = TH_FKF_CLONE_FLAGS_KNOWN;
	if (pd.nr == NR_clone)
		e->clone_flags = pd.args[0];
	else if (pd.nr == NR_clone3) /* clone_args.flags, just copied in by the kernel */
		bpf_probe_read_user(&e->clone_flags, sizeof(e->clone_flags), (void *)pd.args[0]);
	else if (pd.nr == NR_fork)
		e->clone_flags = SIGCHLD;
	else if (pd.nr == NR_vfork)
		e->clone_flags = CLONE_VM | CLONE_VFORK | SIGCHLD;
	else
		e->fork_flags = 0;
	submit(e, TH_EV_FORK);
	return 0;
}

#endif
