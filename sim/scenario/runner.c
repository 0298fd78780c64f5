// SPDX-License-Identifier: GPL-2.0
/*
 * runner.c - run a scenario on the simulator (runner.h).
 *
 * Before anything runs, scn_check_supported() refuses what the model does
 * not do yet and names the statement (FILE:LINE:COLUMN), and page references
 * are checked against the mappings' sizes. Then each statement is printed,
 * executed through the backend with the text tracer attached to the model,
 * and its result reported; expectations read the backend's observations.
 */
#include "runner.h"

#include "backend.h"
#include "scn_limits.h"
#include "sim_check.h"
#include "sim_machine.h"
#include "text_views.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>

#define INDENT 7

struct mapping {
	uint64_t start;
	uint64_t pages;
};

struct object {
	int id;
	uint64_t size; /* bytes, as the scenario last set it */
};

struct proc {
	int id;
	uint64_t base_minor, base_major; /* at the previous `expect faults` */
};

struct runner {
	const struct scn_file *f;
	const struct scn_run_options *opt;
	FILE *out;
	struct scn_backend *be;
	struct scn_text_tracer *tt;
	GHashTable *procs;    /* name -> struct proc */
	GHashTable *maps;     /* name -> struct mapping */
	GHashTable *objects;  /* name -> struct object */
	int nobjects;
	GHashTable *vm_base;  /* vmstat name -> value at start (int64 in a pointer-sized box) */
	int nprocs;
	uint64_t write_seq;   /* values of writes without "= V" */
	int passed, failed;
	GError *refusal;      /* a resource ran out while running */
};

static void refuse(GError **err, const struct scn_file *f, struct scn_loc loc, const char *what)
{
	char *msg = scn_format_error(f, loc, what);

	g_set_error_literal(err, SCN_ERROR, SCN_ERROR_REFUSED, msg);
	g_free(msg);
}

/* What the model does not do yet, by statement kind; NULL when supported. */
static const char *unsupported_kind(const struct scn_stmt *s)
{
	switch (s->kind) {
	case SCN_MADVISE:
		if (s->madvise == SCN_MADV_WILLNEED)
			return "madvise willneed (swap-in ahead of faults)";
		if (s->madvise == SCN_MADV_FREE)
			return "madvise free (lazy freeing)";
		return NULL;

	default:
		return NULL;
	}
}

/* The config keys whose non-default values only matter to features not built yet. */
static const char *unsupported_config(const struct scn_config *c)
{
	return NULL;
}

/* Counters named by expect meminfo/vmstat/smaps must be ones the model keeps. */
static bool check_keys(const struct scn_file *f, const struct scn_stmt *s, GError **err)
{
	for (int i = 0; i < s->nkvs; i++) {
		const char *k = s->kvs[i].key;
		bool ok = s->kind == SCN_EXPECT_MEMINFO ? scn_sim_knows_meminfo(k)
			  : s->kind == SCN_EXPECT_VMSTAT ? scn_sim_knows_vmstat(k)
			  : s->kind == SCN_EXPECT_SMAPS	 ? scn_sim_knows_smaps(k)
							 : true;
		if (!ok) {
			char *what = g_strdup_printf("the simulator does not count '%s' (yet); "
						     "run 'show %s' to see the fields it has",
						     k, s->kind == SCN_EXPECT_SMAPS ? "A smaps"
							: s->kind == SCN_EXPECT_MEMINFO ? "meminfo"
											: "vmstat");
			refuse(err, f, s->kvs[i].loc, what);
			g_free(what);
			return false;
		}
	}
	return true;
}

/* Does page/byte reference @r fit in a mapping of @pages pages? */
static bool ref_fits(const struct scn_ref *r, uint64_t pages)
{
	if (r->kind == SCN_REF_PAGES)
		return r->last < pages;
	if (r->kind == SCN_REF_BYTE)
		return r->offset + 8 <= pages * SCN_PAGE_SIZE;
	return true;
}

static bool is_mapping_ref(const struct scn_stmt *s)
{
	switch (s->kind) {
	case SCN_MUNMAP:
	case SCN_MPROTECT:
	case SCN_MADVISE:
	case SCN_MSYNC:
	case SCN_READ:
	case SCN_WRITE:
	case SCN_EXPECT_PAGE:
	case SCN_EXPECT_SAME:
	case SCN_EXPECT_DIFFERS:
		return true;
	default:
		return false;
	}
}

static bool check_ref(const struct scn_file *f, GHashTable *sizes, const struct scn_ref *r,
		      GError **err)
{
	gpointer v;
	uint64_t pages;
	char *what;

	if (!r->name || !g_hash_table_lookup_extended(sizes, r->name, NULL, &v))
		return true;
	pages = (uint64_t)(uintptr_t)v;
	if (ref_fits(r, pages))
		return true;
	if (r->kind == SCN_REF_PAGES && !pages)
		what = g_strdup_printf("page %" PRIu64 " is outside mapping '%s' (it has no pages "
				       "at this point)", r->last, r->name);
	else if (r->kind == SCN_REF_PAGES)
		what = g_strdup_printf("page %" PRIu64 " is outside mapping '%s' (pages 0..%" PRIu64
				       " at this point)", r->last, r->name, pages - 1);
	else
		what = g_strdup_printf("byte %" PRIu64 " is outside mapping '%s' (%" PRIu64
				       " bytes at this point)", r->offset + 7, r->name,
				       (uint64_t)(pages * SCN_PAGE_SIZE));
	refuse(err, f, r->loc, what);
	g_free(what);
	return false;
}

bool scn_check_supported(const struct scn_file *f, GError **err)
{
	GHashTable *sizes = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *segs = g_hash_table_new(g_str_hash, g_str_equal);
	const char *cfg = unsupported_config(&f->config);
	bool ok = true;

	if (cfg) {
		struct scn_loc loc = { 1, 1 };

		for (int i = 0; i < f->nstmts; i++)
			if (f->stmts[i].kind == SCN_CONFIG) {
				loc = f->stmts[i].loc;
				break;
			}
		char *what = g_strdup_printf("not supported yet: %s", cfg);
		refuse(err, f, loc, what);
		g_free(what);
		ok = false;
	}
	for (int i = 0; ok && i < f->nstmts; i++) {
		const struct scn_stmt *s = &f->stmts[i];
		const char *why = unsupported_kind(s);

		if (why) {
			char *what = g_strdup_printf("not supported yet: %s", why);

			refuse(err, f, s->loc, what);
			g_free(what);
			ok = false;
			break;
		}
		ok = check_keys(f, s, err);
		if (ok && s->kind == SCN_MMAP && s->outcome.kind == SCN_OUT_OK)
			g_hash_table_insert(sizes, s->name,
					    (gpointer)(uintptr_t)(s->mmap.size / SCN_PAGE_SIZE));
		if (ok && s->kind == SCN_SHMGET && s->outcome.kind == SCN_OUT_OK)
			g_hash_table_insert(segs, s->name, (gpointer)(uintptr_t)s->size);
		if (ok && s->kind == SCN_SHMAT && s->outcome.kind == SCN_OUT_OK) {
			uint64_t bytes = (uintptr_t)g_hash_table_lookup(segs, s->object);

			g_hash_table_insert(sizes, s->name, (gpointer)(uintptr_t)(
						    (bytes + SCN_PAGE_SIZE - 1) / SCN_PAGE_SIZE));
		}
		if (ok && s->kind == SCN_MREMAP && s->outcome.kind == SCN_OUT_OK)
			g_hash_table_insert(sizes, s->ref.name,
					    (gpointer)(uintptr_t)(s->size / SCN_PAGE_SIZE));
		if (ok && is_mapping_ref(s))
			ok = check_ref(f, sizes, &s->ref, err);
		if (ok && (s->kind == SCN_EXPECT_SAME || s->kind == SCN_EXPECT_DIFFERS))
			ok = check_ref(f, sizes, &s->ref2, err);
	}
	g_hash_table_destroy(sizes);
	g_hash_table_destroy(segs);
	return ok && scn_check_limits(f, err);
}

/* ---- running ---------------------------------------------------------- */

static struct proc *proc_of(struct runner *r, const char *name)
{
	struct proc *p = g_hash_table_lookup(r->procs, name);

	BUG_ON(!p); /* the parser checked every name */
	return p;
}

static struct object *obj_of(struct runner *r, const char *name)
{
	struct object *o = g_hash_table_lookup(r->objects, name);

	BUG_ON(!o);
	return o;
}

static struct object *new_object(struct runner *r, const char *name, uint64_t size)
{
	struct object *o = g_new0(struct object, 1);

	o->id = r->nobjects++;
	o->size = size;
	g_hash_table_replace(r->objects, (gpointer)name, o);
	return o;
}

static struct mapping *map_of(struct runner *r, const char *name)
{
	struct mapping *m = g_hash_table_lookup(r->maps, name);

	BUG_ON(!m);
	return m;
}

/* The pages [*first, *last] a reference names in something @pages pages long. */
static void ref_range(const struct scn_ref *ref, uint64_t pages, uint64_t *first, uint64_t *last)
{
	switch (ref->kind) {
	case SCN_REF_ALL:
		*first = 0;
		*last = pages ? pages - 1 : 0;
		break;
	case SCN_REF_PAGES:
		*first = ref->first;
		*last = ref->last;
		break;
	case SCN_REF_BYTE:
		*first = *last = ref->offset / SCN_PAGE_SIZE;
		break;
	}
}

/* The pages [*first, *last] a reference names in a mapping. */
static void ref_pages(struct runner *r, const struct scn_ref *ref, uint64_t *first, uint64_t *last)
{
	ref_range(ref, map_of(r, ref->name)->pages, first, last);
}

/* The pages [*first, *last] a reference names in an object (obj_ref_pos: its bytes). */
static void obj_ref_pages(struct runner *r, const struct scn_ref *ref, uint64_t *first,
			  uint64_t *last)
{
	struct object *o = obj_of(r, ref->name);

	ref_range(ref, (o->size + SCN_PAGE_SIZE - 1) / SCN_PAGE_SIZE, first, last);
}

static uint64_t obj_ref_pos(const struct scn_ref *ref, uint64_t i)
{
	return ref->kind == SCN_REF_BYTE ? ref->offset : i * SCN_PAGE_SIZE;
}

/* The address of page @i of the reference (a byte reference: its exact address). */
static uint64_t ref_addr(struct runner *r, const struct scn_ref *ref, uint64_t i)
{
	struct mapping *m = map_of(r, ref->name);

	if (ref->kind == SCN_REF_BYTE)
		return m->start + ref->offset;
	return m->start + i * SCN_PAGE_SIZE;
}

static void say(struct runner *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void say(struct runner *r, const char *fmt, ...)
{
	va_list ap;

	if (r->opt->trace == SCN_TRACE_NONE)
		return;
	fprintf(r->out, "%*s", INDENT, "");
	va_start(ap, fmt);
	vfprintf(r->out, fmt, ap);
	va_end(ap);
	fputc('\n', r->out);
}

static void fail(struct runner *r, const struct scn_stmt *s, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);
static void fail(struct runner *r, const struct scn_stmt *s, const char *fmt, ...)
{
	va_list ap;

	r->failed++;
	fprintf(r->out, "%s:%d: FAILED: %s\n%*s", r->f->path, s->loc.line, s->src, INDENT, "");
	va_start(ap, fmt);
	vfprintf(r->out, fmt, ap);
	va_end(ap);
	fputc('\n', r->out);
}

static void pass(struct runner *r)
{
	r->passed++;
	say(r, "ok");
}

/* "ENOMEM", or the number for an errno the language has no name for. */
static const char *errno_text(int err, char *buf, size_t len)
{
	const char *name = scn_errno_name(err);

	if (name)
		return name;
	snprintf(buf, len, "errno %d", err);
	return buf;
}

/* A call returned @err: compare with what the statement expects. */
static bool check_outcome(struct runner *r, const struct scn_stmt *s, int err)
{
	char a[32], b[32];

	if (s->outcome.kind == SCN_OUT_ERRNO) {
		if (err == -s->outcome.code) {
			pass(r);
			return false;
		}
		fail(r, s, "expected the call to fail with %s, but it %s%s",
		     errno_text(s->outcome.code, a, sizeof(a)), err ? "failed with " : "succeeded",
		     err ? errno_text(-err, b, sizeof(b)) : "");
		return false;
	}
	if (err) {
		fail(r, s, "the call failed with %s (write '-> %s' if that is expected)",
		     errno_text(-err, a, sizeof(a)), errno_text(-err, b, sizeof(b)));
		return false;
	}
	return true;
}

static void run_mmap(struct runner *r, const struct scn_stmt *s)
{
	uint64_t addr = 0;
	int obj = s->mmap.anon ? -1 : obj_of(r, s->mmap.object)->id;
	int err = r->be->ops->mmap(r->be, proc_of(r, s->proc)->id, &s->mmap, obj, &addr);

	if (!check_outcome(r, s, err))
		return;
	struct mapping *m = g_new0(struct mapping, 1);

	m->start = addr;
	m->pages = s->mmap.size / SCN_PAGE_SIZE;
	g_hash_table_replace(r->maps, s->name, m);
	say(r, "%s = %#" PRIx64 " (%" PRIu64 " pages)", s->name, addr, m->pages);
}

/* munmap, mprotect, madvise on a page reference. */
static void run_range_call(struct runner *r, const struct scn_stmt *s)
{
	uint64_t first, last, addr, len;
	int id = proc_of(r, s->proc)->id, err;

	ref_pages(r, &s->ref, &first, &last);
	addr = ref_addr(r, &s->ref, first) & ~(SCN_PAGE_SIZE - 1);
	len = (last - first + 1) * SCN_PAGE_SIZE;
	if (s->kind == SCN_MUNMAP)
		err = r->be->ops->munmap(r->be, id, addr, len);
	else if (s->kind == SCN_MSYNC)
		err = r->be->ops->msync(r->be, id, addr, len, &s->msync);
	else if (s->kind == SCN_MPROTECT)
		err = r->be->ops->mprotect(r->be, id, addr, len, s->prot);
	else
		err = r->be->ops->madvise(r->be, id, addr, len, s->madvise);
	if (check_outcome(r, s, err))
		say(r, "= 0");
}

static void run_mremap(struct runner *r, const struct scn_stmt *s)
{
	struct mapping *m = map_of(r, s->ref.name);
	uint64_t new_addr = 0;
	int err = r->be->ops->mremap(r->be, proc_of(r, s->proc)->id, m->start,
				     m->pages * SCN_PAGE_SIZE, s->size, s->maymove, &new_addr);

	if (!check_outcome(r, s, err))
		return;
	m->start = new_addr;
	m->pages = s->size / SCN_PAGE_SIZE;
	say(r, "%s = %#" PRIx64 " (%" PRIu64 " pages)", s->ref.name, new_addr, m->pages);
}

static bool ran_out_of_memory(struct runner *r, const struct scn_stmt *s)
{
	char *what = g_strdup_printf("the simulated RAM (ram=%" PRIu64 "p) is exhausted and "
				     "neither reclaim nor the OOM killer could free a frame; raise "
				     "'config ram=' or 'swap='", r->f->config.ram_pages);

	refuse(&r->refusal, r->f, s->loc, what);
	g_free(what);
	return false;
}

/* One access of a read or write statement. Returns false to stop the run. */
static bool run_one_access(struct runner *r, const struct scn_stmt *s, int id, uint64_t page,
			   uint64_t addr)
{
	bool write = s->kind == SCN_WRITE;
	uint64_t before_min, before_maj, after_min, after_maj, value;
	int sig;

	if (write)
		value = s->access.has_value ? s->access.value : ++r->write_seq;
	r->be->ops->observe_faults(r->be, id, &before_min, &before_maj);
	sig = r->be->ops->access(r->be, id, addr, write, &value);
	scn_text_tracer_flush(r->tt);
	if (sig == -ENOMEM)
		return ran_out_of_memory(r, s);
	r->be->ops->observe_faults(r->be, id, &after_min, &after_maj);

	if (sig) {
		if (s->outcome.kind == SCN_OUT_SIGNAL && s->outcome.code == sig)
			pass(r);
		else
			fail(r, s, "the access at %#" PRIx64 " (page %" PRIu64 ") raised %s",
			     addr, page, scn_signal_name(sig));
		return sig != SIGKILL; /* a killed process does nothing more */
	}
	if (s->outcome.kind == SCN_OUT_SIGNAL) {
		fail(r, s, "expected %s at %#" PRIx64 " (page %" PRIu64 "), but the access succeeded",
		     scn_signal_name(s->outcome.code), addr, page);
		return true;
	}
	say(r, "%s %#" PRIx64 " %s %#" PRIx64 "  (%s)", write ? "write" : "read", addr,
	    write ? ":=" : "=", value,
	    after_maj > before_maj	 ? "major fault"
	    : after_min > before_min ? (after_min - before_min > 1 ? "minor faults" : "minor fault")
				     : "no fault");
	if (!write && s->access.cmp != SCN_CMP_NONE) {
		bool eq = value == s->access.value;

		if (eq == (s->access.cmp == SCN_CMP_EQ))
			pass(r);
		else
			fail(r, s, "page %" PRIu64 " read %#" PRIx64 ", expected %s %#" PRIx64, page,
			     value, s->access.cmp == SCN_CMP_EQ ? "==" : "!=", s->access.value);
	}
	return true;
}

static bool run_access(struct runner *r, const struct scn_stmt *s)
{
	uint64_t first, last;
	int id = proc_of(r, s->proc)->id;

	ref_pages(r, &s->ref, &first, &last);
	for (uint64_t i = first; i <= last; i++) {
		if (!run_one_access(r, s, id, i, ref_addr(r, &s->ref, i)))
			return !r->refusal; /* a refusal stops the run; a kill only the statement */
	}
	return true;
}

/* "present writable" for the words set in @w. */
static void words_text(unsigned w, GString *out)
{
	for (int i = 0; i < SCN_NR_WORDS; i++)
		if (w & (1u << i))
			g_string_append_printf(out, "%s%s", out->len ? " " : "", scn_word_name(1u << i));
}

static void expect_page(struct runner *r, const struct scn_stmt *s)
{
	uint64_t first, last;
	int id = proc_of(r, s->proc)->id;
	bool ok = true;

	ref_pages(r, &s->ref, &first, &last);
	for (uint64_t i = first; i <= last; i++) {
		struct scn_page_obs obs;
		unsigned missing;

		r->be->ops->observe_page(r->be, id, ref_addr(r, &s->ref, i), &obs);
		missing = s->words & ~obs.words & ~obs.unknown;
		if (!missing)
			continue;
		g_autoptr(GString) want = g_string_new("");
		g_autoptr(GString) have = g_string_new("");

		words_text(missing, want);
		words_text(obs.words, have);
		fail(r, s, "page %" PRIu64 " is not %s; it is: %s", i, want->str, have->str);
		ok = false;
	}
	if (ok)
		pass(r);
}

static void expect_same(struct runner *r, const struct scn_stmt *s)
{
	uint64_t f1, l1, f2, l2;
	int a = proc_of(r, s->proc)->id, b = proc_of(r, s->name2)->id;
	bool want_same = s->kind == SCN_EXPECT_SAME, ok = true;

	ref_pages(r, &s->ref, &f1, &l1);
	ref_pages(r, &s->ref2, &f2, &l2);
	if (l1 - f1 != l2 - f2) {
		fail(r, s, "the two ranges have different lengths");
		return;
	}
	for (uint64_t i = 0; i <= l1 - f1; i++) {
		struct scn_page_obs x, y;
		bool same;

		r->be->ops->observe_page(r->be, a, ref_addr(r, &s->ref, f1 + i), &x);
		r->be->ops->observe_page(r->be, b, ref_addr(r, &s->ref2, f2 + i), &y);
		same = x.has_frame && y.has_frame && x.frame == y.frame;
		if (same == want_same)
			continue;
		fail(r, s, "page %" PRIu64 ": %s (pfn %s%#" PRIx64 " and %s%#" PRIx64 ")", f1 + i,
		     same ? "same frame" : "different frames", x.has_frame ? "" : "none ",
		     x.frame, y.has_frame ? "" : "none ", y.frame);
		ok = false;
	}
	if (ok)
		pass(r);
}

/* Compare one KEY=VALUE; @unit "B" prints sizes in kB. */
static bool expect_value(struct runner *r, const struct scn_stmt *s, const struct scn_kv *kv,
			 int64_t actual, bool bytes)
{
	if ((int64_t)kv->value == actual)
		return true;
	if (bytes)
		fail(r, s, "%s is %" PRId64 "k, expected %" PRIu64 "k", kv->key, actual / 1024,
		     kv->value / 1024);
	else
		fail(r, s, "%s is %" PRId64 ", expected %" PRIu64, kv->key, actual, kv->value);
	return false;
}

static void expect_faults(struct runner *r, const struct scn_stmt *s)
{
	struct proc *p = proc_of(r, s->proc);
	uint64_t minor, major;
	bool ok = true;

	r->be->ops->observe_faults(r->be, p->id, &minor, &major);
	for (int i = 0; i < s->nkvs; i++) {
		bool is_minor = strcmp(s->kvs[i].key, "minor") == 0;

		ok &= expect_value(r, s, &s->kvs[i],
				   (int64_t)(is_minor ? minor - p->base_minor : major - p->base_major),
				   false);
	}
	p->base_minor = minor;
	p->base_major = major;
	if (ok)
		pass(r);
}

static void expect_rss(struct runner *r, const struct scn_stmt *s)
{
	struct scn_rss rss;
	bool ok = true;

	r->be->ops->observe_rss(r->be, proc_of(r, s->proc)->id, &rss);
	for (int i = 0; i < s->nkvs; i++) {
		const char *k = s->kvs[i].key;
		uint64_t v = strcmp(k, "rss") == 0	? rss.anon + rss.file + rss.shmem
			     : strcmp(k, "anon") == 0	? rss.anon
			     : strcmp(k, "file") == 0	? rss.file
			     : strcmp(k, "shmem") == 0 ? rss.shmem
						       : rss.swap;
		ok &= expect_value(r, s, &s->kvs[i], (int64_t)v, true);
	}
	if (ok)
		pass(r);
}

static void expect_smaps(struct runner *r, const struct scn_stmt *s)
{
	struct mapping *m = map_of(r, s->ref.name);
	int id = proc_of(r, s->proc)->id;
	bool ok = true;

	for (int i = 0; i < s->nkvs; i++) {
		uint64_t v = 0;

		r->be->ops->observe_smaps(r->be, id, m->start, m->start + m->pages * SCN_PAGE_SIZE,
					  s->kvs[i].key, &v);
		ok &= expect_value(r, s, &s->kvs[i], (int64_t)v, true);
	}
	if (ok)
		pass(r);
}

static void expect_counters(struct runner *r, const struct scn_stmt *s)
{
	bool ok = true;

	for (int i = 0; i < s->nkvs; i++) {
		const char *k = s->kvs[i].key;

		if (s->kind == SCN_EXPECT_MEMINFO) {
			uint64_t v = 0;

			r->be->ops->observe_meminfo(r->be, k, &v);
			ok &= expect_value(r, s, &s->kvs[i], (int64_t)v, true);
		} else {
			int64_t v = 0;

			r->be->ops->observe_vmstat(r->be, k, &v);
			v -= (int64_t)(intptr_t)g_hash_table_lookup(r->vm_base, k);
			ok &= expect_value(r, s, &s->kvs[i], v, false);
		}
	}
	if (ok)
		pass(r);
}

static void run_show(struct runner *r, const struct scn_stmt *s, FILE *to)
{
	if (r->opt->backend)
		return; /* the views are drawn from the model */

	struct sim_machine *m = scn_sim_backend_machine(r->be);
	g_autoptr(GString) out = g_string_new("");
	struct task_struct *t = s->proc ? scn_sim_backend_task(r->be, proc_of(r, s->proc)->id) : NULL;

	switch (s->view) {
	case SCN_VIEW_PAGETABLE:
		viz_text_pagetable(out, t);
		break;
	case SCN_VIEW_MAPS:
		viz_text_maps(out, t);
		break;
	case SCN_VIEW_SMAPS:
		viz_text_smaps(out, t);
		break;
	case SCN_VIEW_FRAMES:
		viz_text_frames(out, m);
		break;
	case SCN_VIEW_MEMINFO:
		viz_text_meminfo(out, m);
		break;
	case SCN_VIEW_VMSTAT:
		viz_text_vmstat(out, m);
		break;
	case SCN_VIEW_SWAP:
		viz_text_swap(out, m);
		break;
	case SCN_VIEW_LRU:
		viz_text_lru(out, m);
		break;
	case SCN_VIEW_CACHE:
		viz_text_cache(out, scn_sim_backend_inode(r->be, obj_of(r, s->object)->id),
			       r->f->config.tree == SCN_TREE_XARRAY);
		break;
	default:
		BUG(); /* refused before the run */
	}
	fputs(out->str, to);
}

/* ---- objects: files and shared memory --------------------------------- */

/* file, shm_open, memfd, shmget: make the object and name it. */
static void run_object(struct runner *r, const struct scn_stmt *s)
{
	struct object *o = new_object(r, s->name, s->size);
	const struct scn_backend_ops *ops = r->be->ops;
	int err;

	switch (s->kind) {
	case SCN_FILE:
		err = ops->file(r->be, o->id, s->name, s->size, s->cached_all);
		break;
	case SCN_SHM_OPEN:
		err = ops->shm_open(r->be, o->id, s->text, s->size);
		break;
	case SCN_MEMFD:
		err = ops->memfd(r->be, o->id, s->text, s->size);
		break;
	default:
		err = ops->shmget(r->be, o->id, s->key, s->size);
		break;
	}
	if (err == -ENOMEM && s->kind == SCN_FILE) { /* cached=all could not be filled */
		ran_out_of_memory(r, s);
		return;
	}
	if (check_outcome(r, s, err))
		say(r, "%s: %" PRIu64 " bytes", s->name, s->size);
	else
		g_hash_table_remove(r->objects, s->name);
}

static void run_shmat(struct runner *r, const struct scn_stmt *s)
{
	struct object *o = obj_of(r, s->object);
	uint64_t addr = 0;
	int err = r->be->ops->shmat(r->be, proc_of(r, s->proc)->id, o->id, s->prot,
				    s->has_at ? s->at : 0, &addr);

	if (!check_outcome(r, s, err))
		return;
	struct mapping *m = g_new0(struct mapping, 1);

	m->start = addr;
	m->pages = (o->size + SCN_PAGE_SIZE - 1) / SCN_PAGE_SIZE;
	g_hash_table_replace(r->maps, s->name, m);
	say(r, "%s = %#" PRIx64 " (%" PRIu64 " pages)", s->name, addr, m->pages);
}

/* shmdt, shmctl rmid, shm_unlink, ftruncate, fsync: one call, one result. */
static void run_object_call(struct runner *r, const struct scn_stmt *s)
{
	const struct scn_backend_ops *ops = r->be->ops;
	int err;

	switch (s->kind) {
	case SCN_SHMDT:
		err = ops->shmdt(r->be, proc_of(r, s->proc)->id, map_of(r, s->ref.name)->start);
		break;
	case SCN_SHMCTL:
		err = ops->shmctl_rmid(r->be, obj_of(r, s->object)->id);
		break;
	case SCN_SHM_UNLINK:
		err = ops->shm_unlink(r->be, s->text);
		break;
	case SCN_FTRUNCATE:
		err = ops->ftruncate(r->be, obj_of(r, s->object)->id, s->size);
		if (!err)
			obj_of(r, s->object)->size = s->size;
		break;
	default:
		err = ops->fsync(r->be, obj_of(r, s->object)->id);
		break;
	}
	if (check_outcome(r, s, err))
		say(r, "= 0");
}

static void run_fadvise(struct runner *r, const struct scn_stmt *s)
{
	uint64_t first, last;
	int err;

	obj_ref_pages(r, &s->ref, &first, &last);
	err = r->be->ops->fadvise(r->be, obj_of(r, s->ref.name)->id, first * SCN_PAGE_SIZE,
				  (last - first + 1) * SCN_PAGE_SIZE, s->fadvise_willneed);
	if (check_outcome(r, s, err))
		say(r, "= 0");
}

/* pwrite and pread: one word per page of the reference, through the page cache. */
static bool run_file_io(struct runner *r, const struct scn_stmt *s)
{
	struct object *o = obj_of(r, s->ref.name);
	uint64_t first, last;

	obj_ref_pages(r, &s->ref, &first, &last);
	for (uint64_t i = first; i <= last; i++) {
		uint64_t pos = obj_ref_pos(&s->ref, i), value;
		bool eof = false;
		int err;

		if (s->kind == SCN_PWRITE) {
			value = s->access.has_value ? s->access.value : ++r->write_seq;
			err = r->be->ops->pwrite(r->be, o->id, pos, value);
			if (!err && pos + 8 > o->size)
				o->size = pos + 8;
		} else {
			err = r->be->ops->pread(r->be, o->id, pos, &value, &eof);
		}
		scn_text_tracer_flush(r->tt);
		if (err == -ENOMEM)
			return ran_out_of_memory(r, s);
		if (!check_outcome(r, s, err))
			return true;
		say(r, "%s %s+%#" PRIx64 " %s %#" PRIx64 "%s", s->kind == SCN_PWRITE ? "pwrite" : "pread",
		    s->ref.name, pos, s->kind == SCN_PWRITE ? ":=" : "=", value,
		    eof ? "  (end of file: nothing read)" : "");
		if (s->kind == SCN_PREAD && s->access.cmp != SCN_CMP_NONE) {
			if ((value == s->access.value) == (s->access.cmp == SCN_CMP_EQ))
				pass(r);
			else
				fail(r, s, "page %" PRIu64 " read %#" PRIx64 ", expected %s %#" PRIx64,
				     i, value, s->access.cmp == SCN_CMP_EQ ? "==" : "!=",
				     s->access.value);
		}
	}
	return true;
}

static const char *const cache_state_names[] = {
	[SCN_CACHE_PAGE] = "page", [SCN_CACHE_SWAP] = "swap",
	[SCN_CACHE_SHADOW] = "shadow", [SCN_CACHE_EMPTY] = "empty",
};

static void expect_swap(struct runner *r, const struct scn_stmt *s)
{
	uint64_t used, cached;
	bool ok = true;

	r->be->ops->observe_swap(r->be, &used, &cached);
	for (int i = 0; i < s->nkvs; i++)
		ok &= expect_value(r, s, &s->kvs[i],
				   (int64_t)(strcmp(s->kvs[i].key, "used") == 0 ? used : cached), false);
	if (ok)
		pass(r);
}

static void expect_cache(struct runner *r, const struct scn_stmt *s)
{
	uint64_t first, last;
	bool ok = true;

	obj_ref_pages(r, &s->ref, &first, &last);
	for (uint64_t i = first; i <= last; i++) {
		enum scn_cache_state st = r->be->ops->observe_cache(r->be, obj_of(r, s->ref.name)->id, i);

		if (st == s->cache_state)
			continue;
		fail(r, s, "slot %" PRIu64 " holds %s, not %s", i, cache_state_names[st],
		     cache_state_names[s->cache_state]);
		ok = false;
	}
	if (ok)
		pass(r);
}

/*
 * A mapping or object the statement names that a failed call never made
 * (the parser checked the names; whether the calls succeed is run time).
 */
static const char *unbound_name(struct runner *r, const struct scn_stmt *s)
{
	if (is_mapping_ref(s) || s->kind == SCN_MREMAP || s->kind == SCN_SHMDT ||
	    s->kind == SCN_EXPECT_SMAPS) {
		if (s->ref.name && !g_hash_table_contains(r->maps, s->ref.name))
			return s->ref.name;
		if (s->ref2.name && !g_hash_table_contains(r->maps, s->ref2.name))
			return s->ref2.name;
	}
	if ((s->kind == SCN_PWRITE || s->kind == SCN_PREAD || s->kind == SCN_FADVISE ||
	     s->kind == SCN_EXPECT_CACHE) && !g_hash_table_contains(r->objects, s->ref.name))
		return s->ref.name;
	if ((s->kind == SCN_SHMAT || s->kind == SCN_SHMCTL || s->kind == SCN_FTRUNCATE ||
	     s->kind == SCN_FSYNC || (s->kind == SCN_SHOW && s->view == SCN_VIEW_CACHE) ||
	     (s->kind == SCN_MMAP && !s->mmap.anon)) &&
	    !g_hash_table_contains(r->objects, s->kind == SCN_MMAP ? s->mmap.object : s->object))
		return s->kind == SCN_MMAP ? s->mmap.object : s->object;
	return NULL;
}

/* Statements a process does itself (not observations of it). */
static bool is_action(enum scn_kind k)
{
	return k == SCN_MMAP || k == SCN_MUNMAP || k == SCN_MPROTECT || k == SCN_MREMAP ||
	       k == SCN_MSYNC || k == SCN_MADVISE || k == SCN_READ || k == SCN_WRITE ||
	       k == SCN_SHMAT || k == SCN_SHMDT || k == SCN_FORK;
}

/* Execute one statement. Returns false when the run must stop (a refusal). */
static bool run_stmt(struct runner *r, const struct scn_stmt *s)
{
	const char *actor = s->kind == SCN_FORK ? s->name : s->proc;
	const char *missing = unbound_name(r, s);
	struct proc *p;

	if (missing) {
		fail(r, s, "'%s' does not exist: the call that should have made it failed", missing);
		return true;
	}
	if (is_action(s->kind) && actor &&
	    !r->be->ops->observe_alive(r->be, proc_of(r, actor)->id)) {
		fail(r, s, "process %s is gone (the OOM killer ended it): it cannot do this", actor);
		return true;
	}
	switch (s->kind) {
	case SCN_TITLE:
	case SCN_CONFIG:
		return true;
	case SCN_PROCESS:
		p = g_new0(struct proc, 1);
		p->id = r->nprocs++;
		g_hash_table_insert(r->procs, s->name, p);
		r->be->ops->process(r->be, p->id, s->name);
		return true;
	case SCN_FORK:
		p = g_new0(struct proc, 1);
		p->id = r->nprocs++;
		g_hash_table_insert(r->procs, s->name2, p);
		if (!check_outcome(r, s, r->be->ops->fork(r->be, proc_of(r, s->name)->id, p->id,
							  s->name2)))
			g_hash_table_remove(r->procs, s->name2); /* no child came of it */
		return true;
	case SCN_EXIT:
		r->be->ops->exit(r->be, proc_of(r, s->name)->id);
		return true;
	case SCN_MMAP:
		run_mmap(r, s);
		return true;
	case SCN_MUNMAP:
	case SCN_MPROTECT:
	case SCN_MADVISE:
	case SCN_MSYNC:
		run_range_call(r, s);
		return !r->refusal;
	case SCN_FILE:
	case SCN_SHM_OPEN:
	case SCN_MEMFD:
	case SCN_SHMGET:
		run_object(r, s);
		return !r->refusal;
	case SCN_SHMAT:
		run_shmat(r, s);
		return true;
	case SCN_SHMDT:
	case SCN_SHMCTL:
	case SCN_SHM_UNLINK:
	case SCN_FTRUNCATE:
	case SCN_FSYNC:
		run_object_call(r, s);
		return true;
	case SCN_FADVISE:
		run_fadvise(r, s);
		return true;
	case SCN_PWRITE:
	case SCN_PREAD:
		return run_file_io(r, s);
	case SCN_EXPECT_CACHE:
		expect_cache(r, s);
		return true;
	case SCN_EXPECT_SWAP:
		expect_swap(r, s);
		return true;
	case SCN_RECLAIM: {
		uint64_t freed = r->be->ops->reclaim(r->be, s->reclaim_all ? UINT64_MAX : s->count,
						     s->reclaim_lru != SCN_LRU_FILE,
						     s->reclaim_lru != SCN_LRU_ANON);

		say(r, "%" PRIu64 " pages reclaimed", freed);
		return true;
	}
	case SCN_WRITEBACK:
		r->be->ops->writeback(r->be);
		say(r, "in-flight writeback completed");
		return true;
	case SCN_MREMAP:
		run_mremap(r, s);
		return true;
	case SCN_READ:
	case SCN_WRITE:
		return run_access(r, s);
	case SCN_EXPECT_PAGE:
		expect_page(r, s);
		return true;
	case SCN_EXPECT_SAME:
	case SCN_EXPECT_DIFFERS:
		expect_same(r, s);
		return true;
	case SCN_EXPECT_FAULTS:
		expect_faults(r, s);
		return true;
	case SCN_EXPECT_RSS:
		expect_rss(r, s);
		return true;
	case SCN_EXPECT_SMAPS:
		expect_smaps(r, s);
		return true;
	case SCN_EXPECT_KILLED:
	case SCN_EXPECT_ALIVE: {
		bool alive = r->be->ops->observe_alive(r->be, proc_of(r, s->proc)->id);

		if (alive == (s->kind == SCN_EXPECT_ALIVE))
			pass(r);
		else
			fail(r, s, "process %s is %s", s->proc, alive ? "alive" : "not alive");
		return true;
	}
	case SCN_EXPECT_MEMINFO:
	case SCN_EXPECT_VMSTAT:
		expect_counters(r, s);
		return true;
	case SCN_SAY:
		fprintf(r->out, "%*s\"%s\"\n", INDENT, "", s->text);
		return true;
	case SCN_SNAPSHOT:
		fprintf(r->out, "%*s-- snapshot \"%s\" --\n", INDENT, "", s->text);
		return true;
	case SCN_SHOW:
		run_show(r, s, r->out);
		return true;
	default:
		BUG(); /* refused before the run */
	}
}

static void check_invariants(struct runner *r, const struct scn_stmt *s)
{
	char why[512];

	if (sim_check_machine(scn_sim_backend_machine(r->be), why, sizeof(why)))
		return;
	fflush(r->out);
	fprintf(stderr, "mmsim: invariant broken after %s:%d (%s): %s\n", r->f->path, s->loc.line,
		s->src, why);
	BUG();
}

static void record_vmstat_base(struct runner *r)
{
	for (int i = 0; i < NR_VM_ITEMS; i++) {
		int64_t v = 0;

		r->be->ops->observe_vmstat(r->be, vmstat_text[i], &v);
		g_hash_table_insert(r->vm_base, (gpointer)vmstat_text[i], (gpointer)(intptr_t)v);
	}
}

/* The run in progress, for the stepper's look-ups from a hook or a listener. */
static struct runner *current_run;

static struct runner *run_on(const struct scn_backend *be)
{
	BUG_ON(!current_run || current_run->be != be);
	return current_run;
}

bool scn_run_show(struct scn_backend *be, const struct scn_stmt *s, FILE *out, GError **err)
{
	struct runner *r = run_on(be);
	const char *why = unsupported_kind(s);

	if (why) {
		g_set_error(err, SCN_ERROR, SCN_ERROR_REFUSED, "not supported yet: %s", why);
		return false;
	}
	if (s->proc && !g_hash_table_contains(r->procs, s->proc)) {
		g_set_error(err, SCN_ERROR, SCN_ERROR_REFUSED, "no process '%s' yet", s->proc);
		return false;
	}
	if (s->object && !g_hash_table_contains(r->objects, s->object)) {
		g_set_error(err, SCN_ERROR, SCN_ERROR_REFUSED, "no object '%s' yet", s->object);
		return false;
	}
	run_show(r, s, out);
	return true;
}

bool scn_run_mapping(struct scn_backend *be, const char *name, uint64_t *start, uint64_t *pages)
{
	struct mapping *m = g_hash_table_lookup(run_on(be)->maps, name);

	if (!m)
		return false;
	*start = m->start;
	*pages = m->pages;
	return true;
}

enum scn_status scn_run(const struct scn_file *f, const struct scn_run_options *opt, GError **err)
{
	struct runner r = { .f = f, .opt = opt, .out = opt->out };
	bool go = true;

	if (!scn_check_supported(f, err))
		return SCN_REFUSED;
	r.be = opt->backend ? opt->backend : scn_sim_backend_create(&f->config);
	r.procs = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	r.maps = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	r.objects = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	r.vm_base = g_hash_table_new(g_str_hash, g_str_equal);
	record_vmstat_base(&r);
	r.tt = scn_text_tracer_new(r.out, opt->trace, INDENT);
	if (opt->trace != SCN_TRACE_NONE && !opt->backend)
		scn_text_tracer_attach(r.tt, &scn_sim_backend_machine(r.be)->tracer);
	if (opt->listener && !opt->backend)
		sim_trace_attach(&scn_sim_backend_machine(r.be)->tracer, *opt->listener);

	current_run = &r;
	if (f->title)
		fprintf(r.out, "== %s: %s\n", f->path, f->title);
	for (int i = 0; go && i < f->nstmts; i++) {
		const struct scn_stmt *s = &f->stmts[i];

		if (s->kind == SCN_TITLE || s->kind == SCN_CONFIG)
			continue;
		if (opt->hook && !opt->hook(opt->hook_data, f, s, SCN_HOOK_BEFORE, r.be))
			break;
		if (opt->trace != SCN_TRACE_NONE && s->kind != SCN_SAY && s->kind != SCN_SNAPSHOT)
			fprintf(r.out, "%5d  %s\n", s->loc.line, s->src);
		go = run_stmt(&r, s);
		scn_text_tracer_flush(r.tt);
		if (go && opt->check_invariants && !opt->backend)
			check_invariants(&r, s);
		if (go && opt->hook && !opt->hook(opt->hook_data, f, s, SCN_HOOK_AFTER, r.be))
			break;
	}
	if (go)
		fprintf(r.out, "%s: %d passed, %d failed\n", f->path, r.passed, r.failed);

	/* Tearing down what is left is not part of the scenario: no narration. */
	current_run = NULL;
	if (!opt->backend) {
		sim_trace_detach(&scn_sim_backend_machine(r.be)->tracer, r.tt);
		if (opt->listener)
			sim_trace_detach(&scn_sim_backend_machine(r.be)->tracer, opt->listener->data);
	}
	scn_text_tracer_free(r.tt);
	if (!opt->backend)
		r.be->ops->destroy(r.be);
	g_hash_table_destroy(r.procs);
	g_hash_table_destroy(r.maps);
	g_hash_table_destroy(r.objects);
	g_hash_table_destroy(r.vm_base);
	if (!go) {
		g_propagate_error(err, r.refusal);
		return SCN_REFUSED;
	}
	return r.failed ? SCN_FAILED : SCN_OK;
}
