// SPDX-License-Identifier: GPL-2.0
/*
 * names.c - the names the scenario language knows: errno values, signals,
 * page words, views, the config defaults, and the nearest-keyword search
 * behind "did you mean ...?".
 *
 * The tables are constant; nothing here keeps state.
 */
#include "lexer.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

void scn_config_defaults(struct scn_config *cfg)
{
	*cfg = (struct scn_config){
		.ram_pages = 64,
		.swap_pages = 256,
		.swap_device = SCN_SWAP_DISK,
		.tree = SCN_TREE_RADIX,
		.kernel = SCN_KERNEL_6_18,
		.fault_around_bytes = 64 << 10,
		.read_ahead_bytes = 128 << 10,
		.page_cluster = 3,
		.swap_ra = SCN_SWAP_RA_VMA,
		.overcommit = 0,
		.overcommit_ratio = 50,
		.set = 0,
	};
}

/* ---- page words and views ---- */

/* Indexed by bit number: scn_word_name(1 << i) is scn_page_words[i]. */
const char *const scn_page_words[SCN_NR_WORDS + 1] = {
	"present",     "swapped",  "none",     "zero",	"resident",
	"nonresident", "writable", "readonly", "dirty", "clean",
	"exclusive",   "shared",   "file",     "anon",	NULL,
};

const char *scn_word_name(unsigned bit)
{
	for (int i = 0; i < SCN_NR_WORDS; i++)
		if (bit == 1U << i)
			return scn_page_words[i];
	return NULL;
}

const char *scn_view_name(enum scn_view v)
{
	switch (v) {
	case SCN_VIEW_PAGETABLE:
		return "pagetable";
	case SCN_VIEW_MAPS:
		return "maps";
	case SCN_VIEW_SMAPS:
		return "smaps";
	case SCN_VIEW_CACHE:
		return "cache";
	case SCN_VIEW_SWAP:
		return "swap";
	case SCN_VIEW_LRU:
		return "lru";
	case SCN_VIEW_FRAMES:
		return "frames";
	case SCN_VIEW_MEMINFO:
		return "meminfo";
	case SCN_VIEW_VMSTAT:
		return "vmstat";
	}
	return NULL;
}

/* ---- errno values and signals ---- */

/*
 * The errno values a scenario may expect with "-> ERRNO": those the memory
 * calls document, and the usual others so a run-time error can be named.
 */
/* clang-format off */
#define SCN_ERRNOS(X)								\
	X(EPERM) X(ENOENT) X(ESRCH) X(EINTR) X(EIO) X(ENXIO) X(E2BIG)		\
	X(ENOEXEC) X(EBADF) X(ECHILD) X(EAGAIN) X(ENOMEM) X(EACCES)		\
	X(EFAULT) X(EBUSY) X(EEXIST) X(EXDEV) X(ENODEV) X(ENOTDIR)		\
	X(EISDIR) X(EINVAL) X(ENFILE) X(EMFILE) X(ENOTTY) X(ETXTBSY)		\
	X(EFBIG) X(ENOSPC) X(ESPIPE) X(EROFS) X(EMLINK) X(EPIPE) X(ERANGE)	\
	X(EDEADLK) X(ENAMETOOLONG) X(ENOSYS) X(ELOOP) X(EIDRM)			\
	X(EOVERFLOW) X(EOPNOTSUPP) X(EHWPOISON)
/* clang-format on */

#define ERRNO_CODE(e) e,
#define ERRNO_NAME(e) #e,
static const int errno_codes[] = { SCN_ERRNOS(ERRNO_CODE) };
const char *const scn_errno_names[] = { SCN_ERRNOS(ERRNO_NAME) NULL };

static const int signal_codes[] = { SIGSEGV, SIGBUS, SIGKILL };
const char *const scn_signal_names[] = { "SIGSEGV", "SIGBUS", "SIGKILL", NULL };

const char *scn_errno_name(int err)
{
	for (gsize i = 0; i < G_N_ELEMENTS(errno_codes); i++)
		if (errno_codes[i] == err)
			return scn_errno_names[i];
	return NULL;
}

int scn_errno_from_name(const char *name)
{
	for (gsize i = 0; i < G_N_ELEMENTS(errno_codes); i++)
		if (!strcmp(scn_errno_names[i], name))
			return errno_codes[i];
	return 0;
}

const char *scn_signal_name(int sig)
{
	for (gsize i = 0; i < G_N_ELEMENTS(signal_codes); i++)
		if (signal_codes[i] == sig)
			return scn_signal_names[i];
	return NULL;
}

int scn_signal_from_name(const char *name)
{
	for (gsize i = 0; i < G_N_ELEMENTS(signal_codes); i++)
		if (!strcmp(scn_signal_names[i], name))
			return signal_codes[i];
	return 0;
}

/* ---- nearest keyword ---- */

/*
 * Edit distance with adjacent swaps ("munmpa" is one edit from "munmap"),
 * giving up once it exceeds limit. Words are short; longer ones are never
 * near.
 */
static int edit_distance(const char *a, const char *b, int limit)
{
	enum { MAX = 32 };
	int la = (int)strlen(a), lb = (int)strlen(b);
	int d[MAX + 1][MAX + 1];

	if (la > MAX || lb > MAX || abs(la - lb) > limit)
		return limit + 1;
	for (int i = 0; i <= la; i++)
		d[i][0] = i;
	for (int j = 0; j <= lb; j++)
		d[0][j] = j;
	for (int i = 1; i <= la; i++) {
		for (int j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = MIN(d[i - 1][j] + 1, d[i][j - 1] + 1);

			v = MIN(v, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
				v = MIN(v, d[i - 2][j - 2] + 1);
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

const char *scn_nearest_word(const char *word, const char *const *words)
{
	const char *best = NULL;
	int best_d = 3, len = (int)strlen(word);

	for (; *words; words++) {
		int d = edit_distance(word, *words, 2);

		if (d == 0)
			return NULL;
		if (d < best_d && d < len) {
			best = *words;
			best_d = d;
		}
	}
	return best;
}
