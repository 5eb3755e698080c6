/* SPDX-License-Identifier: Apache-2.0 */
/* State shared by the loader's translation units. */
#ifndef TH_LOADER_H
#define TH_LOADER_H

#include <stddef.h>
#include <stdint.h>
#include "events.h"

struct tracehound_bpf;

struct loader {
	struct tracehound_bpf *skel;
	struct th_config cfg;
	uint64_t cmds_ok, cmds_err;
	uint64_t frames_out, bytes_out;
	unsigned stats_interval_ms;
};

extern struct loader L;

/* output.c-like helpers in loader.c */
void emit_record(const void *rec, size_t len);
void fill_loader_hdr(struct th_hdr *h, uint32_t type, uint32_t size);
void emit_stats(void);
void log_json(const char *level, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* commands.c */
void cmd_defaults(int with_default_prefixes);
int cmd_apply_config(void);
/* Handles one stdin line; replies with a TH_EV_CMD_REPLY record + a stderr line. */
void cmd_handle_line(uint64_t seq, char *line);
int cmd_ignore_pid(uint32_t pid, int on);
/* Refuses a line that could not be parsed at all (too long, NUL byte). */
void cmd_refuse(uint64_t seq, const char *reason);

#endif
