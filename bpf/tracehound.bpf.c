// SPDX-License-Identifier: GPL-2.0 OR Apache-2.0
/* Tracehound kernel programs: one object, one skeleton. Program names carry
 * their group (th_proc_*, th_file_*, th_net_*, th_priv_*) so the loader can
 * disable a group with --no-file / --no-net / --no-priv. */
#include "th_common.bpf.h"
#include "th_process.bpf.h"
#include "th_file.bpf.h"
#include "th_net.bpf.h"
#include "th_priv.bpf.h"
