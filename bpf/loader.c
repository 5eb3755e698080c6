// SPDX-License-Identifier: Apache-2.0
/* tracehound-loader: loads the Tracehound BPF programs, streams records on
 * stdout as frames (u32 LE length + record [+ ancestry trailer]), takes
 * filter commands on stdin. Structured diagnostics go to stderr, one JSON
 * object per line. open -> load -> attach -> poll -> cleanup. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "loader.h"
#include "proctable.h"
#include "tracehound.skel.h"

enum exit_code {
	EX_OK = 0,
	EX_USAGE = 1,
	EX_NOPERM = 2,    /* not root / missing CAP_BPF+CAP_PERFMON (or CAP_SYS_ADMIN) */
	EX_NOBTF = 3,     /* /sys/kernel/btf/vmlinux missing or unreadable */
	EX_LOAD = 4,      /* the BPF object (or every program) was refused */
	EX_ATTACH = 5,    /* no program could be attached */
	EX_RUNTIME = 6,   /* ring buffer / poll failure */
};

struct loader L;

static struct {
	unsigned long ringbuf_size;
	unsigned stats_interval_s;
	unsigned ancestors;
	unsigned grace_s;
	unsigned poll_ms;
	int no_file, no_net, no_priv, no_default_prefixes, verbose;
	uint32_t ignore[64];
	unsigned n_ignore;
} opt = {
	.ringbuf_size = 8u << 20,
	.stats_interval_s = 10,
	.ancestors = 6,
	.grace_s = 30,
	.poll_ms = 100,
};

static volatile sig_atomic_t stop_signal;

/* ---------------- diagnostics ---------------- */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void log_json(const char *level, const char *event, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "{\"level\":\"%s\",\"event\":\"%s\",\"msg\":", level, event);
	json_str(stderr, msg);
	fprintf(stderr, "}\n");
}

/* last lines printed by libbpf (verifier log included), for error reports */
#define LOG_KEEP 16384
static char libbpf_log[LOG_KEEP];
static size_t libbpf_log_len;

static int libbpf_print(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	char buf[4096];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return 0;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	if (opt.verbose)
		fputs(buf, stderr);
	if (lvl == LIBBPF_DEBUG)
		return n;
	if (libbpf_log_len + n >= LOG_KEEP) { /* keep the tail */
		size_t drop = libbpf_log_len + n - LOG_KEEP + 1;
		if (drop > libbpf_log_len)
			drop = libbpf_log_len;
		memmove(libbpf_log, libbpf_log + drop, libbpf_log_len - drop);
		libbpf_log_len -= drop;
	}
	memcpy(libbpf_log + libbpf_log_len, buf, n);
	libbpf_log_len += n;
	libbpf_log[libbpf_log_len] = 0;
	return n;
}

/* the last `lines` lines of the captured libbpf log */
static const char *log_tail(int lines)
{
	const char *p = libbpf_log + libbpf_log_len;
	while (p > libbpf_log && lines >= 0) {
		p--;
		if (*p == '\n')
			lines--;
	}
	return p == libbpf_log ? p : p + 1;
}

/* ---------------- output ---------------- */

#define OUTBUF (1u << 20)
static unsigned char outbuf[OUTBUF];
static size_t outlen;

static void flush_out(void)
{
	size_t off = 0;
	while (off < outlen) {
		ssize_t n = write(STDOUT_FILENO, outbuf + off, outlen - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE) {
				log_json("info", "stdout_closed", "stdout closed (EPIPE); exiting");
				exit(EX_OK);
			}
			log_json("error", "write_failed", "stdout write failed: %s", strerror(errno));
			exit(EX_RUNTIME);
		}
		off += n;
	}
	outlen = 0;
}

static void emit_frame(const void *rec, size_t len, const void *trailer, size_t tlen)
{
	uint32_t flen = len + tlen;
	if (outlen + 4 + flen > OUTBUF)
		flush_out();
	memcpy(outbuf + outlen, &flen, 4); /* x86_64: little-endian */
	memcpy(outbuf + outlen + 4, rec, len);
	if (tlen)
		memcpy(outbuf + outlen + 4 + len, trailer, tlen);
	outlen += 4 + flen;
	L.frames_out++;
	L.bytes_out += 4 + flen;
}

void emit_record(const void *rec, size_t len)
{
	emit_frame(rec, len, NULL, 0);
}

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void fill_loader_hdr(struct th_hdr *h, uint32_t type, uint32_t size)
{
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->size = size;
	h->ts_ns = clock_ns(CLOCK_BOOTTIME);
	h->pid = h->tid = getpid();
	h->ppid = getppid();
	h->uid = getuid();
	h->euid = geteuid();
	h->gid = getgid();
	h->egid = getegid();
	h->loginuid = (uint32_t)-1;
	h->flags = TH_HF_FROM_LOADER | TH_HF_LOGINUID_UNSET;
	memcpy(h->comm, "tracehound-ldr", 15);
}

static void emit_clock(void)
{
	struct th_clock c = {};
	uint64_t r1 = clock_ns(CLOCK_REALTIME);
	uint64_t b = clock_ns(CLOCK_BOOTTIME);
	uint64_t r2 = clock_ns(CLOCK_REALTIME);
	fill_loader_hdr(&c.hdr, TH_EV_CLOCK, sizeof(c));
	c.hdr.ts_ns = b;
	c.realtime_ns = r1 / 2 + r2 / 2;
	c.offset_ns = (int64_t)(c.realtime_ns - b);
	emit_record(&c, sizeof(c));
}

void emit_stats(void)
{
	struct th_stats s = {};
	fill_loader_hdr(&s.hdr, TH_EV_STATS, sizeof(s));
	s.nr_types = TH_EV_KERNEL_MAX;
	s.interval_ms = L.stats_interval_ms;
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *vals = calloc(ncpu > 0 ? ncpu : 1, sizeof(uint64_t));
	int fd = bpf_map__fd(L.skel->maps.counters);
	for (uint32_t i = 0; vals && i < 2 * TH_EV_KERNEL_MAX; i++) {
		if (bpf_map_lookup_elem(fd, &i, vals))
			continue;
		uint64_t sum = 0;
		for (int c = 0; c < ncpu; c++)
			sum += vals[c];
		if (i < TH_EV_KERNEL_MAX)
			s.emitted[i] = sum;
		else
			s.dropped[i - TH_EV_KERNEL_MAX] = sum;
	}
	free(vals);
	s.frames_out = L.frames_out + 1; /* this one included */
	s.bytes_out = L.bytes_out + 4 + sizeof(s);
	s.cmds_ok = L.cmds_ok;
	s.cmds_err = L.cmds_err;
	struct proc_table_stats ps = pt_stats();
	s.proc_table_size = ps.size;
	s.proc_misses = ps.misses;
	emit_record(&s, sizeof(s));
}

static void emit_prog_status(const char *name, int err, uint32_t flags, const char *detail)
{
	struct th_prog_status p = {};
	fill_loader_hdr(&p.hdr, TH_EV_PROG_STATUS, sizeof(p));
	p.err = err;
	p.ps_flags = flags;
	snprintf(p.name, sizeof(p.name), "%s", name);
	snprintf(p.detail, sizeof(p.detail), "%s", detail ? detail : "");
	emit_record(&p, sizeof(p));
}

/* ---------------- ring buffer ---------------- */

static unsigned char trailer[16384];

static int on_record(void *ctx, void *data, size_t len)
{
	const struct th_hdr *h = data;
	if (len < sizeof(*h) || h->size > len)
		return 0;
	pt_update(data, h->size);
	size_t tl = pt_trailer(h->pid, opt.ancestors, trailer, sizeof(trailer));
	emit_frame(data, h->size, trailer, tl);
	return 0;
}

/* ---------------- preflight ---------------- */

static int have_caps(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = {};
	if (syscall(SYS_capget, &hdr, d))
		return geteuid() == 0;
	uint64_t eff = d[0].effective | ((uint64_t)d[1].effective << 32);
	int sys_admin = !!(eff & (1ull << 21));
	int bpf = !!(eff & (1ull << 39)), perfmon = !!(eff & (1ull << 38));
	return sys_admin || (bpf && perfmon);
}

static void ensure_tracefs(void)
{
	struct stat st;
	if (!stat("/sys/kernel/tracing/events", &st) || !stat("/sys/kernel/debug/tracing/events", &st))
		return;
	if (mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL))
		log_json("warn", "tracefs", "tracefs not mounted and mount failed (%s): "
			 "tracepoint programs will fail to attach", strerror(errno));
	else
		log_json("info", "tracefs", "mounted tracefs on /sys/kernel/tracing");
}

/* ---------------- load ---------------- */

static int group_disabled(const char *name)
{
	return (opt.no_file && !strncmp(name, "th_file_", 8)) ||
	       (opt.no_net && !strncmp(name, "th_net_", 7)) ||
	       (opt.no_priv && !strncmp(name, "th_priv_", 8));
}

#define MAX_FAILED 64
static char failed[MAX_FAILED][64];
static unsigned n_failed;

static int is_failed(const char *name)
{
	for (unsigned i = 0; i < n_failed; i++)
		if (!strcmp(failed[i], name))
			return 1;
	return 0;
}

/* name of the program libbpf reported as refused, from the captured log */
static int failed_prog_from_log(char *out, size_t cap)
{
	const char *p = libbpf_log, *hit = NULL;
	while ((p = strstr(p, "prog '"))) {
		const char *q = strchr(p + 6, '\'');
		if (q && !strncmp(q, "': failed to load", 17))
			hit = p + 6;
		p += 6;
	}
	if (!hit)
		return 0;
	size_t n = strchr(hit, '\'') - hit;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, hit, n);
	out[n] = 0;
	return 1;
}

static struct tracehound_bpf *open_and_load(void)
{
	for (int attempt = 0; attempt < MAX_FAILED; attempt++) {
		struct tracehound_bpf *skel = tracehound_bpf__open();
		if (!skel) {
			log_json("error", "open_failed", "cannot open BPF object: %s", strerror(errno));
			exit(EX_LOAD);
		}
		if (bpf_map__set_max_entries(skel->maps.events, opt.ringbuf_size)) {
			log_json("error", "ringbuf_size", "bad ring buffer size %lu", opt.ringbuf_size);
			exit(EX_USAGE);
		}
		struct bpf_program *prog;
		int enabled = 0;
		bpf_object__for_each_program(prog, skel->obj) {
			const char *name = bpf_program__name(prog);
			if (group_disabled(name) || is_failed(name))
				bpf_program__set_autoload(prog, false);
			else
				enabled++;
		}
		if (!enabled) {
			log_json("error", "no_programs", "every program is disabled or refused");
			exit(EX_LOAD);
		}
		libbpf_log_len = 0;
		libbpf_log[0] = 0;
		int err = tracehound_bpf__load(skel);
		if (!err)
			return skel;
		char name[64];
		if (!failed_prog_from_log(name, sizeof(name)) || is_failed(name)) {
			log_json("error", "load_failed", "BPF object refused (%s); last log lines:\n%s",
				 strerror(-err), log_tail(20));
			exit(EX_LOAD);
		}
		fprintf(stderr, "{\"level\":\"error\",\"event\":\"prog_refused\",\"prog\":");
		json_str(stderr, name);
		fprintf(stderr, ",\"err\":%d,\"verifier_tail\":", err);
		json_str(stderr, log_tail(12));
		fprintf(stderr, "}\n");
		snprintf(failed[n_failed++], sizeof(failed[0]), "%s", name);
		tracehound_bpf__destroy(skel);
	}
	log_json("error", "load_failed", "too many programs refused");
	exit(EX_LOAD);
}

/* ---------------- attach ---------------- */

#define MAX_LINKS 256
static struct bpf_link *links[MAX_LINKS];
static unsigned n_links;

static int attach_all(struct tracehound_bpf *skel)
{
	struct bpf_program *prog;
	int ok = 0, bad = 0, off = 0;
	bpf_object__for_each_program(prog, skel->obj) {
		const char *name = bpf_program__name(prog);
		const char *sec = bpf_program__section_name(prog);
		if (!bpf_program__autoload(prog)) {
			uint32_t fl = is_failed(name) ? TH_PS_LOAD_FAILED : TH_PS_DISABLED;
			emit_prog_status(name, 0, fl, sec);
			if (fl == TH_PS_LOAD_FAILED)
				bad++;
			else
				off++;
			continue;
		}
		struct bpf_link *l = bpf_program__attach(prog);
		if (!l || n_links >= MAX_LINKS) {
			int err = -errno;
			fprintf(stderr, "{\"level\":\"warn\",\"event\":\"attach_failed\",\"prog\":");
			json_str(stderr, name);
			fprintf(stderr, ",\"target\":");
			json_str(stderr, sec);
			fprintf(stderr, ",\"err\":%d,\"reason\":", err);
			json_str(stderr, strerror(-err));
			fprintf(stderr, "}\n");
			char detail[128];
			snprintf(detail, sizeof(detail), "%s: %s", sec, strerror(-err));
			emit_prog_status(name, err, TH_PS_ATTACH_FAILED, detail);
			bad++;
			continue;
		}
		links[n_links++] = l;
		emit_prog_status(name, 0, TH_PS_ATTACHED, sec);
		ok++;
	}
	log_json("info", "attached", "%d programs attached, %d failed, %d disabled", ok, bad, off);
	return ok;
}

/* ---------------- stdin ---------------- */

static char inbuf[65536];
static size_t inlen;
static uint64_t line_seq;
static int stdin_open = 1;

static void read_commands(void)
{
	ssize_t n = read(STDIN_FILENO, inbuf + inlen, sizeof(inbuf) - 1 - inlen);
	if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
		stdin_open = 0; /* the agent stopped sending commands: keep streaming */
		log_json("info", "stdin_closed", "stdin closed; filters are now fixed");
		return;
	}
	if (n < 0)
		return;
	inlen += n;
	char *start = inbuf, *nl;
	while ((nl = memchr(start, '\n', inbuf + inlen - start))) {
		*nl = 0;
		line_seq++;
		if (strlen(start) != (size_t)(nl - start)) {
			cmd_refuse(line_seq, "NUL byte inside the command line");
		} else {
			cmd_handle_line(line_seq, start);
		}
		start = nl + 1;
	}
	inlen = inbuf + inlen - start;
	memmove(inbuf, start, inlen);
	if (inlen == sizeof(inbuf) - 1) { /* a line longer than the buffer */
		line_seq++;
		cmd_refuse(line_seq, "command line longer than 65535 bytes");
		inlen = 0;
	}
}

/* ---------------- main ---------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: tracehound-loader [options]\n"
		"  --ringbuf-size BYTES   ring buffer size, power of 2 >= 4096 (default 8388608)\n"
		"  --stats-interval SEC   stats + clock record period, 0 = off (default 10)\n"
		"  --ignore-pid PID       do not report this process (repeatable; own pid always)\n"
		"  --ancestors N          ancestry entries appended per frame, 0..16 (default 6)\n"
		"  --exit-grace SEC       keep exited processes for ancestry (default 30)\n"
		"  --poll-ms MS           poll timeout / flush interval (default 100)\n"
		"  --no-file --no-net --no-priv   do not load a program group\n"
		"  --no-default-prefixes  start with empty path prefix / basename tables\n"
		"  --verbose              libbpf debug output on stderr\n");
}

static unsigned long parse_num(const char *s, const char *flag, unsigned long max)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 0);
	if (errno || *end || !*s || s[0] == '-' || v > max) {
		fprintf(stderr, "tracehound-loader: %s: expected an integer 0..%lu, got '%s'\n", flag,
			max, s);
		exit(EX_USAGE);
	}
	return v;
}

static void on_signal(int sig)
{
	stop_signal = sig;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "ringbuf-size", required_argument, NULL, 'r' },
		{ "stats-interval", required_argument, NULL, 's' },
		{ "ignore-pid", required_argument, NULL, 'i' },
		{ "ancestors", required_argument, NULL, 'a' },
		{ "exit-grace", required_argument, NULL, 'g' },
		{ "poll-ms", required_argument, NULL, 'p' },
		{ "no-file", no_argument, NULL, 'F' },
		{ "no-net", no_argument, NULL, 'N' },
		{ "no-priv", no_argument, NULL, 'P' },
		{ "no-default-prefixes", no_argument, NULL, 'D' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			opt.ringbuf_size = parse_num(optarg, "--ringbuf-size", 1ul << 30);
			if (opt.ringbuf_size < 4096 || (opt.ringbuf_size & (opt.ringbuf_size - 1))) {
				fprintf(stderr, "tracehound-loader: --ringbuf-size must be a power of 2 >= 4096\n");
				return EX_USAGE;
			}
			break;
		case 's': opt.stats_interval_s = parse_num(optarg, "--stats-interval", 86400); break;
		case 'i':
			if (opt.n_ignore >= 64) {
				fprintf(stderr, "tracehound-loader: at most 64 --ignore-pid\n");
				return EX_USAGE;
			}
			opt.ignore[opt.n_ignore++] = parse_num(optarg, "--ignore-pid", 0x7fffffff);
			break;
		case 'a': opt.ancestors = parse_num(optarg, "--ancestors", 16); break;
		case 'g': opt.grace_s = parse_num(optarg, "--exit-grace", 86400); break;
		case 'p': opt.poll_ms = parse_num(optarg, "--poll-ms", 10000); break;
		case 'F': opt.no_file = 1; break;
		case 'N': opt.no_net = 1; break;
		case 'P': opt.no_priv = 1; break;
		case 'D': opt.no_default_prefixes = 1; break;
		case 'v': opt.verbose = 1; break;
		case 'h': usage(stdout); return EX_OK;
		default: usage(stderr); return EX_USAGE;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return EX_USAGE;
	}

	/* preflight: privileges, BTF */
	if (!have_caps()) {
		log_json("error", "no_privilege", "need root, or CAP_BPF + CAP_PERFMON "
			 "(+ CAP_SYS_RESOURCE), or CAP_SYS_ADMIN");
		return EX_NOPERM;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		log_json("error", "no_btf", "/sys/kernel/btf/vmlinux: %s (kernel needs CONFIG_DEBUG_INFO_BTF)",
			 strerror(errno));
		return EX_NOBTF;
	}
	libbpf_set_print(libbpf_print);
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) != 1) {
		log_json("error", "no_ringbuf", "kernel does not support BPF ring buffers (needs 5.8+)");
		return EX_LOAD;
	}
	ensure_tracefs();
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	L.stats_interval_ms = opt.stats_interval_s * 1000;
	L.skel = open_and_load();

	/* filters and knobs before attaching */
	cmd_defaults(!opt.no_default_prefixes);
	if (cmd_apply_config()) {
		log_json("error", "config", "cannot write config map: %s", strerror(errno));
		return EX_LOAD;
	}
	cmd_ignore_pid(getpid(), 1);
	for (unsigned i = 0; i < opt.n_ignore; i++)
		cmd_ignore_pid(opt.ignore[i], 1);

	struct th_hello hello = {};
	fill_loader_hdr(&hello.hdr, TH_EV_HELLO, sizeof(hello));
	hello.abi_version = TH_ABI_VERSION;
	hello.hdr_size = sizeof(struct th_hdr);
	hello.ancestors = opt.ancestors;
	emit_record(&hello, sizeof(hello));
	emit_clock();

	pt_init();
	pt_scan_proc();

	if (attach_all(L.skel) == 0) {
		flush_out();
		log_json("error", "attach_failed", "no program could be attached");
		return EX_ATTACH;
	}
	struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(L.skel->maps.events), on_record, NULL, NULL);
	if (!rb) {
		log_json("error", "ringbuf", "ring_buffer__new: %s", strerror(errno));
		return EX_RUNTIME;
	}
	flush_out();
	log_json("info", "running", "streaming records on stdout");

	fcntl(STDIN_FILENO, F_SETFL, fcntl(STDIN_FILENO, F_GETFL) | O_NONBLOCK);
	/* A stdout pipe as large as the output buffer: a flush then fits whole, so the loader
	 * blocks (and stops draining the ring) only when the reader is a full buffer behind,
	 * not whenever 64 KiB (the default pipe) are unread. Not a pipe, or not allowed: kept. */
	fcntl(STDOUT_FILENO, F_SETPIPE_SZ, (int)OUTBUF);
	uint64_t next_stats = clock_ns(CLOCK_MONOTONIC) + L.stats_interval_ms * 1000000ull;
	uint64_t next_reap = clock_ns(CLOCK_MONOTONIC) + 1000000000ull;
	while (!stop_signal) {
		struct pollfd fds[2] = {
			{ .fd = ring_buffer__epoll_fd(rb), .events = POLLIN },
			{ .fd = stdin_open ? STDIN_FILENO : -1, .events = POLLIN },
		};
		int n = poll(fds, 2, opt.poll_ms);
		if (n < 0 && errno != EINTR) {
			log_json("error", "poll", "poll: %s", strerror(errno));
			return EX_RUNTIME;
		}
		int got = ring_buffer__consume(rb);
		if (got < 0 && got != -EINTR) {
			log_json("error", "ringbuf", "consume: %s", strerror(-got));
			return EX_RUNTIME;
		}
		if (stdin_open && n > 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR)))
			read_commands();
		uint64_t now = clock_ns(CLOCK_MONOTONIC);
		if (L.stats_interval_ms && now >= next_stats) {
			emit_stats();
			emit_clock();
			next_stats = now + L.stats_interval_ms * 1000000ull;
		}
		if (now >= next_reap) {
			pt_reap(opt.grace_s);
			next_reap = now + 1000000000ull;
		}
		/* flush when idle (poll timed out or little arrived); a busy stream
		 * is flushed by emit_frame when the buffer fills */
		if (n == 0 || got < 64)
			flush_out();
	}
	ring_buffer__consume(rb);
	emit_stats();
	flush_out();
	log_json("info", "stopped", "signal %d: detaching", (int)stop_signal);
	ring_buffer__free(rb);
	for (unsigned i = 0; i < n_links; i++)
		bpf_link__destroy(links[i]);
	tracehound_bpf__destroy(L.skel);
	return EX_OK;
}
