/* SPDX-License-Identifier: Apache-2.0 */
/* User-space process table for ancestry: fed by exec/fork/exit records and
 * /proc; exited entries are kept for a grace period so late records of a
 * process (or of its children) still resolve. */
#ifndef TH_PROCTABLE_H
#define TH_PROCTABLE_H

#include <stddef.h>
#include <stdint.h>
#include "events.h"

struct proc_entry {
	struct proc_entry *next;
	uint32_t pid, ppid, uid, flags; /* flags: enum th_anc_flags */
	uint64_t start_ns;
	uint64_t exited_at;            /* monotonic seconds, 0 = alive */
	uint16_t exe_len, args_len;
	char comm[TH_COMM_LEN];
	char exe[TH_ANC_EXE_MAX];
	char args[TH_ANC_ARGS_MAX];
};

struct proc_table_stats {
	uint64_t size;
	uint64_t misses; /* lookups answered from /proc */
};

void pt_init(void);
/* Scan /proc for processes that predate the loader. */
void pt_scan_proc(void);
/* Feed one kernel record (before it is written out). */
void pt_update(const void *rec, size_t len);
/* Append the ancestry trailer for pid to buf; returns bytes written (0 if none). */
size_t pt_trailer(uint32_t pid, unsigned max_entries, void *buf, size_t cap);
/* Drop exited entries older than grace_s. */
void pt_reap(unsigned grace_s);
struct proc_table_stats pt_stats(void);

#endif
