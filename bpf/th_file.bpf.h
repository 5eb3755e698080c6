/* SPDX-License-Identifier: Apache-2.0 */
/* File activity: open/creat/openat/openat2, unlink, rename, chmod, link,
 * symlink. Filtered in the kernel by the `prefixes` LPM trie and the
 * `basenames` table (enum th_match bits), see classify_path(). */
#ifndef TH_FILE_BPF_H
#define TH_FILE_BPF_H

#define O_CREAT_TRUNC_WRONLY (01 | 0100 | 01000)

/* Read path 1 (and 2) from user memory, make them absolute, classify them
 * with `want` (TH_M_READ or TH_M_WRITE) and emit if anything matched. */
static __always_inline int file_event(__u32 type, __s64 ret, __u32 nr, int dirfd, const void *u1,
				      int dirfd2, const void *u2, __u32 flags, __u32 mode,
				      __u32 want, __u32 always)
{
	struct scratch *sc = get_scratch();
	if (!sc)
		return 0;
	struct th_str d1 = {}, d2 = {};
	__u32 resolved = 0;
	__u32 l1 = read_user_str(sc->p1, TH_PATH_MAX, u1, &d1);
	l1 = make_absolute(sc->p1, l1, dirfd, sc, &d1, &resolved);
	__u32 m = classify_path(sc->p1, l1, sc);
	__u32 l2 = 0;
	if (u2) {
		__u32 r2 = 0;
		l2 = read_user_str(sc->p2, TH_PATH_MAX, u2, &d2);
		if (dirfd2 != 0x7fffffff)
			l2 = make_absolute(sc->p2, l2, dirfd2, sc, &d2, &r2);
		resolved |= r2;
		m |= classify_path(sc->p2, l2, sc);
	} else {
		d2.flags = TH_SF_ABSENT;
	}
	__u32 hit = (m & want) | (m & TH_M_PROC_MEM) | always;
	if (!hit)
		return 0;

	struct th_file *e = reserve(type, sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, offsetof(struct th_file, path_buf));
	fill_hdr(&e->hdr, type, sizeof(*e));
	e->ret = ret;
	e->syscall_nr = nr;
	e->flags = flags;
	e->mode = mode;
	e->dirfd = dirfd;
	e->match = hit | (m & TH_M_NAME);
	e->file_flags = resolved ? TH_FF_PATH_FROM_FD : 0;
	e->path = d1;
	e->path2 = d2;
	bpf_probe_read_kernel(e->path_buf, TH_PATH_MAX, sc->p1);
	if (u2)
		bpf_probe_read_kernel(e->path2_buf, TH_PATH_MAX, sc->p2);
	if (type == TH_EV_FILE_OPEN && ret >= 0) {
		struct file *f = fd_file((int)ret);
		if (f) {
			e->ino = BPF_CORE_READ(f, f_inode, i_ino);
			e->i_mode = BPF_CORE_READ(f, f_inode, i_mode);
		}
	}
	submit(e, type);
	return 0;
}

static __always_inline __u32 open_class(__u32 flags)
{
	struct th_config *cfg = get_config();
	__u32 wf = cfg ? cfg->open_write_flags : O_CREAT_TRUNC_WRONLY | 02;
	return (flags & wf) ? TH_M_WRITE : TH_M_READ;
}

#define A(i) ((const void *)p->args[i])

static __always_inline int h_open(long ret, struct pending *p)
{
	__u32 fl = p->args[1];
	return file_event(TH_EV_FILE_OPEN, ret, p->nr, AT_FDCWD, A(0), 0, NULL, fl, p->args[2],
			  open_class(fl), 0);
}
static __always_inline int h_creat(long ret, struct pending *p)
{
	__u32 fl = O_CREAT_TRUNC_WRONLY;
	return file_event(TH_EV_FILE_OPEN, ret, p->nr, AT_FDCWD, A(0), 0, NULL, fl, p->args[1],
			  TH_M_WRITE, 0);
}
static __always_inline int h_openat(long ret, struct pending *p)
{
	__u32 fl = p->args[2];
	return file_event(TH_EV_FILE_OPEN, ret, p->nr, (int)p->args[0], A(1), 0, NULL, fl,
			  p->args[3], open_class(fl), 0);
}
static __always_inline int h_openat2(long ret, struct pending *p)
{
	struct open_how how = {};
	bpf_probe_read_user(&how, sizeof(how), A(2));
	return file_event(TH_EV_FILE_OPEN, ret, p->nr, (int)p->args[0], A(1), 0, NULL,
			  (__u32)how.flags, (__u32)how.mode, open_class((__u32)how.flags), 0);
}
static __always_inline int h_unlink(long ret, struct pending *p)
{
	return file_event(TH_EV_FILE_UNLINK, ret, p->nr, AT_FDCWD, A(0), 0, NULL, 0, 0,
			  TH_M_WRITE, 0);
}
static __always_inline int h_unlinkat(long ret, struct pending *p)
{
	return file_event(TH_EV_FILE_UNLINK, ret, p->nr, (int)p->args[0], A(1), 0, NULL,
			  p->args[2], 0, TH_M_WRITE, 0);
}
static __always_inline int h_rename(long ret, struct pending *p)
{
	return file_event(TH_EV_FILE_RENAME, ret, p->nr, AT_FDCWD, A(0), AT_FDCWD, A(1), 0, 0,
			  TH_M_WRITE, 0);
}
static __always_inline int h_renameat(long ret, struct pending *p)
{
	return file_event(TH_EV_FILE_RENAME, ret, p->nr, (int)p->args[0], A(1), (int)p->args[2],
			  A(3), 0, 0, TH_M_WRITE, 0);
}
static __always_inline int h_renameat2(long ret, struct pending *p)
{
	return file_event(TH_EV_FILE_RENAME, ret, p->nr, (int)p->args[0], A(1), (int)p->args[2],
			  A(3), p->args[4], 0, TH_M_WRITE, 0);
}
static __always_inline __u32 suid_bits(__u32 mode)
{
	return (mode & (S_ISUID | S_ISGID)) ? TH_M_SUID : 0;
}
static __always_inline int h_chmod(long ret, struct pending *p)
{
	__u32 mode = p->args[1];
	return file_event(TH_EV_FILE_CHMOD, ret, p->nr, AT_FDCWD, A(0), 0, NULL, 0, mode,
			  TH_M_WRITE, suid_bits(mode));
}
static __always_inline int h_fchmodat(long ret, struct pending *p)
{
	__u32 mode = p->args[2];
	__u32 fl = p->nr == 452 ? (__u32)p->args[3] : 0; /* fchmodat2 has flags */
	return file_event(TH_EV_FILE_CHMOD, ret, p->nr, (int)p->args[0], A(1), 0, NULL,
			  fl, mode, TH_M_WRITE, suid_bits(mode));
}
/* link(old, new): path = new, path2 = old */
static __always_inline int h_link(long ret, struct pending *p)
{
	return file_event(TH_EV_FILE_LINK, ret, p->nr, AT_FDCWD, A(1), AT_FDCWD, A(0), 0, 0,
			  TH_M_WRITE, 0);
}
static __always_inline int h_linkat(long ret, struct pending *p)
{
	return file_event(TH_EV_FILE_LINK, ret, p->nr, (int)p->args[2], A(3), (int)p->args[0],
			  A(1), p->args[4], 0, TH_M_WRITE, 0);
}
/* symlink(target, linkpath): path = linkpath, path2 = target (the content, not resolved) */
static __always_inline int h_symlink(long ret, struct pending *p)
{
	return file_event(TH_EV_FILE_SYMLINK, ret, p->nr, AT_FDCWD, A(1), 0x7fffffff, A(0), 0, 0,
			  TH_M_WRITE, 0);
}
static __always_inline int h_symlinkat(long ret, struct pending *p)
{
	return file_event(TH_EV_FILE_SYMLINK, ret, p->nr, (int)p->args[1], A(2), 0x7fffffff, A(0),
			  0, 0, TH_M_WRITE, 0);
}

TH_SYSCALL(file, open, h_open)
TH_SYSCALL(file, creat, h_creat)
TH_SYSCALL(file, openat, h_openat)
TH_SYSCALL(file, openat2, h_openat2)
TH_SYSCALL(file, unlink, h_unlink)
TH_SYSCALL(file, unlinkat, h_unlinkat)
TH_SYSCALL(file, rename, h_rename)
TH_SYSCALL(file, renameat, h_renameat)
TH_SYSCALL(file, renameat2, h_renameat2)
TH_SYSCALL(file, chmod, h_chmod)
TH_SYSCALL(file, fchmodat, h_fchmodat)
TH_SYSCALL(file, fchmodat2, h_fchmodat)
TH_SYSCALL(file, link, h_link)
TH_SYSCALL(file, linkat, h_linkat)
TH_SYSCALL(file, symlink, h_symlink)
TH_SYSCALL(file, symlinkat, h_symlinkat)

#endif
