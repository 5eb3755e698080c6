/* SPDX-License-Identifier: Apache-2.0 */
/* Network: outbound TCP via sock:inet_sock_set_state (SYN_SENT, process
 * context), inbound via accept/accept4 exit (the accepting process; the
 * SYN_RECV->ESTABLISHED transition runs in softirq context where "current"
 * is unrelated), listen(), connect() on non-TCP sockets, socket(). */
#ifndef TH_NET_BPF_H
#define TH_NET_BPF_H

SEC("tracepoint/sock/inet_sock_set_state")
int th_net_tcp_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	if (ctx->newstate != TCP_SYN_SENT || ctx->protocol != IPPROTO_TCP)
		return 0;
	if (skip_current())
		return 0;
	struct th_net *e = reserve(TH_EV_TCP_CONNECT, sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, offsetof(struct th_net, unix_path_buf));
	fill_hdr(&e->hdr, TH_EV_TCP_CONNECT, sizeof(*e));
	e->direction = TH_DIR_OUT;
	e->fd = -1;
	e->unix_path.flags = TH_SF_ABSENT;
	/* read the sock itself: copying the ctx arrays would need ctx pointer arithmetic */
	fill_sockinfo(&e->sk, (struct sock *)ctx->skaddr);
	e->sk.state = TCP_SYN_SENT;
	submit(e, TH_EV_TCP_CONNECT);
	return 0;
}

static __always_inline struct th_net *net_begin(__u32 type, long ret, int fd, __u32 dir)
{
	struct th_net *e = reserve(type, sizeof(*e));
	if (!e)
		return NULL;
	__builtin_memset(e, 0, offsetof(struct th_net, unix_path_buf));
	fill_hdr(&e->hdr, type, sizeof(*e));
	e->ret = ret;
	e->fd = fd;
	e->direction = dir;
	e->unix_path.flags = TH_SF_ABSENT;
	return e;
}

static __always_inline int h_accept(long ret, struct pending *p)
{
	if (ret < 0)
		return 0;
	struct sock *sk = file_sock(fd_file((int)ret));
	if (!sk)
		return 0;
	__u16 fam = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (fam != AF_INET && fam != AF_INET6)
		return 0;
	struct th_net *e = net_begin(TH_EV_TCP_ACCEPT, ret, (int)ret, TH_DIR_IN);
	if (!e)
		return 0;
	fill_sockinfo(&e->sk, sk);
	submit(e, TH_EV_TCP_ACCEPT);
	return 0;
}

static __always_inline int h_listen(long ret, struct pending *p)
{
	int fd = (int)p->args[0];
	struct sock *sk = file_sock(fd_file(fd));
	struct th_net *e = net_begin(TH_EV_LISTEN, ret, fd, TH_DIR_LISTEN);
	if (!e)
		return 0;
	e->backlog = p->args[1];
	fill_sockinfo(&e->sk, sk);
	submit(e, TH_EV_LISTEN);
	return 0;
}

static __always_inline int h_connect(long ret, struct pending *p)
{
	int fd = (int)p->args[0];
	struct sock *sk = file_sock(fd_file(fd));
	struct th_config *cfg = get_config();
	if (sk && BPF_CORE_READ(sk, sk_protocol) == IPPROTO_TCP && !(cfg && cfg->connect_all))
		return 0; /* reported by th_net_tcp_state */
	struct th_net *e = net_begin(TH_EV_CONNECT, ret, fd, TH_DIR_OUT);
	if (!e)
		return 0;
	fill_sockinfo(&e->sk, sk);
	/* destination from the user sockaddr (the socket may not be connected) */
	const void *ua = (const void *)p->args[1];
	__u32 alen = p->args[2];
	__u16 fam = 0;
	bpf_probe_read_user(&fam, 2, ua);
	if (fam == AF_INET) {
		__u16 port = 0;
		bpf_probe_read_user(&port, 2, ua + 2);
		e->sk.dport = __builtin_bswap16(port);
		bpf_probe_read_user(e->sk.daddr, 4, ua + 4);
	} else if (fam == AF_INET6) {
		__u16 port = 0;
		bpf_probe_read_user(&port, 2, ua + 2);
		e->sk.dport = __builtin_bswap16(port);
		bpf_probe_read_user(e->sk.daddr, 16, ua + 8);
	} else if (fam == AF_UNIX && alen > 2) {
		__u64 n = alen - 2;
		barrier_var(n);
		if (n > TH_UNIX_PATH_MAX)
			n = TH_UNIX_PATH_MAX;
		if (bpf_probe_read_user(e->unix_path_buf, n, ua + 2) == 0) {
			/* pathname sockets are NUL terminated within addrlen */
			if (e->unix_path_buf[0]) {
				__u32 l = 0;
				for (int i = 0; i < TH_UNIX_PATH_MAX; i++) {
					if (i >= n || e->unix_path_buf[i] == 0)
						break;
					l++;
				}
				n = l;
			}
			e->unix_path.len = n;
			e->unix_path.flags = 0;
		} else {
			e->unix_path.flags = TH_SF_FAULT;
		}
	}
	if (fam)
		e->sk.family = fam;
	submit(e, TH_EV_CONNECT);
	return 0;
}

static __always_inline int h_socket(long ret, struct pending *p)
{
	__u32 fam = p->args[0], type = p->args[1], proto = p->args[2];
	__u32 fl = 0;
	if ((type & 0xf) == SOCK_RAW)
		fl |= TH_SKF_RAW;
	if (fam == AF_PACKET)
		fl |= TH_SKF_PACKET;
	struct th_config *cfg = get_config();
	if (!fl && !(cfg && cfg->socket_all))
		return 0;
	struct th_socket *e = reserve(TH_EV_SOCKET, sizeof(*e));
	if (!e)
		return 0;
	fill_hdr(&e->hdr, TH_EV_SOCKET, sizeof(*e));
	e->ret = ret;
	e->family = fam;
	e->type = type;
	e->protocol = proto;
	e->sock_flags = fl;
	submit(e, TH_EV_SOCKET);
	return 0;
}

TH_SYSCALL(net, accept, h_accept)
TH_SYSCALL(net, accept4, h_accept)
TH_SYSCALL(net, listen, h_listen)
TH_SYSCALL(net, connect, h_connect)
TH_SYSCALL(net, socket, h_socket)

#endif
