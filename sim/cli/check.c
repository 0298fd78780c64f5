// SPDX-License-Identifier: GPL-2.0
/*
 * check.c - `mmsim check FILE`: the scenario on the simulator and on the
 * real kernel, compared field by field (docs/check.md).
 *
 * The simulator runs first, with a statement hook that records where each
 * mapping went and, at every `expect` and `snapshot`, the whole observable
 * state. The real kernel then runs the same statements through the same
 * runner (sim/real/ behind the backend interface), its mappings placed at
 * the simulator's addresses, and the same state is taken at the same
 * statements. The simulator is deterministic, so running the two one after
 * the other is the same as running them in lockstep; a comparison is of two
 * lists of (field, value) for each point.
 *
 * Compared: per page of every mapping in every process, present / swapped /
 * none / zero, resident, exclusive / shared, file / anon, and which pages
 * share a frame (classes, not PFNs); per process alive, fault counts, rss,
 * smaps fields; per object page, whether the page cache holds it; system
 * counters as deltas since the start, when nothing else on the machine
 * faulted meanwhile. Not comparable: writable and dirty per page.
 */
#include "check.h"

#include "backend.h"
#include "meminfo.h"
#include "runner.h"
#include "vmstat.h"
#include "../real/real_backend.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

/*
 * What a field is about. System counters are set aside on a busy machine,
 * the run's swap device when another process swapped onto it.
 */
enum cat { CAT_PAGE, CAT_FRAME, CAT_PROC, CAT_SMAPS, CAT_CACHE, CAT_SWAP, CAT_SYSTEM };

struct field {
	char *key;
	char *value;
	enum cat cat;
};

struct point {
	int stmt;		/* index in f->stmts */
	GPtrArray *fields;	/* struct field: the side being run (in the end, the simulator's) */
	GPtrArray *sim_fields;	/* the simulator's, while the real side runs */
	GPtrArray *real_fields;	/* the real kernel's, NULL if not reached */
	struct real_noise noise; /* real side: what else moved the counters since the start */
	int64_t ra[2];		/* swap readahead pages since the start: simulator, real */
	int64_t evicted[2];	/* value entries in the objects' caches: simulator, real (-1: unknown) */
	bool taken;
};

struct obj_info {
	char *name;
	int id;
	uint64_t size;
	bool sysv;
};

struct checker {
	const struct scn_file *f;
	bool real;
	GHashTable *addr;	/* stmt index -> address the simulator chose (boxed) */
	GArray *points;		/* struct point, by order of statements */
	int next_point;
	GPtrArray *procs;	/* names by process number */
	GPtrArray *maps;	/* mapping names, in order of creation */
	GPtrArray *objs;	/* struct obj_info */
	GHashTable *sys_start;	/* "vmstat X" / "meminfo X" -> value at the start */
	struct meminfo_field mi_start[MEMINFO_NR_FIELDS];
	int mi_n;
	GHashTable *victims;	/* reclaim stmt index -> GArray of struct real_victim */
	GHashTable *before;	/* during a simulated reclaim: the pages resident before */
	struct scn_backend *real_be;
	GString *notes;		/* said after the report's header: the real runs repeated */
	/* a test-only fault injected into the real run (MMSIM_CHECK_FAULT) */
	enum { FAULT_NONE, FAULT_KILL_WORKER, FAULT_PAUSE, FAULT_SWAPON } fault;
	int fault_line;
};

/* The counters compared as deltas: the ones that follow the scenario's pages. */
static const char *const vm_keys[] = {
	"nr_anon_pages", "nr_mapped", "nr_file_pages", "nr_shmem", "nr_dirty", "nr_writeback",
	"nr_dirtied", "nr_written", "pgpgin", "pgpgout", "pswpin", "pswpout", "pgfault",
	"pgmajfault", "pgreuse", "workingset_refault_anon", "workingset_refault_file",
	"workingset_activate_anon", "workingset_activate_file", "nr_swapcached",
};
static const char *const mi_keys[] = {
	"Cached", "SwapCached", "Dirty", "Writeback", "AnonPages", "Mapped", "Shmem",
};

static void field_free(gpointer p)
{
	struct field *x = p;

	g_free(x->key);
	g_free(x->value);
	g_free(x);
}

static void add(GPtrArray *fields, enum cat cat, char *key, char *value)
{
	struct field *x = g_new0(struct field, 1);

	x->key = key;
	x->value = value;
	x->cat = cat;
	g_ptr_array_add(fields, x);
}

/* The words both sides can observe. */
#define COMPARABLE_WORDS                                                                         \
	(SCN_W_PRESENT | SCN_W_SWAPPED | SCN_W_NONE | SCN_W_ZERO | SCN_W_RESIDENT |             \
	 SCN_W_NONRESIDENT | SCN_W_EXCLUSIVE | SCN_W_SHARED | SCN_W_FILE | SCN_W_ANON)

static char *words_text(unsigned w)
{
	GString *s = g_string_new("");

	for (int i = 0; i < SCN_NR_WORDS; i++)
		if (w & (1u << i))
			g_string_append_printf(s, "%s%s", s->len ? " " : "", scn_word_name(1u << i));
	return g_string_free(s, FALSE);
}

static bool is_point(enum scn_kind k)
{
	return k == SCN_SNAPSHOT || (k >= SCN_EXPECT_PAGE && k <= SCN_EXPECT_VMSTAT);
}

/* The whole observable state of @be now. */
static void take(struct checker *c, struct scn_backend *be, struct point *pt)
{
	const struct scn_backend_ops *ops = be->ops;
	GHashTable *classes = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
	GPtrArray *fl = pt->fields;

	for (guint p = 0; p < c->procs->len; p++) {
		const char *pn = c->procs->pdata[p];
		bool alive;

		if (!pn)
			continue;
		alive = ops->observe_alive(be, (int)p);
		add(fl, CAT_PROC, g_strdup_printf("%s alive", pn), g_strdup(alive ? "yes" : "no"));
		if (!alive)
			continue;

		uint64_t min, maj;
		struct scn_rss rss;

		ops->observe_faults(be, (int)p, &min, &maj);
		add(fl, CAT_PROC, g_strdup_printf("%s faults", pn),
		    g_strdup_printf("minor=%" PRIu64 " major=%" PRIu64, min, maj));
		ops->observe_rss(be, (int)p, &rss);
		add(fl, CAT_PROC, g_strdup_printf("%s rss", pn),
		    g_strdup_printf("anon=%" PRIu64 "k file=%" PRIu64 "k shmem=%" PRIu64
				    "k swap=%" PRIu64 "k", rss.anon >> 10, rss.file >> 10,
				    rss.shmem >> 10, rss.swap >> 10));
		for (guint m = 0; m < c->maps->len; m++) {
			const char *mn = c->maps->pdata[m];
			uint64_t start, pages;

			if (!scn_run_mapping(be, mn, &start, &pages))
				continue;
			for (uint64_t i = 0; i < pages; i++) {
				struct scn_page_obs o;
				char *where = g_strdup_printf("%s %s[%" PRIu64 "]", pn, mn, i);
				const char *cls;

				ops->observe_page(be, (int)p, start + i * SCN_PAGE_SIZE, &o);
				add(fl, CAT_PAGE, g_strdup(where), words_text(o.words & COMPARABLE_WORDS));
				if (!o.has_frame)
					cls = "-";
				else if (o.words & SCN_W_ZERO)
					cls = "zero page";
				else {
					gint64 key = (gint64)o.frame;

					cls = g_hash_table_lookup(classes, &key);
					if (!cls) {
						cls = g_strdup(where);
						g_hash_table_insert(classes, g_memdup2(&key, sizeof(key)),
								    (gpointer)cls);
					}
				}
				add(fl, CAT_FRAME, g_strdup_printf("%s frame", where),
				    g_strdup_printf("as %s", cls));
				g_free(where);
			}
			static const char *const smaps_keys[] = {
				"Rss", "Pss", "Shared_Clean", "Shared_Dirty", "Private_Clean",
				"Private_Dirty", "Anonymous", "Swap", "SwapPss",
			};
			for (size_t k = 0; k < G_N_ELEMENTS(smaps_keys); k++) {
				uint64_t bytes = 0;

				ops->observe_smaps(be, (int)p, start, start + pages * SCN_PAGE_SIZE,
						   smaps_keys[k], &bytes);
				add(fl, CAT_SMAPS, g_strdup_printf("%s smaps %s %s", pn, mn, smaps_keys[k]),
				    g_strdup_printf("%" PRIu64 "k", bytes >> 10));
			}
		}
	}
	g_hash_table_destroy(classes);

	pt->evicted[c->real] = 0;
	for (guint o = 0; o < c->objs->len; o++) {
		struct obj_info *oi = c->objs->pdata[o];

		if (oi->sysv)
			continue; /* the real side sees no page cache of a SysV segment */
		if (c->real) {
			int64_t n = real_backend_evicted(be, oi->id);

			pt->evicted[1] = n < 0 || pt->evicted[1] < 0 ? -1 : pt->evicted[1] + n;
		}
		for (uint64_t i = 0; i < (oi->size + SCN_PAGE_SIZE - 1) / SCN_PAGE_SIZE; i++) {
			enum scn_cache_state st = ops->observe_cache(be, oi->id, i);
			const char *v = "no page";

			if (!c->real && (st == SCN_CACHE_SHADOW || st == SCN_CACHE_SWAP))
				pt->evicted[0]++;

			/*
			 * What both sides can see: mincore says resident for a page in
			 * the file's slot and for a tmpfs page whose slot holds a swap
			 * entry while the page waits in the swap cache; a swap entry
			 * alone is data to SEEK_DATA; shadows are invisible.
			 */
			if (st == SCN_CACHE_PAGE ||
			    (st == SCN_CACHE_SWAP && !c->real &&
			     scn_sim_backend_in_swap_cache(be, oi->id, i)))
				v = "in memory";
			else if (st == SCN_CACHE_SWAP)
				v = "on swap";
			add(fl, CAT_CACHE, g_strdup_printf("cache %s[%" PRIu64 "]", oi->name, i),
			    g_strdup(v));
		}
	}

	for (size_t i = 0; i < G_N_ELEMENTS(vm_keys); i++) {
		int64_t v = 0;
		char *key = g_strdup_printf("vmstat %s", vm_keys[i]);

		ops->observe_vmstat(be, vm_keys[i], &v);
		v -= (int64_t)(intptr_t)g_hash_table_lookup(c->sys_start, key);
		add(fl, CAT_SYSTEM, key, g_strdup_printf("%+" PRId64, v));
	}
	for (size_t i = 0; i < G_N_ELEMENTS(mi_keys); i++) {
		uint64_t v = 0;
		char *key = g_strdup_printf("meminfo %s", mi_keys[i]);

		ops->observe_meminfo(be, mi_keys[i], &v);
		add(fl, CAT_SYSTEM, key,
		    g_strdup_printf("%+" PRId64 "k",
				    ((int64_t)v - (int64_t)(intptr_t)g_hash_table_lookup(c->sys_start, key)) / 1024));
	}
	{
		uint64_t used = 0, cached = 0;

		ops->observe_swap(be, &used, &cached);
		/* slots on the run's own device: the scenario's, unless another process swapped */
		add(fl, CAT_SWAP, g_strdup("swap used"), g_strdup_printf("%" PRIu64, used));
		/* the swap cache is counted machine-wide (meminfo SwapCached) */
		add(fl, CAT_SYSTEM, g_strdup("swap cached"), g_strdup_printf("%" PRIu64, cached));
	}
	{
		int64_t ra = 0;

		ops->observe_vmstat(be, "swap_ra", &ra);
		pt->ra[c->real] = ra - (int64_t)(intptr_t)g_hash_table_lookup(c->sys_start,
									    "vmstat swap_ra");
	}
	if (c->real)
		real_backend_noise(be, &pt->noise);
	pt->taken = true;
}

static void record_start(struct checker *c, struct scn_backend *be)
{
	int64_t ra = 0;

	be->ops->observe_vmstat(be, "swap_ra", &ra);
	g_hash_table_replace(c->sys_start, g_strdup("vmstat swap_ra"), (gpointer)(intptr_t)ra);
	for (size_t i = 0; i < G_N_ELEMENTS(vm_keys); i++) {
		int64_t v = 0;

		be->ops->observe_vmstat(be, vm_keys[i], &v);
		g_hash_table_replace(c->sys_start, g_strdup_printf("vmstat %s", vm_keys[i]),
				     (gpointer)(intptr_t)v);
	}
	if (!c->real)
		meminfo_fields(scn_sim_backend_machine(be), c->mi_start, &c->mi_n);
	else
		for (int i = 0; i < c->mi_n; i++)
			real_backend_set_meminfo_base(be, c->mi_start[i].name,
						      (uint64_t)c->mi_start[i].kb << 10);
	for (size_t i = 0; i < G_N_ELEMENTS(mi_keys); i++) {
		uint64_t v = 0;

		be->ops->observe_meminfo(be, mi_keys[i], &v);
		g_hash_table_replace(c->sys_start, g_strdup_printf("meminfo %s", mi_keys[i]),
				     (gpointer)(intptr_t)v);
	}
}

/* Names the state is taken over, as the runner numbers them. */
static void follow(struct checker *c, const struct scn_stmt *s)
{
	switch (s->kind) {
	case SCN_PROCESS:
		g_ptr_array_add(c->procs, s->name);
		break;
	case SCN_FORK:
		g_ptr_array_add(c->procs, s->name2);
		break;
	case SCN_MMAP:
	case SCN_SHMAT:
		for (guint i = 0; i < c->maps->len; i++)
			if (strcmp(c->maps->pdata[i], s->name) == 0)
				return;
		g_ptr_array_add(c->maps, s->name);
		break;
	case SCN_FILE:
	case SCN_SHM_OPEN:
	case SCN_MEMFD:
	case SCN_SHMGET: {
		struct obj_info *o = g_new0(struct obj_info, 1);

		o->name = s->name;
		o->id = (int)c->objs->len;
		o->size = s->size;
		o->sysv = s->kind == SCN_SHMGET;
		g_ptr_array_add(c->objs, o);
		break;
	}
	case SCN_FTRUNCATE:
		for (guint i = 0; i < c->objs->len; i++) {
			struct obj_info *o = c->objs->pdata[i];

			if (strcmp(o->name, s->object) == 0)
				o->size = s->size;
		}
		break;
	default:
		break;
	}
}

/* One key per resident page: "P@ADDR" for a mapped page, "oO:I" for a cached one. */
static GHashTable *resident(struct checker *c, struct scn_backend *be)
{
	GHashTable *set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	for (guint p = 0; p < c->procs->len; p++) {
		if (!c->procs->pdata[p] || !be->ops->observe_alive(be, (int)p))
			continue;
		for (guint m = 0; m < c->maps->len; m++) {
			uint64_t start, pages;

			if (!scn_run_mapping(be, c->maps->pdata[m], &start, &pages))
				continue;
			for (uint64_t i = 0; i < pages; i++) {
				struct real_victim v = { .proc = (int)p, .addr = start + i * SCN_PAGE_SIZE,
							 .obj = -1 };
				struct scn_page_obs o;

				be->ops->observe_page(be, (int)p, v.addr, &o);
				if (o.words & SCN_W_PRESENT)
					g_hash_table_insert(set, g_strdup_printf("%d@%" PRIx64, v.proc, v.addr),
							    g_memdup2(&v, sizeof(v)));
			}
		}
	}
	for (guint o = 0; o < c->objs->len; o++) {
		struct obj_info *oi = c->objs->pdata[o];

		for (uint64_t i = 0; !oi->sysv && i < (oi->size + SCN_PAGE_SIZE - 1) / SCN_PAGE_SIZE; i++) {
			struct real_victim v = { .proc = -1, .obj = oi->id, .index = i };

			if (be->ops->observe_cache(be, oi->id, i) == SCN_CACHE_PAGE)
				g_hash_table_insert(set, g_strdup_printf("o%d:%" PRIu64, v.obj, v.index),
						    g_memdup2(&v, sizeof(v)));
		}
	}
	return set;
}

/* The simulator's victims of reclaim statement @idx: resident before, not after. */
static void note_victims(struct checker *c, struct scn_backend *be, int idx)
{
	GHashTable *after = resident(c, be);
	GArray *v = g_array_new(FALSE, FALSE, sizeof(struct real_victim));
	GList *keys = g_list_sort(g_hash_table_get_keys(c->before), (GCompareFunc)strcmp);

	for (GList *k = keys; k; k = k->next)
		if (!g_hash_table_contains(after, k->data))
			g_array_append_val(v, *(struct real_victim *)g_hash_table_lookup(c->before,
											  k->data));
	g_list_free(keys);
	g_hash_table_insert(c->victims, GINT_TO_POINTER(idx), v);
	g_hash_table_destroy(after);
	g_clear_pointer(&c->before, g_hash_table_destroy);
}

/* The mapping a statement creates or moves (its name), or NULL. */
static const char *placed(const struct scn_stmt *s)
{
	if (s->kind == SCN_MMAP || s->kind == SCN_SHMAT)
		return s->name;
	if (s->kind == SCN_MREMAP)
		return s->ref.name;
	return NULL;
}

/*
 * The real side stops at the first statement after its set-up failed or a
 * worker died; and the test-only faults of MMSIM_CHECK_FAULT (docs/check.md)
 * happen before the statement at their line.
 */
static bool real_side_goes_on(struct checker *c, const struct scn_stmt *s,
			      struct scn_backend *be)
{
	if (real_backend_failure(be) || real_backend_lost_worker(be) >= 0)
		return false;
	if (s->loc.line != c->fault_line)
		return true;
	if (c->fault == FAULT_KILL_WORKER) {
		int id = 0;

		for (guint i = 0; s->proc && i < c->procs->len; i++)
			if (c->procs->pdata[i] && strcmp(c->procs->pdata[i], s->proc) == 0)
				id = (int)i;
		fprintf(stderr, "mmsim check: MMSIM_CHECK_FAULT: SIGKILL to the worker of process %s "
				"before line %d\n",
			c->procs->len ? (const char *)c->procs->pdata[id] : "?", s->loc.line);
		real_backend_kill_worker(be, id);
	} else if (c->fault == FAULT_PAUSE) {
		fprintf(stderr, "mmsim check: MMSIM_CHECK_FAULT: paused before line %d\n",
			s->loc.line);
		fflush(stderr);
		for (int i = 0; i < 600; i++) /* a minute; signals end it sooner */
			g_usleep(100000);
	}
	return true;
}

static bool hook(void *data, const struct scn_file *f, const struct scn_stmt *s,
		 enum scn_hook_when when, struct scn_backend *be)
{
	struct checker *c = data;
	int idx = (int)(s - f->stmts);
	const char *name = placed(s);
	uint64_t start, pages;

	if (when == SCN_HOOK_BEFORE) {
		if (c->next_point == 0 && !g_hash_table_size(c->sys_start))
			record_start(c, be);
		if (c->real && !real_side_goes_on(c, s, be))
			return false;
		if (c->real && name) {
			gpointer a = g_hash_table_lookup(c->addr, GINT_TO_POINTER(idx + 1));

			real_backend_place(be, (uint64_t)(uintptr_t)a);
		}
		follow(c, s);
		if (s->kind == SCN_RECLAIM && !c->real)
			c->before = resident(c, be);
		if (s->kind == SCN_RECLAIM && c->real) {
			GArray *v = g_hash_table_lookup(c->victims, GINT_TO_POINTER(idx));

			real_backend_set_victims(be, v ? (struct real_victim *)v->data : NULL,
						 v ? v->len : 0);
		}
		return true;
	}
	if (s->kind == SCN_RECLAIM && !c->real && c->before)
		note_victims(c, be, idx);
	if (!c->real && name && scn_run_mapping(be, name, &start, &pages))
		g_hash_table_insert(c->addr, GINT_TO_POINTER(idx + 1), (gpointer)(uintptr_t)start);
	if (is_point(s->kind)) {
		struct point *pt = NULL;

		if (!c->real) {
			struct point np = { .stmt = idx,
					    .fields = g_ptr_array_new_with_free_func(field_free) };

			g_array_append_val(c->points, np);
			pt = &g_array_index(c->points, struct point, c->points->len - 1);
		} else {
			for (guint i = 0; i < c->points->len; i++)
				if (g_array_index(c->points, struct point, i).stmt == idx)
					pt = &g_array_index(c->points, struct point, i);
		}
		c->next_point++;
		if (pt)
			take(c, be, pt);
	}
	return true;
}

/* Does statement @s need a swap device on the real side? */
static bool needs_swap(const struct scn_file *f, const struct scn_stmt *s)
{
	if (s->kind == SCN_RECLAIM || s->kind == SCN_WRITEBACK || s->kind == SCN_EXPECT_SWAP)
		return true;
	if (s->kind != SCN_MADVISE ||
	    (s->madvise != SCN_MADV_PAGEOUT && s->madvise != SCN_MADV_COLD))
		return false;
	/* pageout of a regular file's pages needs no swap; anything else does */
	for (int i = 0; i < f->nstmts; i++) {
		const struct scn_stmt *m = &f->stmts[i];

		if (m->kind == SCN_MMAP && strcmp(m->name, s->ref.name) == 0) {
			if (m->mmap.anon)
				return true;
			for (int j = 0; j < f->nstmts; j++)
				if (f->stmts[j].kind == SCN_FILE && f->stmts[j].name &&
				    strcmp(f->stmts[j].name, m->mmap.object) == 0)
					return false;
			return true;
		}
	}
	return true;
}

/* "FILE:LINE: FAILED: ..." lines of a run's output, by line. */
static GHashTable *failures(const char *out, const char *path)
{
	GHashTable *h = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	g_autofree char *prefix = g_strdup_printf("%s:", path);
	g_auto(GStrv) lines = g_strsplit(out, "\n", -1);

	for (int i = 0; lines[i]; i++) {
		char *l = lines[i];
		int line;

		if (!g_str_has_prefix(l, prefix) || !strstr(l, ": FAILED: "))
			continue;
		line = atoi(l + strlen(prefix));
		/* the reason is on the next line */
		g_hash_table_insert(h, GINT_TO_POINTER(line),
				    g_strdup(lines[i + 1] ? g_strstrip(lines[i + 1]) : ""));
	}
	return h;
}

/* ---- settings ------------------------------------------------------------- */

static bool read_num(const char *path, uint64_t *v)
{
	g_autofree char *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return false;
	*v = strtoull(text, NULL, 10);
	return true;
}

/* The real kernel's settings, and which differ from the file's config. */
/*
 * A running DAMON context with a pageout scheme (mm/damon) reclaims memory
 * it finds idle, from any process, in the background: a page can leave the
 * page cache or go to swap between two steps of the scenario. Said in the
 * report's header (read-only: the settings are the machine's).
 */
static void damon_pageout(GString *have)
{
	static const char base[] = "/sys/kernel/mm/damon/admin/kdamonds";
	g_autoptr(GDir) d = g_dir_open(base, 0, NULL);
	const char *k;

	while (d && (k = g_dir_read_name(d))) {
		g_autofree char *state = NULL, *action = NULL, *age = NULL, *aggr = NULL;
		g_autofree char *dir = g_strdup_printf("%s/%s/contexts/0", base, k);
		g_autofree char *p = g_strdup_printf("%s/%s/state", base, k);

		if (!g_ascii_isdigit(*k) || !g_file_get_contents(p, &state, NULL, NULL) ||
		    strcmp(g_strstrip(state), "on"))
			continue;
		g_free(p);
		p = g_strdup_printf("%s/schemes/0/action", dir);
		if (!g_file_get_contents(p, &action, NULL, NULL) || strcmp(g_strstrip(action), "pageout"))
			continue;
		g_free(p);
		p = g_strdup_printf("%s/schemes/0/access_pattern/age/min", dir);
		g_file_get_contents(p, &age, NULL, NULL);
		g_free(p);
		p = g_strdup_printf("%s/monitoring_attrs/intervals/aggr_us", dir);
		g_file_get_contents(p, &aggr, NULL, NULL);
		g_string_append_printf(have, ", DAMON pageout on (kdamond %s reclaims memory idle for "
					     "%.0f s, judged by region: a fresh page can go within "
					     "seconds; docs/divergences.md)",
				       k, age && aggr ? strtod(age, NULL) * strtod(aggr, NULL) / 1e6 : 0.0);
	}
}

/*
 * Which swap readahead the kernel will use for the run's swap file (in
 * /tmp): VMA-based when vma_ra_enabled and the device is not rotational,
 * cluster readahead otherwise (swap_use_vma_readahead, mm/swap_state.c).
 */
static void swap_readahead(const struct scn_config *cfg, bool swap, GString *have,
			   GString *differ)
{
	g_autofree char *vma = NULL, *rot = NULL;
	struct stat st;
	bool use_vma;

	if (!g_file_get_contents("/sys/kernel/mm/swap/vma_ra_enabled", &vma, NULL, NULL) ||
	    stat("/tmp", &st))
		return;
	rot = g_strdup_printf("/sys/dev/block/%u:%u/queue/rotational", major(st.st_dev),
			      minor(st.st_dev));
	uint64_t rotational = 1;

	read_num(rot, &rotational);
	use_vma = strncmp(vma, "true", 4) == 0 && !rotational;
	g_string_append_printf(have, ", swap readahead %s (vma_ra_enabled %s, /tmp %srotational)",
			       use_vma ? "vma" : "cluster", g_strstrip(vma), rotational ? "" : "non-");
	if (swap && cfg->swap_device != SCN_SWAP_ZRAM && use_vma != (cfg->swap_ra == SCN_SWAP_RA_VMA))
		g_string_append_printf(differ, "%sswap readahead %s (the file: swap_ra=%s)",
				       differ->len ? "; " : "", use_vma ? "vma" : "cluster",
				       cfg->swap_ra == SCN_SWAP_RA_VMA ? "vma" : "cluster");
}

/*
 * The real kernel's settings that change what a lesson shows, into @have;
 * those that differ from the file's config into @differ (the swap ones only
 * when the scenario uses a swap disk, @swap).
 */
static void settings(const struct scn_config *cfg, bool swap, GString *have, GString *differ)
{
	struct utsname u;
	struct stat st;
	uint64_t v;
	g_autofree char *thp = NULL;

	if (uname(&u) == 0) {
		g_string_append_printf(have, "kernel %s", u.release);
		if (cfg->kernel == SCN_KERNEL_4_19)
			g_string_append_printf(differ, "%skernel %s (the file: kernel=4.19)",
					       differ->len ? "; " : "", u.release);
	}
	if (read_num("/proc/sys/vm/page-cluster", &v)) {
		g_string_append_printf(have, ", page-cluster %" PRIu64, v);
		if (v != cfg->page_cluster)
			g_string_append_printf(differ, "%spage-cluster %" PRIu64 " (the file: %u)",
					       differ->len ? "; " : "", v, cfg->page_cluster);
	}
	if (stat("/tmp", &st) == 0) {
		g_autofree char *p = g_strdup_printf("/sys/class/bdi/%u:%u/read_ahead_kb",
						     major(st.st_dev), minor(st.st_dev));

		if (read_num(p, &v)) {
			g_string_append_printf(have, ", read_ahead_kb %" PRIu64 " (/tmp)", v);
			if (v << 10 != cfg->read_ahead_bytes)
				g_string_append_printf(differ,
						       "%sread_ahead_kb %" PRIu64 " (the file: %" PRIu64 "k)",
						       differ->len ? "; " : "", v,
						       cfg->read_ahead_bytes >> 10);
		}
	}
	swap_readahead(cfg, swap, have, differ);
	if (access("/sys/kernel/mm/lru_gen/enabled", R_OK) == 0) {
		g_autofree char *lru = NULL;

		g_file_get_contents("/sys/kernel/mm/lru_gen/enabled", &lru, NULL, NULL);
		if (lru && strtoul(lru, NULL, 16) != 0) {
			g_string_append(have, ", LRU: multi-gen (MGLRU)");
			g_string_append_printf(differ, "%sthe LRU is multi-gen (MGLRU; the model's is "
						       "the two-list LRU)", differ->len ? "; " : "");
		} else {
			g_string_append(have, ", LRU: two lists");
		}
	} else {
		g_string_append(have, ", LRU: two lists");
	}
	if (read_num("/proc/sys/vm/overcommit_memory", &v)) {
		g_string_append_printf(have, ", overcommit %" PRIu64, v);
		if (v != cfg->overcommit)
			g_string_append_printf(differ, "%sovercommit %" PRIu64 " (the file: %u)",
					       differ->len ? "; " : "", v, cfg->overcommit);
	}
	if (read_num("/proc/sys/vm/overcommit_ratio", &v) && v != cfg->overcommit_ratio &&
	    cfg->overcommit == 2)
		g_string_append_printf(differ, "%sovercommit_ratio %" PRIu64 " (the file: %u)",
				       differ->len ? "; " : "", v, cfg->overcommit_ratio);
	if (g_file_get_contents("/sys/kernel/mm/transparent_hugepage/enabled", &thp, NULL, NULL))
		g_string_append_printf(have, ", THP %s (off for the mappings: MADV_NOHUGEPAGE)",
				       g_strstrip(thp));
	damon_pageout(have);
}

/* ---- the report ---------------------------------------------------------- */

static void json_str(GString *j, const char *s)
{
	g_string_append_c(j, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			g_string_append_printf(j, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			g_string_append_printf(j, "\\u%04x", *s);
		else
			g_string_append_c(j, *s);
	}
	g_string_append_c(j, '"');
}

/* Did anything but the scenario move the system counters before @pt? */
static bool noisy(const struct point *pt)
{
	return pt->noise.faults || pt->noise.setup_pages || pt->noise.swap_io;
}

/* May field @a of @pt be set aside (not compared) because of that? */
static bool set_aside(const struct point *pt, const struct field *a)
{
	return (a->cat == CAT_SYSTEM && noisy(pt)) || (a->cat == CAT_SWAP && pt->noise.swap_io);
}

/* Why the counters at @pt are not the scenario's alone, for the report. */
static char *noise_why(const struct real_noise *n)
{
	GString *s = g_string_new("");

	if (n->faults)
		g_string_append_printf(s, "%" PRIu64 " page faults since the start were not the "
					  "scenario's (check's own, the workers' start-up, fork, or "
					  "other processes)", n->faults);
	if (n->setup_pages)
		g_string_append_printf(s, "%s%" PRIu64 " pages were written to set up the files",
				       s->len ? "; " : "", n->setup_pages);
	if (n->swap_io)
		g_string_append_printf(s, "%s%" PRIu64 " swap reads and writes were another "
					  "process's, on the run's swap device", s->len ? "; " : "",
				       n->swap_io);
	return g_string_free(s, FALSE);
}

/* Is @line an expect of system counters taken while other faults happened? */
static bool busy_counter_line(struct checker *c, int line)
{
	for (guint i = 0; i < c->points->len; i++) {
		struct point *pt = &g_array_index(c->points, struct point, i);
		const struct scn_stmt *s = &c->f->stmts[pt->stmt];

		if (s->loc.line == line && noisy(pt) &&
		    (s->kind == SCN_EXPECT_VMSTAT || s->kind == SCN_EXPECT_MEMINFO ||
		     s->kind == SCN_EXPECT_SWAP))
			return true;
	}
	return false;
}

/*
 * Is @line an `expect cache` the real side cannot observe: of a SysV segment
 * (its page cache is not looked at), of a shadow entry (invisible to user
 * space), or of a tmpfs swap entry (mincore says resident alike for a page
 * in the file and for one in the swap cache)?
 */
static bool sysv_cache_line(struct checker *c, int line)
{
	for (int i = 0; i < c->f->nstmts; i++) {
		const struct scn_stmt *s = &c->f->stmts[i];

		if (s->loc.line != line || s->kind != SCN_EXPECT_CACHE)
			continue;
		if (s->cache_state == SCN_CACHE_SHADOW || s->cache_state == SCN_CACHE_SWAP)
			return true;
		for (int j = 0; j < c->f->nstmts; j++)
			if (c->f->stmts[j].kind == SCN_SHMGET && c->f->stmts[j].name &&
			    strcmp(c->f->stmts[j].name, s->ref.name) == 0)
				return true;
	}
	return false;
}

/*
 * Swap readahead: the first window after a major fault varies from run to
 * run on the real kernel (1 to 2^page_cluster pages: where the slots fall in
 * their aligned block, and the hit history; docs/divergences.md). Once
 * readahead happened on either side, a swapped page that is resident on one
 * side and not on the other, and the counters that follow the window, are
 * compared as counts of swap-cache pages instead (reported, not silently
 * passed).
 */
static bool ra_word_only(const char *a, const char *b);

/*
 * Another process's swap-ins move the kernel's global readahead state too
 * (the hits that size the next window): after readahead, with swap I/O not
 * the scenario's since the start, the windows may differ and with them the
 * fault counts. Those are then compared with the window, as counts.
 */
static bool ra_foreign(const struct point *pt, const struct field *a)
{
	return pt->noise.swap_io && a->cat == CAT_PROC && g_str_has_suffix(a->key, " faults");
}

/* Is @line an expect at a point after readahead while another process swapped? */
static bool ra_foreign_line(struct checker *c, int line)
{
	for (guint i = 0; i < c->points->len; i++) {
		struct point *pt = &g_array_index(c->points, struct point, i);

		if (c->f->stmts[pt->stmt].loc.line == line && pt->noise.swap_io &&
		    (pt->ra[0] > 0 || pt->ra[1] > 0))
			return true;
	}
	return false;
}

static bool ra_word_only(const char *a, const char *b)
{
	g_auto(GStrv) wa = g_strsplit(a, " ", -1);
	g_auto(GStrv) wb = g_strsplit(b, " ", -1);
	int n = 0;

	if (!strstr(a, "swapped") || !strstr(b, "swapped") || g_strv_length(wa) != g_strv_length(wb))
		return false;
	for (int i = 0; wa[i]; i++)
		if (strcmp(wa[i], wb[i]) != 0) {
			if (!strstr(wa[i], "resident") || !strstr(wb[i], "resident"))
				return false;
			n++;
		}
	return n == 1;
}

static bool ra_counter(const char *key)
{
	static const char *const keys[] = {
		"vmstat pswpin", "vmstat pgpgin", "vmstat workingset_refault_anon",
		"vmstat workingset_activate_anon", "vmstat nr_swapcached", "vmstat nr_file_pages",
		"meminfo SwapCached", "swap cached",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
		if (strcmp(key, keys[i]) == 0)
			return true;
	return false;
}

struct totals {
	int ra_points;
	int unobserved;
	int points, agreed_fields, differ, set_aside, exp_sim, exp_real;
};

static int report(struct checker *c, GHashTable *fail_sim, GHashTable *fail_real,
		  const char *have, const char *differ, bool json, FILE *out)
{
	const struct scn_file *f = c->f;
	struct totals t = { 0 };
	GString *j = g_string_new("{");
	GString *txt = g_string_new("");

	g_string_append_printf(txt, "== mmsim check %s: the simulator and the real kernel\n", f->path);
	g_string_append_printf(txt, "   real kernel: %s\n", have);
	if (*differ)
		g_string_append_printf(txt, "   settings that differ from the file's config: %s\n"
					    "   (the simulator runs with the file's)\n", differ);
	g_string_append(txt, c->notes->str);
	g_string_append(txt, "   not comparable: writable/readonly and dirty/clean per page (the real kernel\n"
			     "   shows them only by faulting); dirtiness is compared through smaps\n");
	g_string_append(j, "\"file\":");
	json_str(j, f->path);
	g_string_append(j, ",\"kernel\":");
	json_str(j, have);
	g_string_append(j, ",\"settings_differ\":");
	json_str(j, differ);
	g_string_append(j, ",\"notes\":"); /* the real runs repeated, one line each */
	json_str(j, c->notes->str);
	g_string_append(j, ",\"points\":[");

	for (guint i = 0; i < c->points->len; i++) {
		struct point *pt = &g_array_index(c->points, struct point, i);
		const struct scn_stmt *s = &f->stmts[pt->stmt];
		GPtrArray *sim = pt->fields;
		int agree = 0, aside = 0, nd = 0;
		GString *d = g_string_new("");
		GString *jd = g_string_new("");

		g_string_append_printf(j, "%s{\"line\":%d,\"statement\":", i ? "," : "", s->loc.line);
		json_str(j, s->src);
		if (!pt->real_fields) {
			g_string_append_printf(txt, "line %-4d %-44.44s not compared (%s)\n", s->loc.line,
					       s->src, "not reached");
			g_string_append(j, ",\"compared\":false,\"why\":");
			json_str(j, "not reached");
			g_string_append(j, "}");
			g_string_free(d, TRUE);
			g_string_free(jd, TRUE);
			continue;
		}
		t.points++;
		int ra_sim = 0, ra_real = 0, ra_aside = 0;
		bool after_ra = pt->ra[0] > 0 || pt->ra[1] > 0;

		for (guint k = 0; after_ra && k < sim->len && k < pt->real_fields->len; k++) {
			struct field *a = sim->pdata[k], *b = pt->real_fields->pdata[k];

			if (a->cat == CAT_PAGE && strstr(a->value, "swapped resident"))
				ra_sim++;
			if (a->cat == CAT_PAGE && strstr(b->value, "swapped resident"))
				ra_real++;
		}
		for (guint k = 0; k < sim->len && k < pt->real_fields->len; k++) {
			struct field *a = sim->pdata[k], *b = pt->real_fields->pdata[k];

			if (strcmp(a->value, b->value) == 0) {
				agree++;
				continue;
			}
			if (after_ra && ((a->cat == CAT_PAGE && ra_word_only(a->value, b->value)) ||
					 ((a->cat == CAT_SYSTEM || a->cat == CAT_PROC) && ra_counter(a->key) &&
					  ra_sim != ra_real) || ra_foreign(pt, a))) {
				ra_aside++;
				continue;
			}
			if (set_aside(pt, a)) {
				aside++;
				continue;
			}
			nd++;
			g_string_append_printf(d, "            %-34s simulator: %-22s real: %s\n",
					       a->key, a->value, b->value);
			g_string_append_printf(jd, "%s{\"field\":", jd->len ? "," : "");
			json_str(jd, a->key);
			g_string_append(jd, ",\"simulator\":");
			json_str(jd, a->value);
			g_string_append(jd, ",\"real\":");
			json_str(jd, b->value);
			g_string_append(jd, "}");
		}
		if (sim->len != pt->real_fields->len) {
			nd++;
			g_string_append_printf(d, "            (the simulator shows %u fields, the real kernel %u)\n",
					       sim->len, pt->real_fields->len);
		}
		t.agreed_fields += agree;
		t.differ += nd;
		t.set_aside += aside;
		g_string_append_printf(txt, "line %-4d %-44.44s %s (%d fields agree", s->loc.line, s->src,
				       nd ? "DIFFER" : "agree", agree);
		if (nd)
			g_string_append_printf(txt, ", %d differ", nd);
		g_string_append(txt, ")\n");
		g_string_append(txt, d->str);
		if (ra_aside) {
			t.ra_points++;
			g_string_append_printf(txt, "            readahead window: %d swapped pages in the swap cache on the "
						    "simulator, %d on the real kernel\n"
						    "            (%d fields compared as this count, not page by page)\n",
					       ra_sim, ra_real, ra_aside);
		}
		if (aside) {
			g_autofree char *why = noise_why(&pt->noise);

			g_string_append_printf(txt, "            %d system counters not compared: %s\n",
					       aside, why);
		}
		g_string_append_printf(j, ",\"compared\":true,\"agree\":%d,\"differ\":[%s],"
					  "\"system_set_aside\":%d,\"foreign_faults\":%" PRIu64
					  ",\"setup_pages\":%" PRIu64 ",\"foreign_swap_io\":%" PRIu64
					  ",\"readahead_window\":{\"simulator\":%d,\"real\":%d,\"fields\":%d}}",
				       agree, jd->str, aside, pt->noise.faults, pt->noise.setup_pages,
				       pt->noise.swap_io, ra_sim, ra_real, ra_aside);
		g_string_free(d, TRUE);
		g_string_free(jd, TRUE);
	}
	g_string_append(j, "],\"expectations_failed\":[");

	/* expectation lines that failed on either side */
	bool first = true;

	for (int line = 1; line <= f->nlines; line++) {
		const char *ms = g_hash_table_lookup(fail_sim, GINT_TO_POINTER(line));
		const char *mr = g_hash_table_lookup(fail_real, GINT_TO_POINTER(line));

		if (!ms && !mr)
			continue;
		if (!ms && sysv_cache_line(c, line)) {
			t.unobserved++;
			continue; /* not observable on the real side: not compared */
		}
		if (!ms && busy_counter_line(c, line)) {
			t.set_aside++;
			continue; /* a system counter on a busy machine: not compared */
		}
		if (!ms && ra_foreign_line(c, line)) {
			t.ra_points++;
			continue; /* a readahead window another process's swap-ins moved */
		}
		if (ms)
			t.exp_sim++;
		if (mr)
			t.exp_real++;
		g_string_append_printf(txt, "line %-4d expectation failed on %s\n", line,
				       ms && mr ? "both" : ms ? "the simulator" : "the real kernel");
		if (ms)
			g_string_append_printf(txt, "            simulator: %s\n", ms);
		if (mr)
			g_string_append_printf(txt, "            real:      %s\n", mr);
		g_string_append_printf(j, "%s{\"line\":%d,\"simulator\":", first ? "" : ",", line);
		first = false;
		if (ms)
			json_str(j, ms);
		else
			g_string_append(j, "null");
		g_string_append(j, ",\"real\":");
		if (mr)
			json_str(j, mr);
		else
			g_string_append(j, "null");
		g_string_append(j, "}");
	}

	g_string_append_printf(txt, "%s: %d points compared, %d fields agree, %d differ", f->path,
			       t.points, t.agreed_fields, t.differ);
	if (t.set_aside)
		g_string_append_printf(txt, ", %d system counters not compared (busy machine)",
				       t.set_aside);
	if (t.ra_points)
		g_string_append_printf(txt, ", %d points with a different swap readahead window",
				       t.ra_points);
	g_string_append_printf(txt, "; expectations failed: %d on the simulator, %d on the real kernel\n",
			       t.exp_sim, t.exp_real);
	if (t.unobserved)
		g_string_append_printf(txt, "%s: %d 'expect cache' lines not compared on the real side "
					    "(SysV page cache, shadow entries and tmpfs swap entries in the\n"
					    "swap cache are not observable there; see docs/check.md)\n",
				       f->path, t.unobserved);
	g_string_append_printf(j, "],\"disagreements\":%d,\"system_set_aside\":%d}\n",
			       t.differ, t.set_aside);
	fputs(json ? j->str : txt->str, out);
	g_string_free(j, TRUE);
	g_string_free(txt, TRUE);
	return t.differ || t.exp_sim || t.exp_real ? 1 : 0;
}

/* ---- check's own limits (docs/limits.md) ---------------------------------------- */

/* "1g", "512m", "4096k": a size in the language's units, for messages. */
static void format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "tgmk";
	static const int shifts[] = { 40, 30, 20, 10 };

	for (int i = 0; i < 4; i++)
		if (bytes >= (1ull << shifts[i]) && !(bytes % (1ull << shifts[i]))) {
			snprintf(buf, len, "%" PRIu64 "%c", bytes >> shifts[i], units[i]);
			return;
		}
	snprintf(buf, len, "%" PRIu64, bytes);
}

/* A size on the command line: a number with an optional k, m, g, t or p (pages). */
static bool parse_size_arg(const char *text, uint64_t *out)
{
	char *end;
	uint64_t v, mul = 1;

	if (!text || !g_ascii_isdigit(*text))
		return false;
	errno = 0;
	v = g_ascii_strtoull(text, &end, 10);
	if (errno)
		return false;
	switch (g_ascii_tolower(*end)) {
	case 0: break;
	case 'k': mul = 1ull << 10; break;
	case 'm': mul = 1ull << 20; break;
	case 'g': mul = 1ull << 30; break;
	case 't': mul = 1ull << 40; break;
	case 'p': mul = 4096; break;
	default: return false;
	}
	if (*end && end[1])
		return false;
	if (v > UINT64_MAX / mul)
		return false;
	*out = v * mul;
	return true;
}

/*
 * The real memory the real run would create, added up statement by
 * statement: private and anonymous mappings at their size (a fork counts
 * the private ones again: copy-on-write may copy them all; a shared
 * anonymous mapping is shared by the child), objects at their
 * size (a file in the run's directory, tmpfs, a SysV segment), and the
 * run's swap device. Shared mappings of an object are the object's memory.
 * An upper bound, as the work limit is. Refused at the statement that takes
 * the total over @max.
 */
static bool real_memory_ok(const struct scn_file *f, uint64_t max, bool want_swap, GError **err)
{
	GHashTable *maps = g_hash_table_new(g_str_hash, g_str_equal);    /* counted: bytes */
	GHashTable *shared = g_hash_table_new(g_str_hash, g_str_equal);  /* shared anonymous */
	GHashTable *objects = g_hash_table_new(g_str_hash, g_str_equal); /* bytes */
	/* the swap device: its header page, the scenario's slots, the spare ones */
	uint64_t total = 0,
		 swap = want_swap ? (f->config.swap_pages + 1 + REAL_SWAP_SPARE) * SCN_PAGE_SIZE : 0;
	int at = -1, config = -1;

	for (int i = 0; i < f->nstmts; i++)
		if (f->stmts[i].kind == SCN_CONFIG && config < 0)
			config = i;
	for (int i = 0; i < f->nstmts && at < 0; i++) {
		const struct scn_stmt *s = &f->stmts[i];
		uint64_t old;

		/* the swap device: at the config line, or at the first statement needing it */
		if (swap && (i == config || (config < 0 && needs_swap(f, s)))) {
			total += swap;
			swap = 0;
		}
		switch (s->kind) {
		case SCN_MMAP:
			if (s->mmap.anon || !s->mmap.shared) {
				total += s->mmap.size;
				g_hash_table_insert(maps, s->name, (gpointer)(uintptr_t)s->mmap.size);
			}
			if (s->mmap.shared)
				g_hash_table_add(shared, s->name);
			else
				g_hash_table_remove(shared, s->name);
			break;
		case SCN_MREMAP:
			old = (uint64_t)(uintptr_t)g_hash_table_lookup(maps, s->ref.name);
			if (g_hash_table_contains(maps, s->ref.name) && s->size > old) {
				total += s->size - old;
				g_hash_table_insert(maps, s->ref.name, (gpointer)(uintptr_t)s->size);
			}
			break;
		case SCN_FORK: {
			GHashTableIter it;
			gpointer k, v;

			g_hash_table_iter_init(&it, maps);
			while (g_hash_table_iter_next(&it, &k, &v))
				if (!g_hash_table_contains(shared, k))
					total += (uint64_t)(uintptr_t)v;
			break;
		}
		case SCN_FILE:
		case SCN_SHM_OPEN:
		case SCN_MEMFD:
		case SCN_SHMGET:
			total += s->size;
			g_hash_table_insert(objects, s->name, (gpointer)(uintptr_t)s->size);
			break;
		case SCN_FTRUNCATE:
			old = (uint64_t)(uintptr_t)g_hash_table_lookup(objects, s->object);
			if (s->size > old) {
				total += s->size - old;
				g_hash_table_insert(objects, s->object, (gpointer)(uintptr_t)s->size);
			}
			break;
		default:
			break;
		}
		if (total > max)
			at = i;
	}
	g_hash_table_destroy(maps);
	g_hash_table_destroy(shared);
	g_hash_table_destroy(objects);
	if (at < 0)
		return true;

	char have[32], lim[32];
	g_autofree char *what = NULL, *msg = NULL;

	format_size(total, have, sizeof(have));
	format_size(max, lim, sizeof(lim));
	what = g_strdup_printf("too much real memory for mmsim check: the real run would create %s "
			       "up to here (mappings, objects, swap), over the limit of %s (raise it "
			       "with --max-real-memory; see docs/limits.md)", have, lim);
	msg = scn_format_error(f, f->stmts[at].loc, what);
	g_set_error_literal(err, SCN_ERROR, SCN_ERROR_REFUSED, msg);
	return false;
}

/* MMSIM_CHECK_FAULT (test-only, docs/check.md): kill-worker:LINE, pause:LINE, swapon. */
static bool parse_fault(struct checker *c)
{
	const char *v = getenv("MMSIM_CHECK_FAULT");
	char *end;

	if (!v || !*v)
		return true;
	if (strcmp(v, "swapon") == 0) {
		c->fault = FAULT_SWAPON;
		return true;
	}
	if (g_str_has_prefix(v, "kill-worker:"))
		c->fault = FAULT_KILL_WORKER, v += strlen("kill-worker:");
	else if (g_str_has_prefix(v, "pause:"))
		c->fault = FAULT_PAUSE, v += strlen("pause:");
	else
		return false;
	c->fault_line = (int)strtol(v, &end, 10);
	return g_ascii_isdigit(*v) && !*end && c->fault_line > 0;
}

/* ---- the command ----------------------------------------------------------- */

static enum scn_status run_side(struct checker *c, struct scn_backend *be, char **out,
				GError **err)
{
	size_t len = 0;
	FILE *mem = open_memstream(out, &len);
	struct scn_run_options opt = { .trace = SCN_TRACE_NONE, .out = mem, .hook = hook,
				       .hook_data = c, .backend = be };
	enum scn_status st;

	c->next_point = 0;
	g_ptr_array_set_size(c->procs, 0);
	g_ptr_array_set_size(c->maps, 0);
	g_ptr_array_set_size(c->objs, 0);
	st = scn_run(c->f, &opt, err);
	fclose(mem);
	return st;
}

/*
 * The reason a lesson gives for being simulator-only, or NULL: a line
 * "# check: simulator-only: REASON" among the comments before its first
 * statement. Such a lesson shows what the real machine cannot (a 20-page
 * machine's OOM killer, the 4.19 profile, a debugfs setting mmsim never
 * changes), so its real run would only differ.
 */
static char *simulator_only(const char *path)
{
	static const char tag[] = "# check: simulator-only:";
	g_autofree char *text = NULL;
	char *why = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return NULL;
	for (char *l = text; l && *l && !why;) {
		char *nl = strchr(l, '\n');

		if (nl)
			*nl = 0;
		if (strncmp(l, tag, sizeof(tag) - 1) == 0)
			why = g_strstrip(g_strdup(l + sizeof(tag) - 1));
		else if (*g_strchug(l) && *l != '#')
			break; /* the first statement: the header is over */
		l = nl ? nl + 1 : NULL;
	}
	return why;
}

/* The points get a fresh set of real fields; the simulator's stay in sim_fields. */
static void fresh_real_fields(struct checker *c)
{
	for (guint i = 0; i < c->points->len; i++) {
		struct point *pt = &g_array_index(c->points, struct point, i);

		if (!pt->sim_fields)
			pt->sim_fields = pt->fields;
		else
			g_ptr_array_unref(pt->fields);
		pt->fields = g_ptr_array_new_with_free_func(field_free);
		pt->taken = false;
	}
}

/*
 * Pages of the scenario's files the machine reclaimed in the background
 * during the real run (this machine kind's DAMON does): the most value
 * entries (shadows, tmpfs swap entries) the real side had beyond the
 * simulator's at any point, which only reclaim makes.
 */
static uint64_t background_reclaim(const struct checker *c)
{
	uint64_t most = 0;

	for (guint i = 0; i < c->points->len; i++) {
		const struct point *pt = &g_array_index(c->points, struct point, i);

		if (pt->taken && pt->evicted[1] > pt->evicted[0] && pt->evicted[0] >= 0)
			most = MAX(most, (uint64_t)(pt->evicted[1] - pt->evicted[0]));
	}
	return most;
}

/*
 * One run of the scenario on the real kernel, its state taken at every
 * point into the points' fields: set up (the swap device described in
 * @have when not NULL), run, everything removed. 0, or 3 with the reason
 * on standard error when it could not finish.
 */
static int real_run(struct checker *c, const char *path, const struct check_options *opt,
		    bool want_swap, GString *have, char **real_out, GError **err)
{
	const struct scn_file *f = c->f;
	enum scn_status st;
	char *why = NULL;

	if (opt->timeout) { /* from here: waiting for another run counts too */
		g_autofree char *msg = g_strdup_printf(
			"mmsim check: %s: the real run did not finish within %u s (--timeout): it was "
			"ended, and its workers, files, shared memory and swap device removed", path,
			opt->timeout);

		real_backend_deadline(opt->timeout, msg);
	}
	c->real_be = real_backend_create(&f->config, &why);
	if (!c->real_be) {
		real_backend_deadline(0, NULL);
		fprintf(stderr, "mmsim check: %s: the real run could not be set up: %s\n", path, why);
		g_free(why);
		return 3;
	}
	if (c->fault == FAULT_SWAPON)
		real_backend_fail_swapon(c->real_be);
	if (want_swap) {
		char *others = NULL;
		bool zram = f->config.swap_device == SCN_SWAP_ZRAM;

		if (real_backend_swap_on(c->real_be, f->config.swap_pages, zram, &why, &others)) {
			fprintf(stderr, "mmsim check: %s: the real run's swap device could not be set "
					"up: %s\n", path, why);
			g_free(why);
			real_backend_deadline(0, NULL);
			c->real_be->ops->destroy(c->real_be);
			return 3;
		}
		if (have)
			g_string_append_printf(have, ", swap: the run's own %s of %" PRIu64
						     " pages (+%d spare for other processes)",
					       zram ? "zram device" : "swap file",
					       f->config.swap_pages, REAL_SWAP_SPARE);
		if (others && have) {
			g_string_append_printf(have, " (other swap already active: %s; slot counts "
						     "are of the run's device only)", others);
		}
		g_free(others);
	}
	g_hash_table_remove_all(c->sys_start);
	fresh_real_fields(c);
	st = run_side(c, c->real_be, real_out, err);
	int lost = real_backend_lost_worker(c->real_be);
	struct real_noise end;
	char *failure = g_strdup(real_backend_failure(c->real_be));

	real_backend_noise(c->real_be, &end);

	real_backend_deadline(0, NULL);
	c->real_be->ops->destroy(c->real_be);
	if (failure) {
		fprintf(stderr, "mmsim check: %s: the real run could not finish: %s (everything it "
				"created was removed)\n", path, failure);
		g_free(failure);
		return 3;
	}
	if (st == SCN_REFUSED) {
		fprintf(stderr, "mmsim check: %s: the real run was refused: %s\n", path,
			(*err)->message);
		return 3;
	}
	if (lost >= 0) {
		fprintf(stderr, "mmsim check: %s: the worker of process %s died during the run (killed "
				"from outside); the run was ended and everything it created removed\n",
			path, (const char *)c->procs->pdata[lost]);
		return 3;
	}
	if (end.caches_dropped) {
		fprintf(stderr, "mmsim check: %s: another process dropped the page cache during the "
				"run (/proc/sys/vm/drop_caches, vmstat drop_pagecache +%" PRIu64 "): the "
				"real side's page cache was not the scenario's; run it again\n",
			path, end.caches_dropped);
		return 3;
	}
	return 0;
}

int check_file(const char *path, bool json, FILE *out)
{
	struct check_options o = { .max_real_memory = CHECK_MAX_REAL_MEMORY,
				   .timeout = CHECK_TIMEOUT };

	return check_file_opts(path, json, out, &o);
}

int check_file_opts(const char *path, bool json, FILE *out, const struct check_options *opt)
{
	g_autoptr(GError) err = NULL;
	struct scn_file *f = scn_parse_file(path, &err);
	struct checker c = { 0 };
	char *sim_out = NULL, *real_out = NULL;
	enum scn_status st;
	int status;

	if (!f) {
		fprintf(stderr, "%s\n", err->message);
		return 2;
	}
	g_autofree char *sim_only = simulator_only(path);

	if (sim_only) {
		fprintf(stderr, "mmsim check: %s: a simulator-only lesson, not run on the real "
				"kernel: %s\n", path, sim_only);
		scn_file_free(f);
		return 3;
	}
	c.f = f;
	c.addr = g_hash_table_new(g_direct_hash, g_direct_equal);
	c.points = g_array_new(FALSE, TRUE, sizeof(struct point));
	c.procs = g_ptr_array_new();
	c.maps = g_ptr_array_new();
	c.objs = g_ptr_array_new_with_free_func(g_free);
	c.sys_start = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	bool want_swap = f->config.swap_device == SCN_SWAP_ZRAM;

	for (int i = 0; i < f->nstmts; i++)
		want_swap |= needs_swap(f, &f->stmts[i]);
	c.victims = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
					  (GDestroyNotify)g_array_unref);
	if (!parse_fault(&c)) {
		fprintf(stderr, "mmsim check: MMSIM_CHECK_FAULT=%s is not understood (test-only: "
				"kill-worker:LINE, pause:LINE or swapon; docs/check.md)\n",
			getenv("MMSIM_CHECK_FAULT"));
		status = 2;
		goto out;
	}
	if (!real_memory_ok(f, opt->max_real_memory, want_swap, &err)) {
		fprintf(stderr, "%s\n", err->message);
		status = 2;
		goto out;
	}

	st = run_side(&c, NULL, &sim_out, &err);
	if (st == SCN_REFUSED) {
		fprintf(stderr, "%s\n", err->message);
		status = 2;
		goto out;
	}

	GString *have = g_string_new(""), *differ = g_string_new("");

	settings(&f->config, want_swap, have, differ);
	c.notes = g_string_new("");
	c.real = true;
	for (int attempt = 1;; attempt++) {
		uint64_t bg;

		status = real_run(&c, path, opt, want_swap, attempt == 1 ? have : NULL, &real_out,
				  &err);
		if (status)
			break;
		bg = background_reclaim(&c);
		if (!bg)
			break;
		g_string_append_printf(c.notes, "   real run %d of at most %d: the machine reclaimed %"
					       PRIu64 " pages of the scenario's files in the background "
					       "(cachestat: more evicted entries than the simulator's)%s\n",
				       attempt, CHECK_ATTEMPTS, bg,
				       attempt < CHECK_ATTEMPTS ? "; run again" :
				       ": the comparison below may show it");
		if (attempt == CHECK_ATTEMPTS)
			break;
		free(real_out);
		real_out = NULL;
	}
	if (status) {
		g_string_free(have, TRUE);
		g_string_free(differ, TRUE);
		goto out;
	}
	for (guint i = 0; i < c.points->len; i++) {
		struct point *pt = &g_array_index(c.points, struct point, i);
		GPtrArray *real = pt->fields;

		pt->fields = pt->sim_fields;
		pt->sim_fields = NULL;
		pt->real_fields = pt->taken ? real : NULL;
		if (!pt->taken)
			g_ptr_array_unref(real);
	}
	{
		GHashTable *fs = failures(sim_out, f->path), *fr = failures(real_out, f->path);

		status = report(&c, fs, fr, have->str, differ->str, json, out);
		g_hash_table_destroy(fs);
		g_hash_table_destroy(fr);
	}
	g_string_free(have, TRUE);
	g_string_free(differ, TRUE);
out:
	for (guint i = 0; i < c.points->len; i++) {
		struct point *pt = &g_array_index(c.points, struct point, i);

		if (pt->fields)
			g_ptr_array_unref(pt->fields);
		if (pt->sim_fields)
			g_ptr_array_unref(pt->sim_fields);
		if (pt->real_fields)
			g_ptr_array_unref(pt->real_fields);
	}
	g_array_free(c.points, TRUE);
	g_hash_table_destroy(c.addr);
	g_ptr_array_free(c.procs, TRUE);
	g_ptr_array_free(c.maps, TRUE);
	g_ptr_array_free(c.objs, TRUE);
	g_hash_table_destroy(c.sys_start);
	g_hash_table_destroy(c.victims);
	if (c.notes)
		g_string_free(c.notes, TRUE);
	if (c.before)
		g_hash_table_destroy(c.before);
	free(sim_out);
	free(real_out);
	scn_file_free(f);
	return status;
}

int cmd_check(int argc, char **argv)
{
	gboolean json = FALSE;
	char *max_mem = NULL;
	int timeout = CHECK_TIMEOUT;
	struct check_options o = { .max_real_memory = CHECK_MAX_REAL_MEMORY };
	GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json,
		  "write the comparison as JSON instead of the readable report", NULL },
		{ "max-real-memory", 0, 0, G_OPTION_ARG_STRING, &max_mem,
		  "refuse a scenario whose real run would create more than SIZE of mappings, "
		  "objects and swap (default 1g; k, m, g, t or p for pages)", "SIZE" },
		{ "timeout", 0, 0, G_OPTION_ARG_INT, &timeout,
		  "end the real run after SECONDS, clean up, exit 3 (default 120; 0: no limit)",
		  "SECONDS" },
		{ NULL }
	};
	g_autoptr(GOptionContext) ctx =
		g_option_context_new("FILE - run a scenario on the simulator and the real kernel, compare");
	g_autoptr(GError) err = NULL;

	g_option_context_add_main_entries(ctx, entries, NULL);
	g_option_context_set_description(
		ctx, "Runs FILE on the simulator, then on the real kernel (as root: one worker process\n"
		     "per scenario process, pinned to CPU 0, mappings at the simulator's addresses),\n"
		     "and compares at every expect and snapshot the whole observable state: pages,\n"
		     "frame sharing, faults, rss, smaps, page cache, swap, system counters as deltas.\n"
		     "`reclaim` is replayed with MADV_PAGEOUT of the pages the simulator took. A\n"
		     "lesson whose header says \"# check: simulator-only: REASON\" is refused with\n"
		     "that reason (exit 3). When the machine reclaims the scenario's file pages in\n"
		     "the background (DAMON), the real run is done again, at most 3 times, and the\n"
		     "report says so. See docs/check.md.\n"
		     "\n"
		     "Limits (docs/limits.md): a scenario whose real run would create more than\n"
		     "--max-real-memory is refused (exit 2, at the statement that crosses it); a real\n"
		     "run longer than --timeout is ended and cleaned up (exit 3).\n"
		     "\n"
		     "Exit status: 0 both agreed and every expectation held on both; 1 they\n"
		     "disagreed or an expectation failed; 2 the file could not be parsed or was\n"
		     "refused; 3 the real run could not be set up or could not finish (the reason\n"
		     "on standard error).");
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "mmsim check: %s\n", err->message);
		return 2;
	}
	if (max_mem && !parse_size_arg(max_mem, &o.max_real_memory)) {
		fprintf(stderr, "mmsim check: --max-real-memory: '%s' is not a size (like 512m or 2g)\n",
			max_mem);
		g_free(max_mem);
		return 2;
	}
	g_free(max_mem);
	if (timeout < 0) {
		fprintf(stderr, "mmsim check: --timeout: %d is not a number of seconds (0: no limit)\n",
			timeout);
		return 2;
	}
	o.timeout = (unsigned)timeout;
	if (argc != 2) {
		fprintf(stderr, "mmsim check: give one scenario file (try: mmsim check "
				"scenarios/anon/zero-page.scn)\n");
		return 2;
	}
	return check_file_opts(argv[1], json, stdout, &o);
}
