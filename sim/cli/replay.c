// SPDX-License-Identifier: GPL-2.0
/*
 * replay.c - `mmsim replay`: a real program's memory trace, replayed under a
 * simulated memory size.
 *
 *   mmsim replay TRACE --ram SIZE [--swap SIZE] [--swap-device zram|disk]
 *                [--page-cluster N] [--sweep MIN:MAX:STEPS] [--svg FILE]
 *                [--format auto|lackey|rw] [--fetches] [--zero-reads]
 *
 * Two trace formats, one record a line:
 *
 *   valgrind --tool=lackey --trace-mem=yes     plain
 *   I  0401000,3    instruction fetch          R 7ffd0010      a load
 *    L 1ffefffd78,8 load                       W 0x7ffd0018,8  a store
 *    S 1ffefffd70,8 store                      (hex address, optional ,SIZE)
 *    M 0422580,4    modify: a load, a store
 *
 * Lines starting "==" or "--" (valgrind's own messages), blank lines and
 * "#" comments are skipped. Instruction fetches are counted and skipped,
 * unless --fetches makes them loads.
 *
 * The whole program becomes one process with private anonymous memory: its
 * address space is cut into 1 GiB regions, and a region gets a VMA of its own
 * the first time the trace touches it (the next free GiB of the simulated
 * process, so any 64-bit address fits and sparse ones cost one VMA each).
 * A record touches every page its bytes cover, by one 8-byte access at the
 * page's start: what the model counts (faults, reclaim, swap) depends on
 * pages, not on bytes. A store writes a non-zero word, so a written page is
 * never mistaken for a page of zeroes when it is swapped out.
 *
 * A first load from a page nobody wrote gets a frame too, as if the page held
 * the program's data (its binary, or what it wrote before the trace began);
 * --zero-reads maps the shared zero page instead, as for fresh anonymous
 * memory.
 *
 * Swap is zram by default: a write completes at once. On a disk, pages stay
 * under writeback until the driver completes the writes, which it does after
 * every access; but the model's direct reclaim does not wait for writeback
 * (see docs/performance.md), so a disk runs out of free frames quickly.
 *
 * A --sweep runs one machine per size in lockstep over one reading of the
 * trace. Not modelled: the program's file mappings (all memory is anonymous),
 * other processes, time.
 */
#include "replay.h"

#include "scn_limits.h"
#include "sim_check.h"
#include "sim_machine.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define REGION_PAGES (1UL << (REPLAY_REGION_SHIFT - PAGE_SHIFT))

#define REPLAY_ERROR replay_error_quark()
static G_DEFINE_QUARK(mmsim-replay-error, replay_error)

static const char *const format_names[] = { "auto", "lackey", "rw" };

/* ---- sizes ---- */

bool replay_parse_size(const char *text, uint64_t *bytes)
{
	const char *s = text;
	uint64_t v = 0, mul = 1;
	int base = 10, digits = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; g_ascii_isxdigit(*s) && (base == 16 || g_ascii_isdigit(*s)); s++, digits++) {
		unsigned d = (unsigned)g_ascii_xdigit_value(*s);

		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	if (!digits)
		return false;
	switch (g_ascii_tolower(*s)) {
	case '\0':
		break;
	case 'p':
		mul = PAGE_SIZE;
		break;
	case 'k':
		mul = 1ULL << 10;
		break;
	case 'm':
		mul = 1ULL << 20;
		break;
	case 'g':
		mul = 1ULL << 30;
		break;
	default:
		return false;
	}
	if (*s && s[1])
		return false;
	if (v && mul > UINT64_MAX / v)
		return false;
	*bytes = v * mul;
	return true;
}

/* "64m", "1g", "512k": a page-multiple size in the language's units. */
static void format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "gmk";
	static const int shifts[] = { 30, 20, 10 };

	for (int i = 0; i < 3; i++)
		if (bytes >= (1ULL << shifts[i]) && !(bytes % (1ULL << shifts[i]))) {
			snprintf(buf, len, "%llu%c", (unsigned long long)(bytes >> shifts[i]),
				 units[i]);
			return;
		}
	snprintf(buf, len, "%llu", (unsigned long long)bytes);
}

static void format_pages(unsigned long pages, char *buf, size_t len)
{
	format_size((uint64_t)pages * PAGE_SIZE, buf, len);
}

/* ---- the trace ---- */

enum rec_kind { REC_SKIP, REC_LOAD, REC_STORE, REC_MODIFY, REC_FETCH };

struct record {
	enum rec_kind kind;
	uint64_t addr, size;
};

struct reader {
	const char *name;
	unsigned long line;
	const char *text; /* the line, for messages */
	enum replay_format format;
	unsigned long format_line; /* where the format was detected */
};

/* The line as it is quoted in a message: printable, at most 80 bytes. */
static char *quote_line(const char *text)
{
	GString *s = g_string_new(NULL);

	for (const char *p = text; *p && *p != '\n' && s->len < 80; p++) {
		if (g_ascii_isprint(*p) || *p == '\t')
			g_string_append_c(s, *p == '\t' ? ' ' : *p);
		else
			g_string_append_printf(s, "\\x%02x", (unsigned char)*p);
	}
	return g_string_free(s, FALSE);
}

/* "TRACE:LINE: error: what\n   LINE | the line": the user's mistake, with its place. */
G_GNUC_PRINTF(3, 4)
static bool bad_line(const struct reader *r, GError **err, const char *fmt, ...)
{
	g_autofree char *what = NULL, *quoted = quote_line(r->text);
	va_list ap;

	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error(err, REPLAY_ERROR, 1, "%s:%lu: error: %s\n%5lu | %s", r->name, r->line, what,
		    r->line, quoted);
	return false;
}

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* The end of a record: blanks, then the end of the line. */
static bool at_end(const char *p)
{
	p = skip_blanks(p);
	return *p == '\0' || *p == '\n' || (*p == '\r' && (p[1] == '\0' || p[1] == '\n'));
}

/* 1 + the value of a hex digit, 0 for another byte (a table: this runs for every digit). */
static const unsigned char hex_digit[256] = {
	['0'] = 1,  ['1'] = 2,	['2'] = 3,  ['3'] = 4,	['4'] = 5,  ['5'] = 6,	['6'] = 7,  ['7'] = 8,
	['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* A hex number (lackey writes no 0x; a plain trace may). */
static bool parse_addr(const struct reader *r, const char **pp, uint64_t *out, GError **err)
{
	const unsigned char *p = (const unsigned char *)*pp, *start;
	uint64_t v = 0;
	unsigned d;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && hex_digit[p[2]])
		p += 2;
	while (p[0] == '0' && hex_digit[p[1]])
		p++; /* leading zeros (lackey pads to 8 digits) */
	for (start = p; (d = hex_digit[*p]); p++)
		v = v << 4 | (d - 1);
	if (p == start)
		return bad_line(r, err, "expected a hexadecimal address after '%c'",
				*skip_blanks(r->text));
	if (p - start > 16)
		return bad_line(r, err, "address too large: more than 64 bits");
	*pp = (const char *)p;
	*out = v;
	return true;
}

/* ",SIZE": decimal bytes, 1..REPLAY_MAX_RECORD_BYTES. */
static bool parse_record_size(const struct reader *r, const char **pp, uint64_t *out,
			      GError **err)
{
	const char *p = *pp + 1;
	uint64_t v = 0;
	int digits = 0;

	for (; g_ascii_isdigit(*p); p++, digits++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > REPLAY_MAX_RECORD_BYTES)
			return bad_line(r, err, "access size too large: at most %d bytes",
					REPLAY_MAX_RECORD_BYTES);
	}
	if (!digits)
		return bad_line(r, err, "expected a decimal size after ','");
	if (!v)
		return bad_line(r, err, "an access of 0 bytes");
	*pp = p;
	*out = v;
	return true;
}

/*
 * One line: a record, or REC_SKIP for what is not one. The first record
 * fixes the format when it was not given; from then on every record must
 * be in it.
 */
static bool parse_line(struct reader *r, const char *text, struct record *rec, GError **err)
{
	const char *p = skip_blanks(text);
	char c = *p;
	enum replay_format fmt;

	r->text = text;
	rec->kind = REC_SKIP;
	if (at_end(p) || c == '#' || (c == '=' && p[1] == '=') || (c == '-' && p[1] == '-'))
		return true;
	fmt = REPLAY_FORMAT_LACKEY;
	switch (c) {
	case 'I':
		rec->kind = REC_FETCH;
		break;
	case 'L':
		rec->kind = REC_LOAD;
		break;
	case 'S':
		rec->kind = REC_STORE;
		break;
	case 'M':
		rec->kind = REC_MODIFY;
		break;
	case 'R':
	case 'r':
		rec->kind = REC_LOAD;
		fmt = REPLAY_FORMAT_RW;
		break;
	case 'W':
	case 'w':
		rec->kind = REC_STORE;
		fmt = REPLAY_FORMAT_RW;
		break;
	default:
		if (r->format == REPLAY_FORMAT_RW)
			return bad_line(r, err, "expected R or W and an address");
		if (r->format == REPLAY_FORMAT_LACKEY)
			return bad_line(r, err, "expected I, L, S or M and ADDRESS,SIZE (lackey's "
						"--trace-mem=yes lines)");
		return bad_line(r, err, "not a trace record: expected lackey's 'L ADDRESS,SIZE' "
					"(also I, S, M) or 'R ADDRESS' / 'W ADDRESS'");
	}
	if (r->format == REPLAY_FORMAT_AUTO) {
		r->format = fmt;
		r->format_line = r->line;
	} else if (fmt != r->format) {
		if (r->format_line)
			return bad_line(r, err, "a %s record in a %s trace (the format of line %lu)",
					format_names[fmt], format_names[r->format], r->format_line);
		return bad_line(r, err, "a %s record, but --format=%s", format_names[fmt],
				format_names[r->format]);
	}
	p++;
	if (*p != ' ' && *p != '\t')
		return bad_line(r, err, "expected a blank after '%c'", c);
	p = skip_blanks(p);
	if (!parse_addr(r, &p, &rec->addr, err))
		return false;
	if (*p == ',') {
		if (!parse_record_size(r, &p, &rec->size, err))
			return false;
	} else if (fmt == REPLAY_FORMAT_LACKEY) {
		return bad_line(r, err, "expected ',SIZE' after the address");
	} else {
		rec->size = 1;
	}
	if (!at_end(p))
		return bad_line(r, err, "unexpected text after the record");
	if (rec->addr > UINT64_MAX - (rec->size - 1))
		return bad_line(r, err, "the access runs past the end of the 64-bit address space");
	return true;
}

/* ---- the machines ---- */

struct rmachine {
	struct sim_machine *m;
	struct task_struct *task;
	struct replay_point *pt;
	bool dead;
};

struct replay {
	const struct replay_options *opt;
	struct replay_report *rep;
	struct rmachine machines[REPLAY_MAX_POINTS];
	int nr;
	GHashTable *regions;	 /* program region + 1 -> simulated GiB slot + 1 */
	uint64_t cached_region;	 /* the last region looked up, and its base */
	unsigned long cached_base;
	bool have_cached;
	struct reader *rd;
};

static void machines_create(struct replay *rp)
{
	const struct replay_options *opt = rp->opt;

	for (int i = 0; i < opt->nr_points; i++) {
		struct sim_config cfg = {
			.kernel = SIM_KERNEL_6_18,
			.swap_synchronous = !opt->swap_disk,
			.overcommit = 1, /* the regions are 1 GiB each: never refuse them */
			.overcommit_ratio = 50,
			.ram_pages = opt->ram_pages[i],
			.swap_pages = opt->swap_pages,
			.fault_around_bytes = 64 << 10,
			.read_ahead_bytes = 128 << 10,
			.page_cluster = opt->page_cluster,
		};
		struct rmachine *rm = &rp->machines[i];

		rm->m = sim_machine_create(&cfg);
		rm->task = sim_task_create(rm->m, "replay");
		rm->pt = &rp->rep->points[i];
		rm->pt->ram_pages = opt->ram_pages[i];
	}
	rp->nr = opt->nr_points;
	rp->rep->nr_points = opt->nr_points;
}

/* Read the counters into the point (before the machine goes). */
static void machine_collect(struct rmachine *rm)
{
	struct sim_machine *m = rm->m;
	struct replay_point *pt = rm->pt;

	pt->min_flt = rm->task->min_flt;
	pt->maj_flt = rm->task->maj_flt;
	pt->pswpin = m->vm_stat[PSWPIN];
	pt->pswpout = m->vm_stat[PSWPOUT];
	pt->swpin_zero = m->vm_stat[SWPIN_ZERO];
	pt->swpout_zero = m->vm_stat[SWPOUT_ZERO];
	pt->swap_ra = m->vm_stat[SWAP_RA];
	pt->swap_ra_hit = m->vm_stat[SWAP_RA_HIT];
	pt->refaults = m->vm_stat[WORKINGSET_REFAULT_ANON];
	pt->activations = m->vm_stat[WORKINGSET_ACTIVATE_ANON];
	pt->pgscan = m->vm_stat[PGSCAN_KSWAPD];
	pt->pgsteal = m->vm_stat[PGSTEAL_KSWAPD];
	pt->oom_kills = m->vm_stat[OOM_KILL];
	if (!rm->dead && rm->task->mm) {
		pt->rss = (unsigned long)rm->task->mm->rss_stat[MM_ANONPAGES];
		pt->swapents = (unsigned long)rm->task->mm->rss_stat[MM_SWAPENTS];
	}
}

/*
 * The frames' contents come from one cache for the whole process, which
 * sim_machine_destroy() frees: so every machine first lets go of its pages
 * (writes completed, the process gone, its swap slots with it), and only
 * then are the machines destroyed.
 */
static void machines_destroy(struct replay *rp)
{
	for (int i = 0; i < rp->nr; i++) {
		struct rmachine *rm = &rp->machines[i];

		sim_writeback_all(rm->m);
		if (!rm->task->exited)
			sim_exit(rm->task);
	}
	for (int i = 0; i < rp->nr; i++) {
		sim_machine_destroy(rp->machines[i].m);
		rp->machines[i].m = NULL;
	}
	rp->nr = 0;
}

/* The simulated base of the program's region @region: its VMA, made on first touch. */
static bool region_base(struct replay *rp, uint64_t region, unsigned long *base, GError **err)
{
	gpointer slot;

	if (rp->have_cached && rp->cached_region == region) {
		*base = rp->cached_base;
		return true;
	}
	slot = g_hash_table_lookup(rp->regions, GSIZE_TO_POINTER(region + 1));
	if (!slot) {
		gsize n = g_hash_table_size(rp->regions);
		unsigned long addr = SIM_MMAP_BASE + ((unsigned long)n << REPLAY_REGION_SHIFT);

		if (n >= REPLAY_MAX_REGIONS)
			return bad_line(rp->rd, err,
					"the trace touches more than %d regions of 1 GiB: too "
					"sparse to replay",
					REPLAY_MAX_REGIONS);
		for (int i = 0; i < rp->nr; i++) {
			struct rmachine *rm = &rp->machines[i];
			unsigned long got;
			long ret;

			if (rm->dead)
				continue;
			ret = sim_mmap(rm->task, addr, 1UL << REPLAY_REGION_SHIFT,
				       PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, NULL, 0,
				       &got);
			if (ret)
				return bad_line(rp->rd, err, "the model refused the region's mmap: %s",
						g_strerror((int)-ret));
		}
		slot = GSIZE_TO_POINTER(n + 1);
		g_hash_table_insert(rp->regions, GSIZE_TO_POINTER(region + 1), slot);
		rp->rep->trace.regions++;
	}
	rp->cached_region = region;
	rp->cached_base = SIM_MMAP_BASE + ((GPOINTER_TO_SIZE(slot) - 1) << REPLAY_REGION_SHIFT);
	rp->have_cached = true;
	*base = rp->cached_base;
	return true;
}

/* One access of one machine to the page at @addr (simulated). */
static bool machine_access(struct replay *rp, struct rmachine *rm, unsigned long addr,
			   bool write, GError **err)
{
	struct sim_machine *m = rm->m;
	pte_t *ptep = sim_lookup_pte(rm->task->mm, addr);
	u64 value = 1;
	int ret;

	if (!ptep || pte_none(*ptep)) {
		rm->pt->touched++;
		if (!rp->opt->zero_reads)
			write = true; /* the page holds the program's data from its first touch */
	}
	ret = sim_access(rm->task, addr, write, &value);
	if (ret == SIGKILL) {
		rm->pt->killed = true;
		rm->pt->killed_line = rp->rd->line;
		rm->pt->writeback_at_kill = m->vm_stat[NR_WRITEBACK];
		rm->dead = true;
	}
	if (m->vm_stat[NR_WRITEBACK])
		sim_writeback_all(m); /* the disk finishes its writes between two accesses */
	if (ret == SIGKILL)
		return true;
	if (ret)
		return bad_line(rp->rd, err, "the access raised signal %d in the model (ram=%lu pages)",
				ret, rm->pt->ram_pages);
	return true;
}

/* Replay one record on every machine still alive. */
static bool replay_record(struct replay *rp, const struct record *rec, GError **err)
{
	uint64_t first = rec->addr >> PAGE_SHIFT, last = (rec->addr + rec->size - 1) >> PAGE_SHIFT;

	for (uint64_t pfn = first; pfn <= last; pfn++) {
		unsigned long base = 0, addr;

		if (!region_base(rp, pfn / REGION_PAGES, &base, err))
			return false;
		addr = base + ((unsigned long)(pfn % REGION_PAGES) << PAGE_SHIFT);
		for (int i = 0; i < rp->nr; i++) {
			struct rmachine *rm = &rp->machines[i];

			if (rm->dead)
				continue;
			if (rec->kind != REC_STORE && !machine_access(rp, rm, addr, false, err))
				return false;
			if (rm->dead)
				continue;
			if ((rec->kind == REC_STORE || rec->kind == REC_MODIFY) &&
			    !machine_access(rp, rm, addr, true, err))
				return false;
		}
		rp->rep->trace.accesses += rec->kind == REC_MODIFY ? 2 : 1;
	}
	return true;
}

/*
 * The trace's lines, read in large blocks (a trace has millions of lines).
 * Each line is returned NUL-terminated in place, without its newline.
 */
struct line_reader {
	FILE *in;
	char *buf;
	size_t start, end; /* the unread bytes: buf[start, end) */
	bool eof;
};

#define READ_BLOCK (1 << 20)

/* The next line in *line (its length in *len, NULs included); false at the end. */
static bool next_line(struct line_reader *lr, char **line, size_t *len)
{
	for (;;) {
		char *nl = memchr(lr->buf + lr->start, '\n', lr->end - lr->start);

		if (nl || (lr->eof && lr->end > lr->start)) {
			*line = lr->buf + lr->start;
			*len = nl ? (size_t)(nl - *line) : lr->end - lr->start;
			(*line)[*len] = '\0';
			lr->start += *len + (nl ? 1 : 0);
			return true;
		}
		if (lr->eof)
			return false;
		/* Keep the partial line, then read more after it. */
		memmove(lr->buf, lr->buf + lr->start, lr->end - lr->start);
		lr->end -= lr->start;
		lr->start = 0;
		if (lr->end > REPLAY_MAX_LINE_BYTES) { /* a line this long is an error: hand it over */
			*line = lr->buf;
			*len = lr->end;
			lr->buf[REPLAY_MAX_LINE_BYTES] = '\0';
			lr->start = lr->end;
			return true;
		}
		lr->end += fread(lr->buf + lr->end, 1, READ_BLOCK, lr->in);
		if (feof(lr->in) || ferror(lr->in))
			lr->eof = true;
	}
}

static bool replay_lines(struct replay *rp, FILE *in, GError **err)
{
	struct replay_trace *tr = &rp->rep->trace;
	g_autofree char *buf = g_malloc(READ_BLOCK + REPLAY_MAX_LINE_BYTES + 2);
	struct line_reader lr = { .in = in, .buf = buf };
	char *line;
	size_t len;

	while (next_line(&lr, &line, &len)) {
		struct record rec = { 0 };

		rp->rd->line = ++tr->lines;
		rp->rd->text = line;
		if (len > REPLAY_MAX_LINE_BYTES)
			return bad_line(rp->rd, err, "line longer than %d bytes",
					REPLAY_MAX_LINE_BYTES);
		if (memchr(line, '\0', len))
			return bad_line(rp->rd, err, "a NUL byte: this is not a text trace");
		if (!parse_line(rp->rd, line, &rec, err))
			return false;
		switch (rec.kind) {
		case REC_SKIP:
			continue;
		case REC_FETCH:
			tr->fetches++;
			if (!rp->opt->fetches_as_loads)
				continue;
			rec.kind = REC_LOAD;
			break;
		case REC_LOAD:
			tr->loads++;
			break;
		case REC_STORE:
			tr->stores++;
			break;
		case REC_MODIFY:
			tr->modifies++;
			break;
		}
		if (!replay_record(rp, &rec, err))
			return false;
	}
	if (ferror(in)) {
		g_set_error(err, REPLAY_ERROR, 1, "%s: error: cannot read: %s", rp->rd->name,
			    g_strerror(errno));
		return false;
	}
	if (!tr->loads && !tr->stores && !tr->modifies && !(tr->fetches && rp->opt->fetches_as_loads)) {
		g_set_error(err, REPLAY_ERROR, 1,
			    "%s: error: no memory accesses in %lu lines (a lackey trace needs "
			    "valgrind --tool=lackey --trace-mem=yes)",
			    rp->rd->name, tr->lines);
		return false;
	}
	return true;
}

bool replay_stream(FILE *in, const char *name, const struct replay_options *opt,
		   struct replay_report *rep, GError **err)
{
	struct reader rd = { .name = name, .format = opt->format };
	struct replay rp = { .opt = opt, .rep = rep, .rd = &rd };
	gint64 start = g_get_monotonic_time();
	bool ok;

	g_return_val_if_fail(opt->nr_points >= 1 && opt->nr_points <= REPLAY_MAX_POINTS, false);
	memset(rep, 0, sizeof(*rep));
	rp.regions = g_hash_table_new(g_direct_hash, g_direct_equal);
	machines_create(&rp);
	ok = replay_lines(&rp, in, err);
	rep->trace.format = rd.format;
	for (int i = 0; i < rp.nr; i++) {
		struct rmachine *rm = &rp.machines[i];
		char why[512];

		machine_collect(rm);
		if (ok && opt->check_invariants && !sim_check_machine(rm->m, why, sizeof(why))) {
			g_set_error(err, REPLAY_ERROR, 3, "%s: invariant broken after the replay "
				    "(ram=%lu pages): %s", name, rm->pt->ram_pages, why);
			ok = false;
		}
	}
	machines_destroy(&rp);
	g_hash_table_destroy(rp.regions);
	rep->trace.seconds = (double)(g_get_monotonic_time() - start) / 1e6;
	return ok;
}

bool replay_file(const char *path, const struct replay_options *opt, struct replay_report *rep,
		 GError **err)
{
	FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	bool ok;

	if (!in) {
		g_set_error(err, REPLAY_ERROR, 2, "%s: error: cannot open: %s", path,
			    g_strerror(errno));
		return false;
	}
	ok = replay_stream(in, strcmp(path, "-") == 0 ? "(stdin)" : path, opt, rep, err);
	if (in != stdin)
		fclose(in);
	return ok;
}

/* ---- the report ---- */

int replay_knee(const struct replay_report *rep)
{
	int knee = -1;
	long best = 0;

	for (int i = 0; i + 1 < rep->nr_points; i++) {
		const struct replay_point *a = &rep->points[i], *b = &rep->points[i + 1];
		long drop = (long)a->maj_flt - (long)b->maj_flt;

		if (a->killed || b->killed)
			continue;
		if (drop > best) {
			best = drop;
			knee = i;
		}
	}
	return knee;
}

static void print_swap(FILE *out, const struct replay_options *opt)
{
	char swap[32];

	format_pages(opt->swap_pages, swap, sizeof(swap));
	if (opt->swap_pages && opt->swap_disk)
		fprintf(out, "swap=%s (disk) page_cluster=%u", swap, opt->page_cluster);
	else if (opt->swap_pages)
		fprintf(out, "swap=%s (zram)", swap); /* no readahead: page_cluster does not apply */
	else
		fprintf(out, "swap=0");
}

static void print_trace(FILE *out, const char *name, const struct replay_options *opt,
			const struct replay_report *rep)
{
	const struct replay_trace *tr = &rep->trace;
	unsigned long touched = 0;

	bool partial = true;

	/* The machines the OOM killer stopped saw only part of the trace. */
	for (int i = 0; i < rep->nr_points; i++)
		if (!rep->points[i].killed)
			partial = false;
	for (int i = 0; i < rep->nr_points; i++)
		if (partial || !rep->points[i].killed)
			touched = MAX(touched, rep->points[i].touched);
	fprintf(out, "trace %s (%s): %lu lines\n", name, format_names[tr->format], tr->lines);
	fprintf(out, "  %lu loads, %lu stores, %lu modifies (a load and a store)", tr->loads,
		tr->stores, tr->modifies);
	if (tr->format == REPLAY_FORMAT_LACKEY)
		fprintf(out, ", %lu instruction fetches (%s)", tr->fetches,
			opt->fetches_as_loads ? "replayed as loads" : "skipped");
	fprintf(out, "\n  %lu page accesses; %lu pages touched%s (%.1f MiB) in %lu region%s of 1 GiB\n",
		tr->accesses, touched, partial ? " before the OOM kill" : "",
		touched * (double)PAGE_SIZE / (1 << 20), tr->regions, tr->regions == 1 ? "" : "s");
}

static void print_point(FILE *out, const struct replay_options *opt, const struct replay_point *pt)
{
	char ram[32];

	format_pages(pt->ram_pages, ram, sizeof(ram));
	fprintf(out, "machine ram=%s (%lu frames) ", ram, pt->ram_pages);
	print_swap(out, opt);
	fprintf(out, " kernel=6.18\n");
	fprintf(out, "  faults       %lu (minor %lu, major %lu)\n", pt->min_flt + pt->maj_flt,
		pt->min_flt, pt->maj_flt);
	fprintf(out, "  swap-outs    %ld (pswpout; %ld pages of zeroes not written)\n", pt->pswpout,
		pt->swpout_zero);
	fprintf(out, "  swap-ins     %ld (pswpin; %ld from the zeromap; readahead %ld, hits %ld)\n",
		pt->pswpin, pt->swpin_zero, pt->swap_ra, pt->swap_ra_hit);
	fprintf(out, "  refaults     %ld (workingset_refault_anon; activated %ld)\n", pt->refaults,
		pt->activations);
	fprintf(out, "  reclaim      %ld pages scanned, %ld freed\n", pt->pgscan, pt->pgsteal);
	fprintf(out, "  oom kills    %ld\n", pt->oom_kills);
	if (pt->killed) {
		fprintf(out, "  the OOM killer killed the process at line %lu: the replay stopped there\n",
			pt->killed_line);
		if (pt->writeback_at_kill)
			fprintf(out, "  (%ld pages were still under writeback: the model's direct reclaim "
				     "does not wait for a disk)\n",
				pt->writeback_at_kill);
	} else {
		fprintf(out, "  at the end   %lu pages resident, %lu in swap\n", pt->rss,
			pt->swapents);
	}
}

void replay_print(FILE *out, const char *name, const struct replay_options *opt,
		  const struct replay_report *rep)
{
	unsigned long most = 0;
	int knee = replay_knee(rep);

	print_trace(out, name, opt, rep);
	if (rep->nr_points == 1) {
		print_point(out, opt, &rep->points[0]);
		return;
	}
	fprintf(out, "major faults against memory size (%d machines, ", rep->nr_points);
	print_swap(out, opt);
	fprintf(out, ")\n");
	fprintf(out, "%8s %8s %10s %10s %10s %10s %10s %4s\n", "ram", "frames", "major", "minor",
		"pswpin", "pswpout", "refaults", "oom");
	for (int i = 0; i < rep->nr_points; i++)
		most = MAX(most, rep->points[i].maj_flt);
	for (int i = 0; i < rep->nr_points; i++) {
		const struct replay_point *pt = &rep->points[i];
		char ram[32];
		int bar = most ? (int)((pt->maj_flt * 40 + most - 1) / most) : 0;

		format_pages(pt->ram_pages, ram, sizeof(ram));
		fprintf(out, "%8s %8lu %10lu %10lu %10ld %10ld %10ld %4ld ", ram, pt->ram_pages,
			pt->maj_flt, pt->min_flt, pt->pswpin, pt->pswpout, pt->refaults,
			pt->oom_kills);
		if (pt->killed)
			fprintf(out, "killed at line %lu", pt->killed_line);
		else
			for (int j = 0; j < bar; j++)
				fputc('#', out);
		fputc('\n', out);
	}
	if (knee >= 0) {
		char a[32], b[32];

		format_pages(rep->points[knee].ram_pages, a, sizeof(a));
		format_pages(rep->points[knee + 1].ram_pages, b, sizeof(b));
		fprintf(out, "knee: between ram=%s and ram=%s, major faults fall from %lu to %lu\n", a,
			b, rep->points[knee].maj_flt, rep->points[knee + 1].maj_flt);
	} else {
		fprintf(out, "no knee: major faults do not fall as memory grows\n");
	}
}

/* ---- the SVG curve ---- */

/* A round step (1, 2 or 5 times a power of ten) that cuts @range into at most @n parts. */
static double nice_step(double range, int n)
{
	double raw = range / n, mag = pow(10, floor(log10(raw))), f = raw / mag;

	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

static void svg_escape(GString *s, const char *text)
{
	for (const char *p = text; *p; p++) {
		switch (*p) {
		case '<':
			g_string_append(s, "&lt;");
			break;
		case '>':
			g_string_append(s, "&gt;");
			break;
		case '&':
			g_string_append(s, "&amp;");
			break;
		case '"':
			g_string_append(s, "&quot;");
			break;
		default:
			if ((unsigned char)*p >= 0x20)
				g_string_append_c(s, *p);
		}
	}
}

char *replay_svg(const char *name, const struct replay_options *opt,
		 const struct replay_report *rep)
{
	const double W = 720, H = 440, L = 90, R = 690, T = 70, B = 370;
	GString *s = g_string_new(NULL);
	unsigned long lo = rep->points[0].ram_pages, hi = rep->points[rep->nr_points - 1].ram_pages;
	unsigned long most = 1;
	double ystep, ytop;
	int knee = replay_knee(rep), every;
	char swap[32];

	for (int i = 0; i < rep->nr_points; i++)
		most = MAX(most, rep->points[i].maj_flt);
	ystep = nice_step((double)most, 6);
	ytop = ceil((double)most / ystep) * ystep;
	if (hi == lo)
		hi = lo + 1;
#define X(pages) (L + (R - L) * ((double)(pages) - (double)lo) / (double)(hi - lo))
#define Y(v) (B - (B - T) * (double)(v) / ytop)
	g_string_append_printf(s,
			       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
			       "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" "
			       "font-size=\"12\">\n"
			       "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
			       W, H, W, H);
	g_string_append(s, "<text x=\"360\" y=\"28\" text-anchor=\"middle\" font-size=\"16\">"
			   "Major faults against memory size</text>\n");
	g_string_append(s, "<text x=\"360\" y=\"48\" text-anchor=\"middle\" fill=\"#555\">");
	svg_escape(s, name);
	if (opt->swap_pages) {
		format_pages(opt->swap_pages, swap, sizeof(swap));
		if (opt->swap_disk)
			g_string_append_printf(s, ", swap=%s (disk), page_cluster=%u", swap,
					       opt->page_cluster);
		else
			g_string_append_printf(s, ", swap=%s (zram)", swap);
	} else {
		g_string_append(s, ", no swap");
	}
	g_string_append(s, "</text>\n");

	/* Grid and y ticks. */
	for (double v = 0; v <= ytop + ystep / 2; v += ystep)
		g_string_append_printf(s,
				       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				       "stroke=\"#ddd\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
				       "text-anchor=\"end\">%.0f</text>\n",
				       L, Y(v), R, Y(v), L - 6, Y(v) + 4, v);
	/* x ticks: every point, or every n-th when they are many. */
	every = (rep->nr_points + 11) / 12;
	for (int i = 0; i < rep->nr_points; i++) {
		char ram[32];
		double x = X(rep->points[i].ram_pages);

		if (i % every && i != rep->nr_points - 1)
			continue;
		format_pages(rep->points[i].ram_pages, ram, sizeof(ram));
		g_string_append_printf(s,
				       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				       "stroke=\"#333\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
				       "text-anchor=\"middle\">%s</text>\n",
				       x, B, x, B + 5, x, B + 20, ram);
	}
	g_string_append_printf(s,
			       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n"
			       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
			       L, B, R, B, L, T - 10, L, B);
	g_string_append_printf(s, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">simulated RAM"
				  "</text>\n",
			       (L + R) / 2, B + 45);
	g_string_append_printf(s,
			       "<text x=\"20\" y=\"%.1f\" text-anchor=\"middle\" "
			       "transform=\"rotate(-90 20 %.1f)\">major faults</text>\n",
			       (T + B) / 2, (T + B) / 2);

	if (knee >= 0) {
		double x = (X(rep->points[knee].ram_pages) + X(rep->points[knee + 1].ram_pages)) / 2;

		g_string_append_printf(s,
				       "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				       "stroke=\"#c60\" stroke-dasharray=\"4 3\"/>\n"
				       "<text x=\"%.1f\" y=\"%.1f\" fill=\"#c60\">knee</text>\n",
				       x, T - 10, x, B, x + 4, T);
	}
	/* The curve, through the machines that ran the whole trace. */
	g_string_append(s, "<polyline fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\" points=\"");
	for (int i = 0; i < rep->nr_points; i++)
		if (!rep->points[i].killed)
			g_string_append_printf(s, "%s%.1f,%.1f", i ? " " : "",
					       X(rep->points[i].ram_pages),
					       Y(rep->points[i].maj_flt));
	g_string_append(s, "\"/>\n");
	for (int i = 0; i < rep->nr_points; i++) {
		const struct replay_point *pt = &rep->points[i];
		double x = X(pt->ram_pages);

		if (pt->killed)
			g_string_append_printf(s,
					       "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
					       "fill=\"#c00\">OOM</text>\n",
					       x, B - 6);
		else
			g_string_append_printf(s,
					       "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" "
					       "fill=\"#1f5fa8\"><title>ram %lu pages: %lu major "
					       "faults</title></circle>\n",
					       x, Y(pt->maj_flt), pt->ram_pages, pt->maj_flt);
	}
#undef X
#undef Y
	g_string_append(s, "</svg>\n");
	return g_string_free(s, FALSE);
}

/* ---- the command ---- */

static bool option_size(const char *opt_name, const char *text, uint64_t *bytes)
{
	if (!replay_parse_size(text, bytes)) {
		fprintf(stderr, "mmsim replay: %s takes a size such as 64m, 1g, 512k or 4096p, not '%s'\n",
			opt_name, text);
		return false;
	}
	if (*bytes % PAGE_SIZE) {
		fprintf(stderr, "mmsim replay: %s must be whole pages (4096 bytes), not '%s'\n",
			opt_name, text);
		return false;
	}
	return true;
}

static bool option_ram(const char *opt_name, const char *text, unsigned long *pages)
{
	uint64_t bytes;
	char lim[32];

	if (!option_size(opt_name, text, &bytes))
		return false;
	format_pages(SCN_MAX_RAM_PAGES, lim, sizeof(lim));
	if (!bytes || bytes / PAGE_SIZE > SCN_MAX_RAM_PAGES) {
		fprintf(stderr, "mmsim replay: %s is 1 page to %s, not '%s'\n", opt_name, lim, text);
		return false;
	}
	*pages = bytes / PAGE_SIZE;
	return true;
}

static bool option_sweep(const char *text, struct replay_options *opt)
{
	g_auto(GStrv) parts = g_strsplit(text, ":", -1);
	unsigned long lo, hi, total = 0;
	char *end;
	long steps;

	if (g_strv_length(parts) != 3) {
		fprintf(stderr, "mmsim replay: --sweep takes MIN:MAX:STEPS (e.g. 4m:64m:16), not '%s'\n",
			text);
		return false;
	}
	if (!option_ram("--sweep's MIN", parts[0], &lo) || !option_ram("--sweep's MAX", parts[1], &hi))
		return false;
	errno = 0;
	steps = strtol(parts[2], &end, 10);
	if (!*parts[2] || *end || errno || steps < 2 || steps > REPLAY_MAX_POINTS) {
		fprintf(stderr, "mmsim replay: --sweep's STEPS is a count from 2 to %d, not '%s'\n",
			REPLAY_MAX_POINTS, parts[2]);
		return false;
	}
	if (hi <= lo || hi - lo < (unsigned long)steps - 1) {
		fprintf(stderr, "mmsim replay: --sweep %s: MAX must exceed MIN by at least STEPS-1 pages\n",
			text);
		return false;
	}
	opt->nr_points = (int)steps;
	for (int i = 0; i < steps; i++) {
		opt->ram_pages[i] = lo + (unsigned long)(((uint64_t)(hi - lo) * i) / (steps - 1));
		total += opt->ram_pages[i];
	}
	if (total > REPLAY_MAX_TOTAL_FRAMES) {
		fprintf(stderr,
			"mmsim replay: --sweep %s runs %ld machines with %lu frames in all; at most %lu "
			"(fewer STEPS or a smaller MAX)\n",
			text, steps, total, REPLAY_MAX_TOTAL_FRAMES);
		return false;
	}
	return true;
}

int cmd_replay(int argc, char **argv)
{
	g_autofree char *ram = NULL, *swap = NULL, *sweep = NULL, *svg = NULL, *format = NULL;
	g_autofree char *device = NULL;
	gint page_cluster = 3;
	gboolean fetches = FALSE, zero_reads = FALSE, timing = FALSE, invariants = FALSE;
	GOptionEntry entries[] = {
		{ "ram", 0, 0, G_OPTION_ARG_STRING, &ram,
		  "the simulated RAM (64m, 1g, 4096p; at most 16g)", "SIZE" },
		{ "swap", 0, 0, G_OPTION_ARG_STRING, &swap,
		  "the swap device (default 1g; 0 for none)", "SIZE" },
		{ "swap-device", 0, 0, G_OPTION_ARG_STRING, &device,
		  "zram (writes complete at once; the default) or disk", "zram|disk" },
		{ "page-cluster", 0, 0, G_OPTION_ARG_INT, &page_cluster,
		  "vm.page-cluster: swap readahead reads up to 2^N pages (default 3; a disk only: "
		  "zram reads the one page)", "N" },
		{ "sweep", 0, 0, G_OPTION_ARG_STRING, &sweep,
		  "replay at STEPS sizes from MIN to MAX (instead of --ram) and print the curve of "
		  "major faults", "MIN:MAX:STEPS" },
		{ "svg", 0, 0, G_OPTION_ARG_FILENAME, &svg,
		  "write the --sweep curve as an SVG plot", "FILE" },
		{ "format", 0, 0, G_OPTION_ARG_STRING, &format,
		  "lackey (valgrind --tool=lackey --trace-mem=yes), rw (R|W ADDRESS) or auto (the "
		  "first record tells; the default)", "FORMAT" },
		{ "fetches", 0, 0, G_OPTION_ARG_NONE, &fetches,
		  "replay lackey's instruction fetches (I) as loads; they are skipped by default", NULL },
		{ "zero-reads", 0, 0, G_OPTION_ARG_NONE, &zero_reads,
		  "a first load from a page maps the shared zero page (no frame), as for fresh "
		  "anonymous memory; by default the page gets a frame as if it held data", NULL },
		{ "check-invariants", 0, 0, G_OPTION_ARG_NONE, &invariants,
		  "check the model's invariants at the end of the replay", NULL },
		{ "time", 0, 0, G_OPTION_ARG_NONE, &timing,
		  "print the replay's speed on stderr (not deterministic)", NULL },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx =
		g_option_context_new("TRACE - replay a program's memory trace under a memory size");
	g_autoptr(GError) err = NULL;
	struct replay_options opt = { .page_cluster = 3, .swap_pages = (1UL << 30) / PAGE_SIZE };
	struct replay_report *rep;
	uint64_t bytes;

	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_description(
		ctx,
		"The trace becomes one process's private anonymous memory (one VMA per 1 GiB region\n"
		"it touches) on a simulated machine of the given RAM, and the faults, swap-ins,\n"
		"swap-outs, refaults and OOM kills it causes are reported. TRACE is a file or -\n"
		"(standard input). A trace of a program:\n"
		"  valgrind --tool=lackey --trace-mem=yes --log-file=prog.lackey ./prog\n"
		"  mmsim replay prog.lackey --sweep 1m:32m:16 --svg curve.svg\n"
		"\n"
		"Exit status: 0 the trace was replayed (even if the OOM killer struck);\n"
		"2 bad options or a bad trace line (the message says FILE:LINE).");
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "mmsim replay: %s\n", err->message);
		return 2;
	}
	if (argc != 2) {
		fprintf(stderr, argc < 2 ? "mmsim replay: no trace given (try: mmsim replay "
					   "build/sample.lackey --ram 4m; make trace-sample makes it)\n"
					 : "mmsim replay: one trace at a time\n");
		return 2;
	}
	if (!ram == !sweep) {
		fprintf(stderr, ram ? "mmsim replay: give --ram or --sweep, not both\n"
				    : "mmsim replay: --ram SIZE (or --sweep MIN:MAX:STEPS) is required\n");
		return 2;
	}
	if (ram) {
		opt.nr_points = 1;
		if (!option_ram("--ram", ram, &opt.ram_pages[0]))
			return 2;
	} else if (!option_sweep(sweep, &opt)) {
		return 2;
	}
	if (svg && !sweep) {
		fprintf(stderr, "mmsim replay: --svg draws the --sweep curve: give --sweep too\n");
		return 2;
	}
	if (swap) {
		if (!option_size("--swap", swap, &bytes))
			return 2;
		if (bytes / PAGE_SIZE > SCN_MAX_SWAP_PAGES || bytes / PAGE_SIZE == 1) {
			fprintf(stderr, "mmsim replay: --swap is 0 or 2 pages to 16g, not '%s'\n", swap);
			return 2;
		}
		opt.swap_pages = bytes / PAGE_SIZE;
	}
	if (!device || strcmp(device, "zram") == 0) {
		opt.swap_disk = false;
	} else if (strcmp(device, "disk") == 0) {
		opt.swap_disk = true;
	} else {
		fprintf(stderr, "mmsim replay: --swap-device takes zram or disk, not '%s'\n", device);
		return 2;
	}
	if (page_cluster < 0 || page_cluster > 10) {
		fprintf(stderr, "mmsim replay: --page-cluster is 0 to 10, not %d\n", page_cluster);
		return 2;
	}
	opt.page_cluster = (unsigned)page_cluster;
	if (!format || strcmp(format, "auto") == 0) {
		opt.format = REPLAY_FORMAT_AUTO;
	} else if (strcmp(format, "lackey") == 0) {
		opt.format = REPLAY_FORMAT_LACKEY;
	} else if (strcmp(format, "rw") == 0) {
		opt.format = REPLAY_FORMAT_RW;
	} else {
		fprintf(stderr, "mmsim replay: --format takes lackey, rw or auto, not '%s'\n", format);
		return 2;
	}
	opt.fetches_as_loads = fetches;
	opt.zero_reads = zero_reads;
	opt.check_invariants = invariants;

	rep = g_new0(struct replay_report, 1);
	if (!replay_file(argv[1], &opt, rep, &err)) {
		fprintf(stderr, "%s\n", err->message);
		g_free(rep);
		return 2;
	}
	replay_print(stdout, strcmp(argv[1], "-") == 0 ? "(stdin)" : argv[1], &opt, rep);
	if (svg) {
		g_autofree char *text = replay_svg(argv[1], &opt, rep);

		if (!g_file_set_contents(svg, text, -1, &err)) {
			fprintf(stderr, "mmsim replay: cannot write %s: %s\n", svg, err->message);
			g_free(rep);
			return 2;
		}
		printf("wrote %s\n", svg);
	}
	fflush(stdout);
	if (timing)
		fprintf(stderr,
			"replay: %lu lines, %lu accesses on each of %d machine%s in %.3f s: "
			"%.2fM lines/s, %.2fM model accesses/s\n",
			rep->trace.lines, rep->trace.accesses, rep->nr_points,
			rep->nr_points > 1 ? "s" : "", rep->trace.seconds,
			rep->trace.lines / rep->trace.seconds / 1e6,
			(double)rep->trace.accesses * rep->nr_points / rep->trace.seconds / 1e6);
	g_free(rep);
	return 0;
}
