// SPDX-License-Identifier: GPL-2.0
/*
 * parser.c - turn a scenario's text into a struct scn_file.
 *
 * The lexer (lexer.c) hands over one logical line of tokens at a time; a
 * line is one statement. A table maps each statement's first word to its
 * parse function and to what the statement allows: a "P:" prefix (required,
 * optional or refused), a defined name ("P: NAME = verb"), a "-> ERRNO" or a
 * "-> SIGNAL" outcome. Names are checked as they go: a process, mapping or
 * object must be declared before it is used, a name is unique per kind, a
 * statement expected to fail defines nothing, and an exited process is not
 * used again. The first error stops the parse; it is reported as
 * FILE:LINE:COLUMN with the line and a caret (scn_format_error()).
 *
 * Left out: running anything. Sizes of mappings are known only at run time,
 * so whether a page index is inside its mapping is the runner's question.
 */
#include "lexer.h"
#include "scn_limits.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

GQuark scn_error_quark(void)
{
	return g_quark_from_static_string("scn-error-quark");
}

/* ---- parser state ---- */

/* The three kinds of names; each kind has its own namespace. */
enum name_kind { NK_PROC, NK_MAP, NK_OBJ, NK_COUNT };

/* What kind of object an object name stands for. */
enum obj_kind { OBJ_FILE, OBJ_SYSV, OBJ_POSIX, OBJ_MEMFD };

/* A declared name. */
struct def {
	int line;	   /* the line that declared it */
	bool failed;	   /* declared by a statement expected to fail: not usable */
	int exited_line;   /* processes: the line of its 'exit', or 0 */
	enum obj_kind obj; /* objects: what it is */
};

/* What an object operand must be. */
enum obj_need { NEED_ANY, NEED_FD, NEED_SYSV };

#define NR_CONFIG_KEYS 11

struct parser {
	struct scn_file *f;
	struct lex_line *ln;	     /* the statement's tokens */
	guint pos;		     /* the next token in ln */
	GArray *stmts;		     /* struct scn_stmt, parsed so far */
	GHashTable *names[NK_COUNT]; /* name -> struct def */
	int title_line;
	int first_event_line; /* first statement other than title and config */
	int config_line[NR_CONFIG_KEYS];
	int declared[NK_COUNT]; /* declarations so far, for the limits */
	bool failed;
	struct scn_loc err_loc;
	char *err_msg;
	char found[96]; /* scratch for describing a token in a message */
};

/* Record the first error; always returns false so callers can return it. */
static bool fail(struct parser *p, struct scn_loc loc, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static bool fail(struct parser *p, struct scn_loc loc, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return false;
	va_start(ap, fmt);
	p->failed = true;
	p->err_loc = loc;
	p->err_msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	return false;
}

/* ---- tokens ---- */

static struct token *tok_at(struct parser *p, guint ahead)
{
	guint i = MIN(p->pos + ahead, p->ln->toks->len - 1);

	return &g_array_index(p->ln->toks, struct token, i);
}

static struct token *peek(struct parser *p)
{
	return tok_at(p, 0);
}

/* Consume and return the current token; TOK_EOL is never consumed. */
static struct token *next(struct parser *p)
{
	struct token *t = peek(p);

	if (t->kind != TOK_EOL)
		p->pos++;
	return t;
}

/* The operands end at the end of the line or at "->". */
static bool at_end(struct parser *p)
{
	return peek(p)->kind == TOK_EOL || peek(p)->kind == TOK_ARROW;
}

static bool is_word(const struct token *t, const char *word)
{
	return t->kind == TOK_NAME && !strcmp(t->text, word);
}

/* How a message names the token t: 'mmap', a string, end of line. */
static const char *found(struct parser *p, const struct token *t)
{
	if (t->kind == TOK_EOL)
		return "end of line";
	if (t->kind == TOK_STRING)
		return "a string";
	if (strlen(t->text) > 40)
		snprintf(p->found, sizeof(p->found), "'%.40s...'", t->text);
	else
		snprintf(p->found, sizeof(p->found), "'%s'", t->text);
	return p->found;
}

/* The current token must be of kind k; what is what was expected. */
static struct token *expect_tok(struct parser *p, enum tok_kind k, const char *what)
{
	struct token *t = peek(p);

	if (t->kind != k) {
		fail(p, t->loc, "expected %s, found %s", what, found(p, t));
		return NULL;
	}
	return next(p);
}

/* Index of word in the NULL-terminated list words, or -1. */
static int word_index(const char *const *words, const char *word)
{
	for (int i = 0; words[i]; i++)
		if (!strcmp(words[i], word))
			return i;
	return -1;
}

static char *join_words(const char *const *words)
{
	GString *s = g_string_new(NULL);

	for (int i = 0; words[i]; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "", words[i]);
	return g_string_free(s, FALSE);
}

/*
 * The current token must be one of choices; returns its index, or -1 after
 * an error that suggests the nearest choice or lists them all. what names
 * the thing chosen ("madvise advice").
 */
static int parse_choice(struct parser *p, const char *what, const char *const *choices)
{
	struct token *t = peek(p);
	const char *near = NULL;
	char *list;
	int i;

	if (t->kind == TOK_NAME) {
		i = word_index(choices, t->text);
		if (i >= 0) {
			next(p);
			return i;
		}
		near = scn_nearest_word(t->text, choices);
	}
	if (near) {
		fail(p, t->loc, "unknown %s '%s'; did you mean '%s'?", what, t->text, near);
		return -1;
	}
	list = join_words(choices);
	fail(p, t->loc, "expected %s (%s), found %s", what, list, found(p, t));
	g_free(list);
	return -1;
}

/* ---- names ---- */

static const char *const kind_noun[NK_COUNT] = { "process", "mapping", "object" };
static const char *const kind_a[NK_COUNT] = { "a process", "a mapping", "an object" };

/* Words that would make a later statement ambiguous, per kind of name. */
static const char *const reserved_proc[] = {
	"cache", "swap", "meminfo", "vmstat", "lru", "frames", "pagetable", "maps", "smaps", NULL,
};
static const char *const reserved_map[] = { "faults", "smaps", "killed", "alive", NULL };

static struct def *lookup(struct parser *p, enum name_kind nk, const char *name)
{
	return g_hash_table_lookup(p->names[nk], name);
}

/* The name nt may be declared as a new nk (unless a failing statement declares it). */
static bool check_new_name(struct parser *p, enum name_kind nk, const struct token *nt,
			   bool failing)
{
	const char *const *reserved = nk == NK_PROC ? reserved_proc :
				      nk == NK_MAP  ? reserved_map :
						      NULL;
	static const int max[NK_COUNT] = { SCN_MAX_PROCESSES, SCN_MAX_MAPPINGS, SCN_MAX_OBJECTS };
	static const char *const plural[NK_COUNT] = { "processes", "mappings", "objects" };
	struct def *d = lookup(p, nk, nt->text);

	if (p->declared[nk] >= max[nk])
		return fail(p, nt->loc, "too many %s: a scenario declares at most %d (docs/limits.md)",
			    plural[nk], max[nk]);
	if (reserved && word_index(reserved, nt->text) >= 0)
		return fail(p, nt->loc, "'%s' is a reserved word and cannot name a %s", nt->text,
			    kind_noun[nk]);
	if (d && !d->failed && !failing)
		return fail(p, nt->loc, "%s '%s' already defined at line %d", kind_noun[nk],
			    nt->text, d->line);
	return true;
}

/* Declare nt as an nk. A failing declaration does not replace a usable one. */
static void add_name(struct parser *p, enum name_kind nk, const struct token *nt, bool failing,
		     enum obj_kind obj)
{
	struct def *d = lookup(p, nk, nt->text);

	p->declared[nk]++;
	if (d && !d->failed && failing)
		return;
	d = g_new0(struct def, 1);
	d->line = nt->loc.line;
	d->failed = failing;
	d->obj = obj;
	g_hash_table_replace(p->names[nk], g_strdup(nt->text), d);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The declared nk name nearest to name, for "did you mean"; g_free() it. */
static char *nearest_name(struct parser *p, enum name_kind nk, const char *name)
{
	guint n;
	const char **keys = (const char **)g_hash_table_get_keys_as_array(p->names[nk], &n);
	const char *near;
	char *ret;

	qsort(keys, n, sizeof(*keys), cmp_str);
	near = scn_nearest_word(name, keys);
	ret = g_strdup(near);
	g_free(keys);
	return ret;
}

/* How to declare name as an nk; g_free() it. */
static char *declare_hint(enum name_kind nk, const char *name)
{
	switch (nk) {
	case NK_PROC:
		return g_strdup_printf("declare it with 'process %s' or 'fork P %s' first", name,
				       name);
	case NK_MAP:
		return g_strdup_printf("declare it with '%s = mmap ...' first", name);
	default:
		return g_strdup_printf(
			"declare it with 'file %s size=...' or '%s = shmget|shm_open|memfd ...' first",
			name, name);
	}
}

/* Report nt as an unknown nk, with the most useful hint. */
static bool unknown_name(struct parser *p, enum name_kind nk, const struct token *nt)
{
	struct def *d = lookup(p, nk, nt->text);
	char *near, *hint;

	if (d)
		return fail(
			p, nt->loc,
			"unknown %s '%s' (its declaration at line %d is expected to fail, so it declares nothing)",
			kind_noun[nk], nt->text, d->line);
	for (int other = 0; other < NK_COUNT; other++) {
		d = lookup(p, other, nt->text);
		if (other != (int)nk && d && !d->failed)
			return fail(p, nt->loc, "unknown %s '%s' ('%s' is %s, line %d)",
				    kind_noun[nk], nt->text, nt->text, kind_a[other], d->line);
	}
	near = nearest_name(p, nk, nt->text);
	if (near) {
		fail(p, nt->loc, "unknown %s '%s'; did you mean '%s'?", kind_noun[nk], nt->text,
		     near);
		g_free(near);
		return false;
	}
	hint = declare_hint(nk, nt->text);
	fail(p, nt->loc, "unknown %s '%s' (%s)", kind_noun[nk], nt->text, hint);
	g_free(hint);
	return false;
}

/* Read a name of kind nk that must already be declared; NULL after an error. */
static struct token *use_name(struct parser *p, enum name_kind nk, struct def **out)
{
	static const char *const what[NK_COUNT] = { "a process name", "a mapping name",
						    "an object name" };
	struct token *t = expect_tok(p, TOK_NAME, what[nk]);
	struct def *d;

	if (!t)
		return NULL;
	d = lookup(p, nk, t->text);
	if (!d || d->failed) {
		unknown_name(p, nk, t);
		return NULL;
	}
	if (out)
		*out = d;
	return t;
}

/* A process that has not exited (unless allow_exited). */
static struct token *use_process(struct parser *p, bool allow_exited)
{
	struct def *d;
	struct token *t = use_name(p, NK_PROC, &d);

	if (t && d->exited_line && !allow_exited) {
		fail(p, t->loc,
		     "process '%s' exited at line %d; only 'expect %s killed' or 'expect %s alive' may name it now",
		     t->text, d->exited_line, t->text, t->text);
		return NULL;
	}
	return t;
}

static const char *obj_noun(enum obj_kind k)
{
	switch (k) {
	case OBJ_FILE:
		return "a file";
	case OBJ_SYSV:
		return "a SysV segment";
	case OBJ_POSIX:
		return "a POSIX shared memory object";
	case OBJ_MEMFD:
		return "a memfd";
	}
	return "an object";
}

/* An object name; need says whether it must have a file descriptor or be a SysV segment. */
static struct token *use_object(struct parser *p, enum obj_need need)
{
	struct def *d;
	struct token *t = use_name(p, NK_OBJ, &d);

	if (!t)
		return NULL;
	if (need == NEED_SYSV && d->obj != OBJ_SYSV) {
		fail(p, t->loc,
		     "'%s' is %s, not a SysV segment (declare one with 'S = shmget ...')", t->text,
		     obj_noun(d->obj));
		return NULL;
	}
	if (need == NEED_FD && d->obj == OBJ_SYSV) {
		fail(p, t->loc,
		     "'%s' is a SysV segment and has no file descriptor (attach it with 's = shmat %s')",
		     t->text, t->text);
		return NULL;
	}
	return t;
}

/* ---- numbers ---- */

/* The current token is not the number expected: say what it is. */
static bool not_a_number(struct parser *p, const char *what)
{
	struct token *t = peek(p);

	if (t->kind == TOK_NUMBER)
		return fail(p, t->loc, "expected %s, found '%s' (numbers are whole, without '.')",
			    what, t->text);
	return fail(p, t->loc, "expected %s, found %s", what, found(p, t));
}

/* A size in bytes, kept exact. */
static bool parse_size(struct parser *p, const char *what, uint64_t *out)
{
	struct token *t = peek(p);

	if (t->kind != TOK_NUMBER || t->dotted)
		return not_a_number(p, what);
	if (t->overflow)
		return fail(p, t->loc, "size too large: '%s' does not fit in 64 bits", t->text);
	*out = t->value;
	next(p);
	return true;
}

/* "64g", "2m": a limit in the language's units, for messages. */
static void format_limit(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "gmk";
	static const int shifts[] = { 30, 20, 10 };

	for (int i = 0; i < 3; i++)
		if (bytes >= (1ULL << shifts[i]) && !(bytes % (1ULL << shifts[i]))) {
			snprintf(buf, len, "%llu%c", (unsigned long long)(bytes >> shifts[i]), units[i]);
			return;
		}
	snprintf(buf, len, "%llu", (unsigned long long)bytes);
}

/* The size just read (at token t) must be at most max bytes: a limit of docs/limits.md. */
static bool check_size_max(struct parser *p, const struct token *t, const char *what,
			   uint64_t size, uint64_t max)
{
	char lim[32];

	if (size <= max)
		return true;
	format_limit(max, lim, sizeof(lim));
	return fail(p, t->loc, "size too large: %s is at most %s, found '%s' (docs/limits.md)", what,
		    lim, t->text);
}

/* A size of at most max bytes (sizes of mappings and objects, offsets, the machine). */
static bool parse_size_max(struct parser *p, const char *what, const char *noun, uint64_t max,
			   uint64_t *out)
{
	struct token *t = peek(p);

	return parse_size(p, what, out) && check_size_max(p, t, noun, *out, max);
}

/* A size rounded up to whole pages, as mmap does; *out is in bytes. */
static bool parse_page_size(struct parser *p, const char *what, uint64_t *out)
{
	struct token *t = peek(p);

	if (!parse_size(p, what, out))
		return false;
	if (*out > UINT64_MAX - (SCN_PAGE_SIZE - 1))
		return fail(p, t->loc,
			    "size too large: '%s' does not fit in 64 bits as whole pages", t->text);
	*out = (*out + SCN_PAGE_SIZE - 1) & ~(SCN_PAGE_SIZE - 1);
	return true;
}

/* Like parse_page_size, but at most max bytes. */
static bool parse_page_size_max(struct parser *p, const char *what, const char *noun,
				uint64_t max, uint64_t *out)
{
	struct token *t = peek(p);

	return parse_page_size(p, what, out) && check_size_max(p, t, noun, *out, max);
}

/* A count: a plain number, no size suffix. */
static bool parse_count(struct parser *p, const char *what, uint64_t *out)
{
	struct token *t = peek(p);

	if (t->kind != TOK_NUMBER || t->dotted)
		return not_a_number(p, what);
	if (t->suffix)
		return fail(p, t->loc, "expected %s, found the size '%s' (a count takes no suffix)",
			    what, t->text);
	if (t->overflow)
		return fail(p, t->loc, "number too large: '%s' does not fit in 64 bits", t->text);
	*out = t->value;
	next(p);
	return true;
}

/* A count no larger than max. */
static bool parse_count_max(struct parser *p, const char *what, uint64_t max, uint64_t *out)
{
	struct token *t = peek(p);

	if (!parse_count(p, what, out))
		return false;
	if (*out > max)
		return fail(p, t->loc, "%s must be 0 to %llu, found %s", what,
			    (unsigned long long)max, t->text);
	return true;
}

/* A 64-bit value written or compared; a size suffix is allowed (== 1p). */
static bool parse_value(struct parser *p, const char *what, uint64_t *out)
{
	struct token *t = peek(p);

	if (t->kind != TOK_NUMBER || t->dotted)
		return not_a_number(p, what);
	if (t->overflow)
		return fail(p, t->loc, "value too large: '%s' does not fit in 64 bits", t->text);
	*out = t->value;
	next(p);
	return true;
}

/* An address (at=ADDR): a plain number, usually hex. */
static bool parse_addr(struct parser *p, uint64_t *out)
{
	return parse_count(p, "an address after 'at='", out);
}

/* ---- keys ---- */

/*
 * Read a key of a KEY or KEY=VALUE list; *has_eq says whether '=' followed
 * (and was consumed). NULL at the end of the operands; a non-name is an
 * error naming what was expected.
 */
static struct token *next_key(struct parser *p, const char *what, bool *has_eq, bool *err)
{
	struct token *t = peek(p);

	*err = false;
	if (at_end(p))
		return NULL;
	if (t->kind != TOK_NAME) {
		fail(p, t->loc, "expected %s, found %s", what, found(p, t));
		*err = true;
		return NULL;
	}
	next(p);
	*has_eq = peek(p)->kind == TOK_ASSIGN;
	if (*has_eq)
		next(p);
	return t;
}

/* KEY must have been written KEY=... */
static bool want_eq(struct parser *p, const struct token *key, bool has_eq)
{
	if (!has_eq)
		return fail(p, peek(p)->loc, "expected '=' after '%s', found %s", key->text,
			    found(p, peek(p)));
	return true;
}

/* KEY must have been written alone. */
static bool want_flag(struct parser *p, const struct token *key, bool has_eq)
{
	if (has_eq)
		return fail(p, key->loc, "'%s' takes no value", key->text);
	return true;
}

/* A key may be given once per statement; bit is its place in *seen. */
static bool once(struct parser *p, unsigned *seen, unsigned bit, const struct token *key)
{
	if (*seen & bit)
		return fail(p, key->loc, "'%s' given twice", key->text);
	*seen |= bit;
	return true;
}

/* An unknown key: suggest the nearest one or list them. */
static bool unknown_key(struct parser *p, const char *what, const struct token *key,
			const char *const *keys)
{
	const char *near = scn_nearest_word(key->text, keys);
	char *list;

	if (near)
		return fail(p, key->loc, "unknown %s '%s'; did you mean '%s'?", what, key->text,
			    near);
	list = join_words(keys);
	fail(p, key->loc, "unknown %s '%s' (expected %s)", what, key->text, list);
	g_free(list);
	return false;
}

/* ---- page references ---- */

/*
 * REF: NAME, NAME[i], NAME[i..j] or NAME+OFF, NAME a declared nk. *off_loc
 * is where OFF starts, for the alignment check of accesses with a value.
 */
static bool parse_ref(struct parser *p, enum name_kind nk, enum obj_need need, struct scn_ref *ref,
		      struct scn_loc *off_loc)
{
	struct token *t = nk == NK_OBJ ? use_object(p, need) : use_name(p, nk, NULL);
	struct token *lt;

	if (!t)
		return false;
	ref->name = g_strdup(t->text);
	ref->loc = t->loc;
	ref->kind = SCN_REF_ALL;
	if (peek(p)->kind == TOK_PLUS) {
		next(p);
		*off_loc = peek(p)->loc;
		ref->kind = SCN_REF_BYTE;
		return parse_size_max(p, "a byte offset after '+'", "a byte offset", SCN_MAX_SIZE - 8,
				      &ref->offset);
	}
	if (peek(p)->kind != TOK_LBRACKET)
		return true;
	next(p);
	ref->kind = SCN_REF_PAGES;
	lt = peek(p);
	if (!parse_count(p, "a page index after '['", &ref->first))
		return false;
	ref->last = ref->first;
	if (peek(p)->kind == TOK_DOTDOT) {
		next(p);
		lt = peek(p);
		if (!parse_count(p, "the last page index after '..'", &ref->last))
			return false;
		if (ref->last < ref->first)
			return fail(p, lt->loc, "page range %llu..%llu ends before it starts",
				    (unsigned long long)ref->first, (unsigned long long)ref->last);
	}
	if (ref->last >= SCN_MAX_PAGES)
		return fail(p, lt->loc,
			    "page index too large: '%s' (page indexes are below %llu, docs/limits.md)",
			    lt->text, (unsigned long long)SCN_MAX_PAGES);
	return expect_tok(p, TOK_RBRACKET, "']' after the page index") != NULL;
}

/* A whole mapping, written by its name alone (mremap m, shmdt s, smaps m). */
static bool parse_whole_mapping(struct parser *p, const char *verb, struct scn_ref *ref)
{
	struct scn_loc off_loc;

	if (!parse_ref(p, NK_MAP, NEED_ANY, ref, &off_loc))
		return false;
	if (ref->kind != SCN_REF_ALL)
		return fail(
			p, ref->loc,
			"'%s' takes a whole mapping: write '%s' alone, without '[...]' or '+OFF'",
			verb, ref->name);
	return true;
}

/* Values are 8-byte words: a byte offset that reads or writes one must be aligned. */
static bool check_word_aligned(struct parser *p, const struct scn_ref *ref, struct scn_loc loc)
{
	if (ref->kind == SCN_REF_BYTE && ref->offset % 8)
		return fail(p, loc,
			    "byte offset %llu is not a multiple of 8 (values are 8-byte words)",
			    (unsigned long long)ref->offset);
	return true;
}

/* ---- statements: header ---- */

static bool parse_text(struct parser *p, struct scn_stmt *st, const char *verb)
{
	struct token *t = peek(p);

	if (t->kind != TOK_STRING)
		return fail(p, t->loc, "expected a quoted string after '%s', found %s", verb,
			    found(p, t));
	st->text = g_strdup(t->text);
	next(p);
	return true;
}

static bool parse_title(struct parser *p, struct scn_stmt *st)
{
	if (p->title_line)
		return fail(p, st->loc, "title already given at line %d", p->title_line);
	if (!parse_text(p, st, "title"))
		return false;
	p->title_line = st->loc.line;
	p->f->title = g_strdup(st->text);
	return true;
}

/* The config keys, in the order of the bits of enum scn_config_key. */
enum config_index {
	CK_RAM,
	CK_SWAP,
	CK_SWAP_DEVICE,
	CK_TREE,
	CK_KERNEL,
	CK_FAULT_AROUND,
	CK_READ_AHEAD,
	CK_PAGE_CLUSTER,
	CK_SWAP_RA,
	CK_OVERCOMMIT,
	CK_OVERCOMMIT_RATIO,
};
static const char *const config_keys[NR_CONFIG_KEYS + 1] = {
	"ram",	   "swap",	   "swap_device",      "tree",
	"kernel",  "fault_around", "read_ahead",       "page_cluster",
	"swap_ra", "overcommit",   "overcommit_ratio", NULL,
};
static const char *const swap_devices[] = { "disk", "zram", NULL };
static const char *const trees[] = { "radix", "xarray", NULL };
static const char *const swap_ras[] = { "vma", "cluster", NULL };

/* kernel=4.19 or kernel=6.18 */
static bool parse_kernel(struct parser *p, enum scn_kernel *out)
{
	struct token *t = peek(p);

	if (t->kind == TOK_NUMBER && !strcmp(t->text, "4.19"))
		*out = SCN_KERNEL_4_19;
	else if (t->kind == TOK_NUMBER && !strcmp(t->text, "6.18"))
		*out = SCN_KERNEL_6_18;
	else
		return fail(p, t->loc,
			    "expected a kernel profile (4.19 or 6.18) after 'kernel=', found %s",
			    found(p, t));
	next(p);
	return true;
}

/* One config key's value. */
static bool parse_config_value(struct parser *p, enum config_index i, struct scn_config *c)
{
	struct token *t = peek(p);
	uint64_t v = 0;
	int k = 0;

	switch (i) {
	case CK_RAM:
		if (!parse_page_size(p, "a size after 'ram='", &v))
			return false;
		if (!v)
			return fail(p, t->loc, "ram must be at least 1 page, found '%s'", t->text);
		if (!check_size_max(p, t, "ram", v, SCN_MAX_RAM_PAGES * SCN_PAGE_SIZE))
			return false;
		c->ram_pages = v / SCN_PAGE_SIZE;
		return true;
	case CK_SWAP:
		if (!parse_page_size_max(p, "a size after 'swap='", "swap",
					 SCN_MAX_SWAP_PAGES * SCN_PAGE_SIZE, &v))
			return false;
		c->swap_pages = v / SCN_PAGE_SIZE;
		return true;
	case CK_SWAP_DEVICE:
		k = parse_choice(p, "swap device", swap_devices);
		c->swap_device = k == 1 ? SCN_SWAP_ZRAM : SCN_SWAP_DISK;
		return k >= 0;
	case CK_TREE:
		k = parse_choice(p, "page-cache tree", trees);
		c->tree = k == 1 ? SCN_TREE_XARRAY : SCN_TREE_RADIX;
		return k >= 0;
	case CK_KERNEL:
		return parse_kernel(p, &c->kernel);
	case CK_FAULT_AROUND:
		return parse_size_max(p, "a size after 'fault_around='", "fault_around",
				      SCN_MAX_FAULT_AROUND, &c->fault_around_bytes);
	case CK_READ_AHEAD:
		return parse_size_max(p, "a size after 'read_ahead='", "read_ahead",
				      SCN_MAX_READ_AHEAD, &c->read_ahead_bytes);
	case CK_PAGE_CLUSTER:
		if (!parse_count_max(p, "page_cluster", 10, &v))
			return false;
		c->page_cluster = (unsigned)v;
		return true;
	case CK_SWAP_RA:
		k = parse_choice(p, "swap read-ahead style", swap_ras);
		c->swap_ra = k == 1 ? SCN_SWAP_RA_CLUSTER : SCN_SWAP_RA_VMA;
		return k >= 0;
	case CK_OVERCOMMIT:
		if (!parse_count_max(p, "overcommit", 2, &v))
			return false;
		c->overcommit = (unsigned)v;
		return true;
	case CK_OVERCOMMIT_RATIO:
		if (!parse_count_max(p, "overcommit_ratio", 100, &v))
			return false;
		c->overcommit_ratio = (unsigned)v;
		return true;
	}
	return false;
}

static bool parse_config(struct parser *p, struct scn_stmt *st)
{
	struct token *key;
	bool has_eq, err;
	char *list;
	int i;

	if (p->first_event_line)
		return fail(p, st->loc, "config must come before the first event (line %d)",
			    p->first_event_line);
	if (at_end(p))
		return fail(p, peek(p)->loc, "expected KEY=VALUE after 'config', found %s",
			    found(p, peek(p)));
	while ((key = next_key(p, "a config KEY=VALUE", &has_eq, &err))) {
		i = word_index(config_keys, key->text);
		if (i < 0) {
			const char *near = scn_nearest_word(key->text, config_keys);

			list = join_words(config_keys);
			if (near)
				fail(p, key->loc,
				     "unknown config key '%s'; did you mean '%s'? (valid keys: %s)",
				     key->text, near, list);
			else
				fail(p, key->loc, "unknown config key '%s' (valid keys: %s)",
				     key->text, list);
			g_free(list);
			return false;
		}
		if (p->config_line[i])
			return fail(p, key->loc, "config key '%s' already set at line %d",
				    key->text, p->config_line[i]);
		if (!want_eq(p, key, has_eq) ||
		    !parse_config_value(p, (enum config_index)i, &p->f->config))
			return false;
		p->config_line[i] = key->loc.line;
		p->f->config.set |= 1U << i;
	}
	return !err;
}

/* ---- statements: objects and processes ---- */

static const char *const cached_words[] = { "none", "all", NULL };

/* file NAME size=SIZE [cached=all|none] */
static bool parse_file(struct parser *p, struct scn_stmt *st)
{
	static const char *const keys[] = { "size", "cached", NULL };
	struct token *nt = expect_tok(p, TOK_NAME, "a file name after 'file'"), *key;
	unsigned seen = 0;
	bool has_eq, err;
	int i;

	if (!nt || !check_new_name(p, NK_OBJ, nt, false))
		return false;
	st->name = g_strdup(nt->text);
	st->name_loc = nt->loc;
	while ((key = next_key(p, "size= or cached=", &has_eq, &err))) {
		i = word_index(keys, key->text);
		if (i < 0)
			return unknown_key(p, "file key", key, keys);
		if (!once(p, &seen, 1U << i, key) || !want_eq(p, key, has_eq))
			return false;
		if (i == 0 && !parse_size_max(p, "a size after 'size='", "a file", SCN_MAX_SIZE,
					      &st->size))
			return false;
		if (i == 1) {
			int c = parse_choice(p, "cached= value", cached_words);

			if (c < 0)
				return false;
			st->cached_all = c == 1;
		}
	}
	if (err)
		return false;
	if (!(seen & 1))
		return fail(p, peek(p)->loc, "expected size=SIZE for file '%s', found %s", nt->text,
			    found(p, peek(p)));
	add_name(p, NK_OBJ, nt, false, OBJ_FILE);
	return true;
}

/* process NAME */
static bool parse_process(struct parser *p, struct scn_stmt *st)
{
	struct token *nt = expect_tok(p, TOK_NAME, "a process name after 'process'");

	if (!nt || !check_new_name(p, NK_PROC, nt, false))
		return false;
	st->name = g_strdup(nt->text);
	st->name_loc = nt->loc;
	add_name(p, NK_PROC, nt, false, 0);
	return true;
}

/* fork PARENT CHILD */
static bool parse_fork(struct parser *p, struct scn_stmt *st)
{
	struct token *pt = use_process(p, false), *ct;

	if (!pt)
		return false;
	st->name = g_strdup(pt->text);
	st->name_loc = pt->loc;
	ct = expect_tok(p, TOK_NAME, "a child process name after the parent");
	if (!ct || !check_new_name(p, NK_PROC, ct, false))
		return false;
	st->name2 = g_strdup(ct->text);
	st->name2_loc = ct->loc;
	add_name(p, NK_PROC, ct, false, 0);
	return true;
}

/* exit P */
static bool parse_exit(struct parser *p, struct scn_stmt *st)
{
	struct def *d;
	struct token *t = peek(p);

	if (t->kind == TOK_NAME && (d = lookup(p, NK_PROC, t->text)) && d->exited_line)
		return fail(p, t->loc, "process '%s' already exited at line %d", t->text,
			    d->exited_line);
	t = use_process(p, false);
	if (!t)
		return false;
	st->name = g_strdup(t->text);
	st->name_loc = t->loc;
	lookup(p, NK_PROC, t->text)->exited_line = st->loc.line;
	return true;
}

/* ---- statements: mappings ---- */

static const char *const prot_words[] = { "none", "r", "w", "rw", "rx", "rwx", NULL };
static const unsigned prot_bits[] = {
	SCN_PROT_NONE,
	SCN_PROT_R,
	SCN_PROT_W,
	SCN_PROT_R | SCN_PROT_W,
	SCN_PROT_R | SCN_PROT_X,
	SCN_PROT_R | SCN_PROT_W | SCN_PROT_X,
};

static bool parse_prot(struct parser *p, unsigned *prot)
{
	int i = parse_choice(p, "protection", prot_words);

	if (i < 0)
		return false;
	*prot = prot_bits[i];
	return true;
}

enum mmap_key {
	MK_ANON,
	MK_FILE,
	MK_PRIVATE,
	MK_SHARED,
	MK_PROT,
	MK_OFFSET,
	MK_AT,
	MK_FIXED,
	MK_NOREPLACE,
	MK_POPULATE,
	MK_NORESERVE,
};
static const char *const mmap_keys[] = {
	"anon", "file",	 "private",   "shared",	  "prot",      "offset",
	"at",	"fixed", "noreplace", "populate", "noreserve", NULL,
};

/* Keys of mmap that take "=VALUE". */
#define MMAP_VALUE_KEYS (1U << MK_FILE | 1U << MK_PROT | 1U << MK_OFFSET | 1U << MK_AT)

/* Pairs of mmap keys that exclude each other. */
static const int mmap_exclusive[][2] = {
	{ MK_ANON, MK_FILE },
	{ MK_PRIVATE, MK_SHARED },
	{ MK_FIXED, MK_NOREPLACE },
};

/* The key k just given must not exclude one given before. */
static bool check_exclusive(struct parser *p, unsigned seen, int k, const struct token *key)
{
	for (gsize i = 0; i < G_N_ELEMENTS(mmap_exclusive); i++) {
		int a = mmap_exclusive[i][0], b = mmap_exclusive[i][1];
		int other = k == a ? b : k == b ? a : -1;

		if (other >= 0 && (seen & (1U << other)))
			return fail(p, key->loc, "'%s' conflicts with '%s'", mmap_keys[k],
				    mmap_keys[other]);
	}
	return true;
}

/* The value of one mmap key. */
static bool parse_mmap_key(struct parser *p, struct scn_mmap *m, int k)
{
	struct token *t = peek(p), *ot;

	switch (k) {
	case MK_FILE:
		ot = use_object(p, NEED_FD);
		if (!ot)
			return false;
		m->object = g_strdup(ot->text);
		m->object_loc = ot->loc;
		return true;
	case MK_PROT:
		return parse_prot(p, &m->prot);
	case MK_OFFSET:
		if (!parse_size_max(p, "a size after 'offset='", "offset=", SCN_MAX_SIZE, &m->offset))
			return false;
		if (m->offset % SCN_PAGE_SIZE)
			return fail(
				p, t->loc,
				"offset= must be a multiple of the page size (4096), found '%s'",
				t->text);
		return true;
	case MK_AT:
		m->has_at = true;
		return parse_addr(p, &m->at);
	}
	m->anon |= k == MK_ANON;
	m->shared |= k == MK_SHARED;
	m->fixed |= k == MK_FIXED;
	m->noreplace |= k == MK_NOREPLACE;
	m->populate |= k == MK_POPULATE;
	m->noreserve |= k == MK_NORESERVE;
	return true;
}

/* The keys of mmap must name a source (anon or file=) and a sharing (private or shared). */
static bool check_mmap_keys(struct parser *p, unsigned seen, struct scn_loc end)
{
	if (!(seen & (1U << MK_ANON | 1U << MK_FILE)))
		return fail(p, end, "mmap needs 'anon' or 'file=OBJ'");
	if (!(seen & (1U << MK_PRIVATE | 1U << MK_SHARED)))
		return fail(p, end, "mmap needs 'private' or 'shared'");
	return true;
}

/* P: NAME = mmap SIZE KEY... */
static bool parse_mmap(struct parser *p, struct scn_stmt *st)
{
	struct scn_mmap *m = &st->mmap;
	struct token *key;
	struct scn_loc fixed_loc = { 0, 0 };
	unsigned seen = 0;
	bool has_eq, err, ok;
	int k;

	m->prot = SCN_PROT_R | SCN_PROT_W;
	if (!parse_page_size_max(p, "a size after 'mmap'", "a mapping", SCN_MAX_SIZE, &m->size))
		return false;
	while ((key = next_key(p, "an mmap key", &has_eq, &err))) {
		k = word_index(mmap_keys, key->text);
		if (k < 0)
			return unknown_key(p, "mmap key", key, mmap_keys);
		ok = (MMAP_VALUE_KEYS & (1U << k)) ? want_eq(p, key, has_eq) :
						     want_flag(p, key, has_eq);
		if (!ok || !once(p, &seen, 1U << k, key) || !check_exclusive(p, seen, k, key))
			return false;
		if (k == MK_FIXED || k == MK_NOREPLACE)
			fixed_loc = key->loc;
		if (!parse_mmap_key(p, m, k))
			return false;
	}
	if (err || !check_mmap_keys(p, seen, peek(p)->loc))
		return false;
	if (fixed_loc.line && !m->has_at)
		return fail(p, fixed_loc, "'%s' needs at=ADDR", m->fixed ? "fixed" : "noreplace");
	return true;
}

/* P: munmap REF */
static bool parse_munmap(struct parser *p, struct scn_stmt *st)
{
	struct scn_loc off_loc;

	return parse_ref(p, NK_MAP, NEED_ANY, &st->ref, &off_loc);
}

/* P: mprotect REF prot=PROT */
static bool parse_mprotect(struct parser *p, struct scn_stmt *st)
{
	static const char *const keys[] = { "prot", NULL };
	struct scn_loc off_loc;
	struct token *key;
	bool has_eq, err;

	if (!parse_ref(p, NK_MAP, NEED_ANY, &st->ref, &off_loc))
		return false;
	key = next_key(p, "prot=", &has_eq, &err);
	if (!key && err)
		return false;
	if (!key)
		return fail(p, peek(p)->loc, "expected prot= after the page reference, found %s",
			    found(p, peek(p)));
	if (strcmp(key->text, "prot"))
		return unknown_key(p, "mprotect key", key, keys);
	return want_eq(p, key, has_eq) && parse_prot(p, &st->prot);
}

/* P: mremap NAME SIZE [maymove] */
static bool parse_mremap(struct parser *p, struct scn_stmt *st)
{
	static const char *const keys[] = { "maymove", NULL };
	struct token *key;
	bool has_eq, err;

	if (!parse_whole_mapping(p, "mremap", &st->ref) ||
	    !parse_page_size_max(p, "a new size after the mapping", "a mapping", SCN_MAX_SIZE,
				 &st->size))
		return false;
	key = next_key(p, "'maymove'", &has_eq, &err);
	if (!key)
		return !err;
	if (strcmp(key->text, "maymove"))
		return unknown_key(p, "mremap flag", key, keys);
	st->maymove = true;
	return want_flag(p, key, has_eq);
}

/* P: msync REF sync|async [invalidate] */
static bool parse_msync(struct parser *p, struct scn_stmt *st)
{
	static const char *const words[] = { "sync", "async", "invalidate", NULL };
	struct scn_loc off_loc;
	struct token *t;
	unsigned seen = 0;
	int i;

	if (!parse_ref(p, NK_MAP, NEED_ANY, &st->ref, &off_loc))
		return false;
	while (!at_end(p)) {
		t = peek(p);
		i = parse_choice(p, "msync flag", words);
		if (i < 0 || !once(p, &seen, 1U << i, t))
			return false;
		if (i < 2 && (seen & 3) == 3)
			return fail(p, t->loc, "'%s' conflicts with '%s'", words[i], words[!i]);
		st->msync.sync |= i == 0;
		st->msync.invalidate |= i == 2;
	}
	if (!(seen & 3))
		return fail(p, peek(p)->loc,
			    "expected 'sync' or 'async' after the page reference, found %s",
			    found(p, peek(p)));
	return true;
}

/* P: madvise REF ADVICE */
static bool parse_madvise(struct parser *p, struct scn_stmt *st)
{
	static const char *const words[] = {
		"dontneed",	  "cold",   "pageout", "willneed", "populate_read",
		"populate_write", "remove", "free",    NULL,
	};
	struct scn_loc off_loc;
	int i;

	if (!parse_ref(p, NK_MAP, NEED_ANY, &st->ref, &off_loc))
		return false;
	i = parse_choice(p, "madvise advice", words);
	st->madvise = (enum scn_madvise)i;
	return i >= 0;
}

/* ---- statements: accesses ---- */

/* [== V | != V] after a read or pread reference. */
static bool parse_compare(struct parser *p, struct scn_stmt *st, struct scn_loc off_loc)
{
	struct token *t = peek(p);

	if (t->kind == TOK_ASSIGN)
		return fail(p, t->loc, "expected '==' or '!=' to compare what is read, found '='");
	if (t->kind != TOK_EQ && t->kind != TOK_NE)
		return true;
	next(p);
	st->access.cmp = t->kind == TOK_EQ ? SCN_CMP_EQ : SCN_CMP_NE;
	return parse_value(p, "a value to compare with", &st->access.value) &&
	       check_word_aligned(p, &st->ref, off_loc);
}

/* [= V] after a write or pwrite reference; the word written must be aligned. */
static bool parse_assign(struct parser *p, struct scn_stmt *st, struct scn_loc off_loc)
{
	struct token *t = peek(p);

	if (t->kind == TOK_EQ || t->kind == TOK_NE)
		return fail(p, t->loc, "expected '= VALUE' to write a value, found %s",
			    found(p, t));
	if (!check_word_aligned(p, &st->ref, off_loc))
		return false;
	if (t->kind != TOK_ASSIGN)
		return true;
	next(p);
	st->access.has_value = true;
	return parse_value(p, "a value after '='", &st->access.value);
}

/* P: read REF [== V | != V] */
static bool parse_read(struct parser *p, struct scn_stmt *st)
{
	struct scn_loc off_loc;

	return parse_ref(p, NK_MAP, NEED_ANY, &st->ref, &off_loc) && parse_compare(p, st, off_loc);
}

/* P: write REF [= V] */
static bool parse_write(struct parser *p, struct scn_stmt *st)
{
	struct scn_loc off_loc;

	return parse_ref(p, NK_MAP, NEED_ANY, &st->ref, &off_loc) && parse_assign(p, st, off_loc);
}

/* ---- statements: shared memory and files ---- */

/* P: S = shmget key=K size=S */
static bool parse_shmget(struct parser *p, struct scn_stmt *st)
{
	static const char *const keys[] = { "key", "size", NULL };
	struct token *key, *t;
	unsigned seen = 0;
	bool has_eq, err;
	int i;

	while ((key = next_key(p, "key= or size=", &has_eq, &err))) {
		i = word_index(keys, key->text);
		if (i < 0)
			return unknown_key(p, "shmget key", key, keys);
		if (!once(p, &seen, 1U << i, key) || !want_eq(p, key, has_eq))
			return false;
		t = peek(p);
		if (i == 1 && !parse_size_max(p, "a size after 'size='", "a segment", SCN_MAX_SIZE,
					      &st->size))
			return false;
		if (i == 0 && !parse_count(p, "a key after 'key='", &st->key))
			return false;
		if (i == 0 && st->key > UINT32_MAX)
			return fail(p, t->loc, "shmget key must fit in 32 bits, found '%s'",
				    t->text);
	}
	if (err)
		return false;
	if (seen != 3)
		return fail(p, peek(p)->loc, "expected %s for shmget, found %s",
			    seen & 1 ? "size=SIZE" : "key=KEY", found(p, peek(p)));
	return true;
}

/* [prot=r|rw] [at=ADDR] of shmat */
static bool parse_shmat_keys(struct parser *p, struct scn_stmt *st)
{
	static const char *const keys[] = { "prot", "at", NULL };
	static const char *const prots[] = { "r", "rw", NULL };
	struct token *key;
	unsigned seen = 0;
	bool has_eq, err;
	int i;

	while ((key = next_key(p, "prot= or at=", &has_eq, &err))) {
		i = word_index(keys, key->text);
		if (i < 0)
			return unknown_key(p, "shmat key", key, keys);
		if (!once(p, &seen, 1U << i, key) || !want_eq(p, key, has_eq))
			return false;
		if (i == 1) {
			st->has_at = true;
			if (!parse_addr(p, &st->at))
				return false;
			continue;
		}
		i = parse_choice(p, "shmat protection", prots);
		if (i < 0)
			return false;
		st->prot = i ? SCN_PROT_R | SCN_PROT_W : SCN_PROT_R;
	}
	return !err;
}

/* P: s = shmat S [prot=r|rw] [at=ADDR] */
static bool parse_shmat(struct parser *p, struct scn_stmt *st)
{
	struct token *t = use_object(p, NEED_SYSV);

	if (!t)
		return false;
	st->object = g_strdup(t->text);
	st->object_loc = t->loc;
	st->prot = SCN_PROT_R | SCN_PROT_W;
	return parse_shmat_keys(p, st);
}

/* P: shmdt s */
static bool parse_shmdt(struct parser *p, struct scn_stmt *st)
{
	return parse_whole_mapping(p, "shmdt", &st->ref);
}

/* P: shmctl S rmid */
static bool parse_shmctl(struct parser *p, struct scn_stmt *st)
{
	static const char *const cmds[] = { "rmid", NULL };
	struct token *t = use_object(p, NEED_SYSV);

	if (!t)
		return false;
	st->object = g_strdup(t->text);
	st->object_loc = t->loc;
	return parse_choice(p, "shmctl command", cmds) >= 0;
}

/* The "/name" of a POSIX shared memory object: one leading '/', no other. */
static bool parse_shm_name(struct parser *p, struct scn_stmt *st, const char *verb)
{
	struct token *t = peek(p);

	if (!parse_text(p, st, verb))
		return false;
	if (st->text[0] != '/' || !st->text[1] || strchr(st->text + 1, '/'))
		return fail(
			p, t->loc,
			"expected a POSIX shared memory name, one '/' then a name without '/' (like \"/demo\"), found \"%s\"",
			st->text);
	return true;
}

/* size=SIZE, the only key of shm_open and memfd; kept exact (it is an ftruncate). */
static bool parse_object_size(struct parser *p, struct scn_stmt *st, const char *verb)
{
	static const char *const keys[] = { "size", NULL };
	struct token *key;
	bool has_eq, err;

	key = next_key(p, "size=", &has_eq, &err);
	if (!key && err)
		return false;
	if (!key)
		return fail(p, peek(p)->loc, "expected size=SIZE for %s, found %s", verb,
			    found(p, peek(p)));
	if (strcmp(key->text, "size"))
		return unknown_key(p, "key", key, keys);
	return want_eq(p, key, has_eq) &&
	       parse_size_max(p, "a size after 'size='", "an object", SCN_MAX_SIZE, &st->size);
}

/* P: NAME = shm_open "/name" size=SIZE */
static bool parse_shm_open(struct parser *p, struct scn_stmt *st)
{
	return parse_shm_name(p, st, "shm_open") && parse_object_size(p, st, "shm_open");
}

/* [P:] shm_unlink "/name" */
static bool parse_shm_unlink(struct parser *p, struct scn_stmt *st)
{
	return parse_shm_name(p, st, "shm_unlink");
}

/* P: NAME = memfd "name" size=SIZE */
static bool parse_memfd(struct parser *p, struct scn_stmt *st)
{
	return parse_text(p, st, "memfd") && parse_object_size(p, st, "memfd");
}

/* [P:] ftruncate OBJ SIZE */
static bool parse_ftruncate(struct parser *p, struct scn_stmt *st)
{
	struct token *t = use_object(p, NEED_FD);

	if (!t)
		return false;
	st->object = g_strdup(t->text);
	st->object_loc = t->loc;
	return parse_size_max(p, "a size after the object", "an object", SCN_MAX_SIZE, &st->size);
}

/* [P:] pwrite OBJREF [= V] */
static bool parse_pwrite(struct parser *p, struct scn_stmt *st)
{
	struct scn_loc off_loc;

	return parse_ref(p, NK_OBJ, NEED_FD, &st->ref, &off_loc) && parse_assign(p, st, off_loc);
}

/* [P:] pread OBJREF [== V | != V] */
static bool parse_pread(struct parser *p, struct scn_stmt *st)
{
	struct scn_loc off_loc;

	return parse_ref(p, NK_OBJ, NEED_FD, &st->ref, &off_loc) && parse_compare(p, st, off_loc);
}

/* [P:] fsync OBJ */
static bool parse_fsync(struct parser *p, struct scn_stmt *st)
{
	struct token *t = use_object(p, NEED_FD);

	if (!t)
		return false;
	st->object = g_strdup(t->text);
	st->object_loc = t->loc;
	return true;
}

/* [P:] fadvise OBJREF dontneed|willneed */
static bool parse_fadvise(struct parser *p, struct scn_stmt *st)
{
	static const char *const words[] = { "dontneed", "willneed", NULL };
	struct scn_loc off_loc;
	int i;

	if (!parse_ref(p, NK_OBJ, NEED_FD, &st->ref, &off_loc))
		return false;
	i = parse_choice(p, "fadvise advice", words);
	st->fadvise_willneed = i == 1;
	return i >= 0;
}

/* ---- statements: memory pressure ---- */

/* reclaim N|all [anon|file] */
static bool parse_reclaim(struct parser *p, struct scn_stmt *st)
{
	static const char *const lrus[] = { "anon", "file", NULL };
	struct token *t = peek(p);
	int i;

	if (is_word(t, "all")) {
		next(p);
		st->reclaim_all = true;
	} else if (!parse_count(p, "a number of pages or 'all' after 'reclaim'", &st->count)) {
		return false;
	} else if (!st->count) {
		return fail(p, t->loc, "reclaim needs at least 1 page, found '0'");
	} else if (st->count > SCN_MAX_RAM_PAGES) {
		return fail(p, t->loc, "reclaim count too large: at most %llu pages (the largest ram=), found '%s'",
			    (unsigned long long)SCN_MAX_RAM_PAGES, t->text);
	}
	st->reclaim_lru = SCN_LRU_BOTH;
	if (at_end(p))
		return true;
	i = parse_choice(p, "LRU", lrus);
	st->reclaim_lru = i == 1 ? SCN_LRU_FILE : SCN_LRU_ANON;
	return i >= 0;
}

static bool parse_nothing(struct parser *p, struct scn_stmt *st)
{
	return true;
}

/* ---- statements: expectations ---- */

enum kv_type { KV_SIZE, KV_COUNT };

/*
 * KEY=VALUE... of an expect form: keys from the list (or any name when keys
 * is NULL), each once, at least one.
 */
static bool parse_kvs(struct parser *p, struct scn_stmt *st, const char *what,
		      const char *const *keys, enum kv_type type)
{
	struct token *key;
	struct scn_kv *kv;
	bool has_eq, err;
	char expected[64];

	snprintf(expected, sizeof(expected), "a %s KEY=VALUE", what);
	if (at_end(p))
		return fail(p, peek(p)->loc, "expected %s, found %s", expected, found(p, peek(p)));
	while ((key = next_key(p, expected, &has_eq, &err))) {
		if (keys && word_index(keys, key->text) < 0) {
			char *noun = g_strdup_printf("%s key", what);

			unknown_key(p, noun, key, keys);
			g_free(noun);
			return false;
		}
		for (int i = 0; i < st->nkvs; i++)
			if (!strcmp(st->kvs[i].key, key->text))
				return fail(p, key->loc, "'%s' given twice", key->text);
		if (!want_eq(p, key, has_eq))
			return false;
		st->kvs = g_renew(struct scn_kv, st->kvs, st->nkvs + 1);
		kv = &st->kvs[st->nkvs++];
		kv->key = g_strdup(key->text);
		kv->loc = key->loc;
		kv->value = 0;
		if (type == KV_SIZE ? !parse_size(p, "a size after '='", &kv->value) :
				      !parse_count(p, "a number after '='", &kv->value))
			return false;
	}
	return !err;
}

/* Words that cannot both hold for one page. */
static const unsigned word_conflicts[][2] = {
	{ SCN_W_PRESENT, SCN_W_SWAPPED },   { SCN_W_PRESENT, SCN_W_NONE },
	{ SCN_W_SWAPPED, SCN_W_NONE },	    { SCN_W_ZERO, SCN_W_SWAPPED },
	{ SCN_W_ZERO, SCN_W_NONE },	    { SCN_W_RESIDENT, SCN_W_NONRESIDENT },
	{ SCN_W_WRITABLE, SCN_W_READONLY }, { SCN_W_DIRTY, SCN_W_CLEAN },
	{ SCN_W_EXCLUSIVE, SCN_W_SHARED },  { SCN_W_FILE, SCN_W_ANON },
};

/* The word just given (bit) must not contradict one given before. */
static bool check_word_conflict(struct parser *p, unsigned words, unsigned bit,
				const struct token *t)
{
	for (gsize i = 0; i < G_N_ELEMENTS(word_conflicts); i++) {
		unsigned a = word_conflicts[i][0], b = word_conflicts[i][1];
		unsigned other = bit == a ? b : bit == b ? a : 0;

		if (other && (words & other))
			return fail(p, t->loc, "'%s' contradicts '%s'", t->text,
				    scn_word_name(other));
	}
	return true;
}

/* expect P REF WORD... */
static bool parse_page_words(struct parser *p, struct scn_stmt *st)
{
	struct token *t;
	int i;

	st->kind = SCN_EXPECT_PAGE;
	if (at_end(p))
		return fail(
			p, peek(p)->loc,
			"expected a page word (present, swapped, none, ...) or 'same'/'differs', found %s",
			found(p, peek(p)));
	while (!at_end(p)) {
		t = peek(p);
		if (is_word(t, "same") || is_word(t, "differs"))
			return fail(p, t->loc, "'%s' must come right after the page reference",
				    t->text);
		i = parse_choice(p, "page word", scn_page_words);
		if (i < 0)
			return false;
		if (st->words & (1U << i))
			return fail(p, t->loc, "'%s' given twice", t->text);
		if (!check_word_conflict(p, st->words, 1U << i, t))
			return false;
		st->words |= 1U << i;
	}
	return true;
}

/* expect P REF same|differs Q REF2 */
static bool parse_same(struct parser *p, struct scn_stmt *st)
{
	struct token *t = next(p), *q;
	struct scn_loc off_loc;
	const struct scn_ref *a = &st->ref, *b = &st->ref2;

	st->kind = is_word(t, "same") ? SCN_EXPECT_SAME : SCN_EXPECT_DIFFERS;
	q = use_process(p, false);
	if (!q)
		return false;
	st->name2 = g_strdup(q->text);
	st->name2_loc = q->loc;
	if (!parse_ref(p, NK_MAP, NEED_ANY, &st->ref2, &off_loc))
		return false;
	if (a->kind == SCN_REF_PAGES && b->kind == SCN_REF_PAGES &&
	    a->last - a->first != b->last - b->first)
		return fail(p, b->loc, "'%s' compares %llu pages with %llu", t->text,
			    (unsigned long long)(a->last - a->first + 1),
			    (unsigned long long)(b->last - b->first + 1));
	return true;
}

static const char *const rss_keys[] = { "rss", "anon", "file", "shmem", "swap", NULL };
static const char *const fault_keys[] = { "minor", "major", NULL };
static const char *const smaps_keys[] = {
	"Size",		"Rss",		 "Pss",		  "Pss_Dirty",	"Shared_Clean",
	"Shared_Dirty", "Private_Clean", "Private_Dirty", "Referenced", "Anonymous",
	"LazyFree",	"Swap",		 "SwapPss",	  "Locked",	NULL,
};

/* expect P ...: the forms that start with a process. */
static bool parse_expect_process(struct parser *p, struct scn_stmt *st)
{
	struct token *pt = use_process(p, true), *t;
	struct scn_loc off_loc;
	struct def *d;

	if (!pt)
		return false;
	st->proc = g_strdup(pt->text);
	st->proc_loc = pt->loc;
	t = peek(p);
	if (is_word(t, "killed") || is_word(t, "alive")) {
		st->kind = is_word(t, "killed") ? SCN_EXPECT_KILLED : SCN_EXPECT_ALIVE;
		next(p);
		return true;
	}
	d = lookup(p, NK_PROC, pt->text);
	if (d->exited_line)
		return fail(
			p, pt->loc,
			"process '%s' exited at line %d; only 'expect %s killed' or 'expect %s alive' may name it now",
			pt->text, d->exited_line, pt->text, pt->text);
	if (is_word(t, "faults")) {
		next(p);
		st->kind = SCN_EXPECT_FAULTS;
		return parse_kvs(p, st, "faults", fault_keys, KV_COUNT);
	}
	if (is_word(t, "smaps")) {
		next(p);
		st->kind = SCN_EXPECT_SMAPS;
		return parse_whole_mapping(p, "smaps", &st->ref) &&
		       parse_kvs(p, st, "smaps", smaps_keys, KV_SIZE);
	}
	if (t->kind == TOK_NAME && tok_at(p, 1)->kind == TOK_ASSIGN) {
		st->kind = SCN_EXPECT_RSS;
		return parse_kvs(p, st, "rss", rss_keys, KV_SIZE);
	}
	if (!parse_ref(p, NK_MAP, NEED_ANY, &st->ref, &off_loc))
		return false;
	if (is_word(peek(p), "same") || is_word(peek(p), "differs"))
		return parse_same(p, st);
	return parse_page_words(p, st);
}

/* expect cache OBJ[i] page|swap|shadow|empty */
static bool parse_expect_cache(struct parser *p, struct scn_stmt *st)
{
	static const char *const states[] = { "page", "swap", "shadow", "empty", NULL };
	struct scn_loc off_loc;
	int i;

	st->kind = SCN_EXPECT_CACHE;
	if (!parse_ref(p, NK_OBJ, NEED_ANY, &st->ref, &off_loc))
		return false;
	if (st->ref.kind == SCN_REF_BYTE)
		return fail(p, st->ref.loc,
			    "'expect cache' takes pages: write '%s[i]' or '%s[i..j]', not '+OFF'",
			    st->ref.name, st->ref.name);
	i = parse_choice(p, "page-cache slot state", states);
	st->cache_state = (enum scn_cache_state)i;
	return i >= 0;
}

static bool parse_expect(struct parser *p, struct scn_stmt *st)
{
	struct token *t = peek(p);

	if (is_word(t, "cache")) {
		next(p);
		return parse_expect_cache(p, st);
	}
	if (is_word(t, "swap")) {
		static const char *const keys[] = { "used", "cached", NULL };

		next(p);
		st->kind = SCN_EXPECT_SWAP;
		return parse_kvs(p, st, "swap", keys, KV_COUNT);
	}
	if (is_word(t, "meminfo")) {
		next(p);
		st->kind = SCN_EXPECT_MEMINFO;
		return parse_kvs(p, st, "meminfo", NULL, KV_SIZE);
	}
	if (is_word(t, "vmstat")) {
		next(p);
		st->kind = SCN_EXPECT_VMSTAT;
		return parse_kvs(p, st, "vmstat", NULL, KV_COUNT);
	}
	if (t->kind != TOK_NAME)
		return fail(
			p, t->loc,
			"expected a process, 'cache', 'swap', 'meminfo' or 'vmstat' after 'expect', found %s",
			found(p, t));
	return parse_expect_process(p, st);
}

/* ---- statements: narrative ---- */

/* In the order of enum scn_view; the first three are per process. */
static const char *const view_names[] = {
	"pagetable", "maps", "smaps", "cache", "swap", "lru", "frames", "meminfo", "vmstat", NULL,
};
static const char *const proc_views[] = { "pagetable", "maps", "smaps", NULL };

/* show P VIEW, after P */
static bool parse_show_process(struct parser *p, struct scn_stmt *st)
{
	struct token *pt = use_process(p, false);
	int i;

	if (!pt)
		return false;
	st->proc = g_strdup(pt->text);
	st->proc_loc = pt->loc;
	i = parse_choice(p, "process view", proc_views);
	st->view = (enum scn_view)i;
	return i >= 0;
}

/* show VIEW [P|OBJ] or show P VIEW */
static bool parse_show(struct parser *p, struct scn_stmt *st)
{
	struct token *t = peek(p), *ot;
	int v = t->kind == TOK_NAME ? word_index(view_names, t->text) : -1;

	if (v < 0) {
		struct token *t1 = tok_at(p, 1);

		if (t->kind == TOK_NAME &&
		    (lookup(p, NK_PROC, t->text) ||
		     (t1->kind == TOK_NAME && word_index(proc_views, t1->text) >= 0)))
			return parse_show_process(p, st);
		return parse_choice(p, "view", view_names) >= 0;
	}
	next(p);
	st->view = (enum scn_view)v;
	if (v == SCN_VIEW_CACHE) {
		ot = use_object(p, NEED_ANY);
		if (!ot)
			return false;
		st->object = g_strdup(ot->text);
		st->object_loc = ot->loc;
	} else if (v <= SCN_VIEW_SMAPS) {
		ot = use_process(p, false);
		if (!ot)
			return false;
		st->proc = g_strdup(ot->text);
		st->proc_loc = ot->loc;
	}
	return true;
}

static bool parse_say(struct parser *p, struct scn_stmt *st)
{
	return parse_text(p, st, "say");
}

static bool parse_snapshot(struct parser *p, struct scn_stmt *st)
{
	return parse_text(p, st, "snapshot");
}

/* ---- the statement table ---- */

enum {
	ST_PREFIX = 1 << 0,	/* needs "P:" */
	ST_PREFIX_OPT = 1 << 1, /* takes "P:" or not */
	ST_DEFINES = 1 << 2,	/* written "P: NAME = verb ..." */
	ST_ERRNO = 1 << 3,	/* may end with "-> ERRNO" */
	ST_SIGNAL = 1 << 4,	/* may end with "-> SIGNAL" */
	ST_HEADER = 1 << 5,	/* title and config: not an event */
};

struct stmt_def {
	const char *word;
	enum scn_kind kind;
	unsigned flags;
	bool (*parse)(struct parser *p, struct scn_stmt *st);
	enum name_kind defines; /* with ST_DEFINES: the kind of the name */
	enum obj_kind obj;	/* with ST_DEFINES and NK_OBJ: the kind of object */
};

/* clang-format off */
#define STMT(word, kind, flags, fn) { word, kind, flags, fn, NK_COUNT, OBJ_FILE }
#define DEFINER(word, kind, flags, fn, nk, obj) { word, kind, flags, fn, nk, obj }
/* clang-format on */
#define CALL (ST_PREFIX | ST_ERRNO)
#define FDCALL (ST_PREFIX_OPT | ST_ERRNO)

static const struct stmt_def stmt_defs[] = {
	STMT("title", SCN_TITLE, ST_HEADER, parse_title),
	STMT("config", SCN_CONFIG, ST_HEADER, parse_config),
	STMT("file", SCN_FILE, 0, parse_file),
	STMT("process", SCN_PROCESS, 0, parse_process),
	STMT("fork", SCN_FORK, 0, parse_fork),
	STMT("exit", SCN_EXIT, 0, parse_exit),
	DEFINER("mmap", SCN_MMAP, CALL | ST_DEFINES, parse_mmap, NK_MAP, OBJ_FILE),
	STMT("munmap", SCN_MUNMAP, CALL, parse_munmap),
	STMT("mprotect", SCN_MPROTECT, CALL, parse_mprotect),
	STMT("mremap", SCN_MREMAP, CALL, parse_mremap),
	STMT("msync", SCN_MSYNC, CALL, parse_msync),
	STMT("madvise", SCN_MADVISE, CALL, parse_madvise),
	STMT("read", SCN_READ, ST_PREFIX | ST_SIGNAL, parse_read),
	STMT("write", SCN_WRITE, ST_PREFIX | ST_SIGNAL, parse_write),
	DEFINER("shmget", SCN_SHMGET, CALL | ST_DEFINES, parse_shmget, NK_OBJ, OBJ_SYSV),
	DEFINER("shmat", SCN_SHMAT, CALL | ST_DEFINES, parse_shmat, NK_MAP, OBJ_FILE),
	STMT("shmdt", SCN_SHMDT, CALL, parse_shmdt),
	STMT("shmctl", SCN_SHMCTL, CALL, parse_shmctl),
	DEFINER("shm_open", SCN_SHM_OPEN, CALL | ST_DEFINES, parse_shm_open, NK_OBJ, OBJ_POSIX),
	STMT("shm_unlink", SCN_SHM_UNLINK, FDCALL, parse_shm_unlink),
	DEFINER("memfd", SCN_MEMFD, CALL | ST_DEFINES, parse_memfd, NK_OBJ, OBJ_MEMFD),
	STMT("ftruncate", SCN_FTRUNCATE, FDCALL, parse_ftruncate),
	STMT("pwrite", SCN_PWRITE, FDCALL, parse_pwrite),
	STMT("pread", SCN_PREAD, FDCALL, parse_pread),
	STMT("fsync", SCN_FSYNC, FDCALL, parse_fsync),
	STMT("fadvise", SCN_FADVISE, FDCALL, parse_fadvise),
	STMT("reclaim", SCN_RECLAIM, 0, parse_reclaim),
	STMT("writeback", SCN_WRITEBACK, 0, parse_nothing),
	STMT("expect", SCN_EXPECT_PAGE, 0, parse_expect),
	STMT("say", SCN_SAY, 0, parse_say),
	STMT("snapshot", SCN_SNAPSHOT, 0, parse_snapshot),
	STMT("show", SCN_SHOW, 0, parse_show),
};

static const struct stmt_def *find_stmt(const char *word)
{
	for (gsize i = 0; i < G_N_ELEMENTS(stmt_defs); i++)
		if (!strcmp(stmt_defs[i].word, word))
			return &stmt_defs[i];
	return NULL;
}

/* Which statements fit where an unknown word stands, for the message. */
enum stmt_place { AT_START, AFTER_PREFIX, AFTER_NAME };

static bool fits(const struct stmt_def *d, enum stmt_place where)
{
	switch (where) {
	case AT_START:
		return !(d->flags & ST_PREFIX);
	case AFTER_PREFIX:
		return (d->flags & (ST_PREFIX | ST_PREFIX_OPT)) && !(d->flags & ST_DEFINES);
	default:
		return d->flags & ST_DEFINES;
	}
}

/* An unknown first word: suggest the nearest statement, or list those that fit. */
static bool unknown_stmt(struct parser *p, const struct token *t, enum stmt_place where)
{
	const char *words[G_N_ELEMENTS(stmt_defs) + 1];
	const char *near;
	char *list;
	int n = 0;

	for (gsize i = 0; i < G_N_ELEMENTS(stmt_defs); i++)
		words[n++] = stmt_defs[i].word;
	words[n] = NULL;
	if (where == AT_START && lookup(p, NK_PROC, t->text))
		return fail(p, tok_at(p, 1)->loc, "expected ':' after process '%s', found %s",
			    t->text, found(p, tok_at(p, 1)));
	near = scn_nearest_word(t->text, words);
	if (near)
		return fail(p, t->loc, "unknown statement '%s'; did you mean '%s'?", t->text, near);
	n = 0;
	for (gsize i = 0; i < G_N_ELEMENTS(stmt_defs); i++)
		if (fits(&stmt_defs[i], where))
			words[n++] = stmt_defs[i].word;
	words[n] = NULL;
	list = join_words(words);
	fail(p, t->loc, "unknown statement '%s' (expected %s)", t->text, list);
	g_free(list);
	return false;
}

/* The "P:" and "NAME =" written before the verb must be what the statement takes. */
static bool check_form(struct parser *p, const struct scn_stmt *st, const struct stmt_def *d,
		       const struct token *verb, const struct token *nt)
{
	if ((d->flags & ST_PREFIX) && !st->proc)
		return fail(p, st->loc, "'%s' needs a process: write 'P: %s%s ...'", d->word,
			    d->flags & ST_DEFINES ? "NAME = " : "", d->word);
	if (!(d->flags & (ST_PREFIX | ST_PREFIX_OPT)) && st->proc)
		return fail(p, st->proc_loc, "'%s' takes no process prefix: remove '%s:'", d->word,
			    st->proc);
	if ((d->flags & ST_DEFINES) && !nt)
		return fail(p, verb->loc, "'%s' declares a name: write '%s: NAME = %s ...'",
			    d->word, st->proc, d->word);
	if (!(d->flags & ST_DEFINES) && nt)
		return fail(p, nt->loc, "'%s' declares no name: remove '%s ='", d->word, nt->text);
	return true;
}

/* Does the statement end with "->" (and so is expected to fail)? */
static bool line_has_arrow(struct parser *p)
{
	for (guint i = p->pos; i < p->ln->toks->len; i++)
		if (g_array_index(p->ln->toks, struct token, i).kind == TOK_ARROW)
			return true;
	return false;
}

/* "-> ERRNO" or "-> SIGNAL" at the end of a statement, if there is one. */
static bool parse_outcome(struct parser *p, struct scn_stmt *st, const struct stmt_def *d)
{
	struct token *arrow = peek(p), *t;
	const char *near;
	bool sig = d->flags & ST_SIGNAL;

	if (arrow->kind != TOK_ARROW)
		return true;
	if (!(d->flags & (ST_ERRNO | ST_SIGNAL)))
		return fail(
			p, arrow->loc,
			"'%s' cannot fail: '->' is allowed only on calls (-> ERRNO) and on read and write (-> SIGNAL)",
			d->word);
	next(p);
	t = peek(p);
	if (t->kind != TOK_NAME)
		return fail(p, t->loc, "expected %s after '->', found %s",
			    sig ? "SIGSEGV, SIGBUS or SIGKILL" : "an errno such as ENOMEM",
			    found(p, t));
	st->outcome.loc = t->loc;
	st->outcome.kind = sig ? SCN_OUT_SIGNAL : SCN_OUT_ERRNO;
	st->outcome.code = sig ? scn_signal_from_name(t->text) : scn_errno_from_name(t->text);
	if (st->outcome.code) {
		next(p);
		return true;
	}
	if (sig && scn_errno_from_name(t->text))
		return fail(
			p, t->loc,
			"'%s' fails only with a signal: expected SIGSEGV, SIGBUS or SIGKILL after '->', found '%s'",
			d->word, t->text);
	if (!sig && scn_signal_from_name(t->text))
		return fail(
			p, t->loc,
			"'%s' cannot raise a signal: expected an errno such as ENOMEM after '->', found '%s' (only read and write raise signals)",
			d->word, t->text);
	near = scn_nearest_word(t->text, sig ? scn_signal_names : scn_errno_names);
	if (near)
		return fail(p, t->loc, "unknown %s '%s'; did you mean '%s'?",
			    sig ? "signal" : "errno", t->text, near);
	return fail(p, t->loc, "unknown %s '%s' (expected %s)", sig ? "signal" : "errno", t->text,
		    sig ? "SIGSEGV, SIGBUS or SIGKILL" : "an errno such as ENOMEM");
}

/* "P:" at the start of a statement, if there is one; the process must be alive. */
static bool parse_prefix(struct parser *p, struct scn_stmt *st)
{
	struct token *t;

	if (peek(p)->kind != TOK_NAME || tok_at(p, 1)->kind != TOK_COLON)
		return true;
	t = use_process(p, false);
	if (!t)
		return false;
	st->proc = g_strdup(t->text);
	st->proc_loc = t->loc;
	next(p);
	return true;
}

/* The verb, the first word after "P:" and "NAME =". */
static const struct stmt_def *parse_verb(struct parser *p, const struct scn_stmt *st,
					 const struct token *nt)
{
	struct token *verb = peek(p);
	const struct stmt_def *d;

	if (verb->kind != TOK_NAME) {
		if (nt)
			fail(p, verb->loc,
			     "expected mmap, shmat, shmget, shm_open or memfd after '%s =', found %s",
			     nt->text, found(p, verb));
		else if (st->proc)
			fail(p, verb->loc, "expected a statement after '%s:', found %s", st->proc,
			     found(p, verb));
		else
			fail(p, verb->loc, "expected a statement, found %s", found(p, verb));
		return NULL;
	}
	d = find_stmt(verb->text);
	if (!d) {
		unknown_stmt(p, verb, nt ? AFTER_NAME : st->proc ? AFTER_PREFIX : AT_START);
		return NULL;
	}
	if (!check_form(p, st, d, verb, nt))
		return NULL;
	next(p);
	return d;
}

/* One statement: the whole logical line. */
static bool parse_stmt(struct parser *p, struct scn_stmt *st)
{
	const struct stmt_def *d;
	struct token *nt = NULL;
	bool failing;

	st->loc = peek(p)->loc;
	if (!parse_prefix(p, st))
		return false;
	if (peek(p)->kind == TOK_NAME && tok_at(p, 1)->kind == TOK_ASSIGN) {
		nt = next(p);
		next(p);
	}
	d = parse_verb(p, st, nt);
	if (!d)
		return false;
	st->kind = d->kind;
	failing = line_has_arrow(p);
	if (nt) {
		if (!check_new_name(p, d->defines, nt, failing))
			return false;
		st->name = g_strdup(nt->text);
		st->name_loc = nt->loc;
	}
	if (!(d->flags & ST_HEADER) && !p->first_event_line)
		p->first_event_line = st->loc.line;
	if (!d->parse(p, st) || !parse_outcome(p, st, d))
		return false;
	if (peek(p)->kind != TOK_EOL)
		return fail(p, peek(p)->loc, "expected end of line, found %s", found(p, peek(p)));
	if (nt)
		add_name(p, d->defines, nt, st->outcome.kind != SCN_OUT_OK, d->obj);
	return true;
}

/* ---- files ---- */

static void stmt_clear(gpointer data)
{
	struct scn_stmt *st = data;

	g_free(st->src);
	g_free(st->proc);
	g_free(st->name);
	g_free(st->name2);
	g_free(st->object);
	g_free(st->text);
	g_free(st->ref.name);
	g_free(st->ref2.name);
	g_free(st->mmap.object);
	for (int i = 0; i < st->nkvs; i++)
		g_free(st->kvs[i].key);
	g_free(st->kvs);
}

/* The physical lines, for error messages; a final '\n' does not start a line. */
static void split_lines(struct scn_file *f, const char *text, gsize len)
{
	GPtrArray *a = g_ptr_array_new();
	gsize start = 0;

	for (gsize i = 0; i <= len; i++) {
		gsize end = i;

		if (i < len && text[i] != '\n')
			continue;
		if (i == len && start == len)
			break;
		if (end > start && text[end - 1] == '\r')
			end--;
		g_ptr_array_add(a, g_strndup(text + start, end - start));
		start = i + 1;
	}
	f->nlines = (int)a->len;
	g_ptr_array_add(a, NULL);
	f->lines = (char **)g_ptr_array_free(a, FALSE);
}

/*
 * Lines of at most SCN_MAX_LINE_BYTES, and a text of at most
 * SCN_MAX_FILE_BYTES (the caller read no more than one byte over).
 */
static bool check_length(struct parser *p, const char *text, gsize len)
{
	struct scn_loc loc = { 1, 1 };

	for (int i = 0; i < p->f->nlines; i++)
		if (strlen(p->f->lines[i]) > SCN_MAX_LINE_BYTES)
			return fail(p, (struct scn_loc){ i + 1, SCN_MAX_LINE_BYTES + 1 },
				    "line too long: a line has at most %d bytes (docs/limits.md)",
				    SCN_MAX_LINE_BYTES);
	if (len <= SCN_MAX_FILE_BYTES)
		return true;
	for (gsize i = 0; i < SCN_MAX_FILE_BYTES; i++) {
		loc.col++;
		if (text[i] == '\n')
			loc = (struct scn_loc){ loc.line + 1, 1 };
	}
	return fail(p, loc, "file too large: a scenario has at most %u bytes (docs/limits.md)",
		    SCN_MAX_FILE_BYTES);
}

/* The text must be UTF-8 without NUL bytes. */
static bool check_utf8(struct parser *p, const char *text, gsize len)
{
	const char *end;
	struct scn_loc loc = { 1, 1 };

	if (g_utf8_validate_len(text, len, &end))
		return true;
	for (const char *s = text; s < end; s++) {
		loc.col++;
		if (*s == '\n')
			loc = (struct scn_loc){ loc.line + 1, 1 };
	}
	if (!*end)
		return fail(p, loc, "NUL byte in the file (a scenario is UTF-8 text)");
	return fail(p, loc, "invalid UTF-8 byte 0x%02x (a scenario is UTF-8 text)",
		    (unsigned char)*end);
}

/* Lex and parse every line, appending the statements to p->stmts. */
static bool parse_lines(struct parser *p, const char *text, gsize len)
{
	struct lexer lx;
	struct lex_line ln;
	struct lex_error lerr = { { 0, 0 }, NULL };
	int r;

	lexer_init(&lx, text, len);
	lex_line_init(&ln);
	p->ln = &ln;
	while ((r = lexer_next_line(&lx, &ln, &lerr)) > 0) {
		struct scn_stmt st = { 0 };

		if (ln.toks->len == 1)
			continue;
		p->pos = 0;
		if (p->stmts->len >= SCN_MAX_STATEMENTS) {
			fail(p, peek(p)->loc,
			     "too many statements: a scenario has at most %d (docs/limits.md)",
			     SCN_MAX_STATEMENTS);
			break;
		}
		st.src = g_strdup(ln.src->str);
		st.last_line = ln.last_line;
		if (!parse_stmt(p, &st)) {
			stmt_clear(&st);
			break;
		}
		g_array_append_val(p->stmts, st);
	}
	if (r < 0) {
		fail(p, lerr.loc, "%s", lerr.msg);
		g_free(lerr.msg);
	}
	lex_line_clear(&ln);
	p->ln = NULL;
	return !p->failed;
}

static void parser_init(struct parser *p, struct scn_file *f)
{
	memset(p, 0, sizeof(*p));
	p->f = f;
	p->stmts = g_array_new(FALSE, TRUE, sizeof(struct scn_stmt));
	g_array_set_clear_func(p->stmts, stmt_clear);
	for (int i = 0; i < NK_COUNT; i++)
		p->names[i] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
}

static void parser_clear(struct parser *p)
{
	for (int i = 0; i < NK_COUNT; i++)
		g_hash_table_destroy(p->names[i]);
	if (p->stmts)
		g_array_free(p->stmts, TRUE);
	g_free(p->err_msg);
}

struct scn_file *scn_parse_string(const char *path, const char *text, gsize len, GError **err)
{
	struct scn_file *f = g_new0(struct scn_file, 1);
	struct parser p;
	char *msg;

	if (!text)
		text = "";
	if (len == (gsize)-1)
		len = strlen(text);
	f->path = g_strdup(path ? path : "<string>");
	scn_config_defaults(&f->config);
	len = MIN(len, (gsize)SCN_MAX_FILE_BYTES + 1); /* the rest is refused unread */
	split_lines(f, text, len);
	parser_init(&p, f);
	if (check_length(&p, text, len) && check_utf8(&p, text, len) &&
	    parse_lines(&p, text, len)) {
		f->nstmts = (int)p.stmts->len;
		f->stmts = (struct scn_stmt *)(void *)g_array_free(p.stmts, FALSE);
		p.stmts = NULL;
	} else {
		msg = scn_format_error(f, p.err_loc, p.err_msg);
		g_set_error_literal(err, SCN_ERROR, SCN_ERROR_PARSE, msg);
		g_free(msg);
		scn_file_free(f);
		f = NULL;
	}
	parser_clear(&p);
	return f;
}

/*
 * The content of path, or NULL with errno set. Reads at most one byte over
 * SCN_MAX_FILE_BYTES (enough to refuse it), so /dev/zero ends too.
 */
static GString *read_all(const char *path)
{
	FILE *fp = fopen(path, "rb");
	GString *s;
	char buf[8192];
	size_t n;
	int saved;

	if (!fp)
		return NULL;
	s = g_string_new(NULL);
	while (s->len <= SCN_MAX_FILE_BYTES &&
	       (n = fread(buf, 1, MIN(sizeof(buf), SCN_MAX_FILE_BYTES + 1 - s->len), fp)) > 0)
		g_string_append_len(s, buf, (gssize)n);
	if (ferror(fp)) {
		saved = errno;
		fclose(fp);
		g_string_free(s, TRUE);
		errno = saved ? saved : EIO;
		return NULL;
	}
	fclose(fp);
	return s;
}

struct scn_file *scn_parse_file(const char *path, GError **err)
{
	struct scn_file *f;
	GString *text = read_all(path);

	if (!text) {
		g_set_error(err, SCN_ERROR, SCN_ERROR_IO, "%s: error: cannot read the file: %s",
			    path, g_strerror(errno));
		return NULL;
	}
	f = scn_parse_string(path, text->str, text->len, err);
	g_string_free(text, TRUE);
	return f;
}

void scn_file_free(struct scn_file *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->nstmts; i++)
		stmt_clear(&f->stmts[i]);
	g_free(f->stmts);
	g_strfreev(f->lines);
	g_free(f->title);
	g_free(f->path);
	g_free(f);
}

/* The caret line's padding: tabs copied so the caret lines up, one space per character. */
static void append_caret(GString *s, const char *line, int col)
{
	gsize n = strlen(line);

	for (int i = 0; i < col - 1; i++) {
		unsigned char c = (gsize)i < n ? (unsigned char)line[i] : ' ';

		if (c == '\t')
			g_string_append_c(s, '\t');
		else if ((c & 0xc0) != 0x80)
			g_string_append_c(s, ' ');
	}
	g_string_append_c(s, '^');
}

char *scn_format_error(const struct scn_file *f, struct scn_loc loc, const char *what)
{
	GString *s = g_string_new(NULL);
	const char *line;
	char *valid = NULL;
	int width = 5;

	g_string_append_printf(s, "%s:%d:%d: error: %s", f && f->path ? f->path : "<string>",
			       loc.line, loc.col, what);
	if (!f || loc.line < 1 || loc.line > f->nlines || loc.col < 1)
		return g_string_free(s, FALSE);
	line = f->lines[loc.line - 1];
	/* Quote at most a line's limit (a longer line is the error itself). */
	if (!g_utf8_validate(line, MIN(strlen(line), SCN_MAX_LINE_BYTES), NULL) ||
	    strlen(line) > SCN_MAX_LINE_BYTES)
		line = valid = g_utf8_make_valid(line, MIN(strlen(line), SCN_MAX_LINE_BYTES));
	loc.col = MIN(loc.col, SCN_MAX_LINE_BYTES + 1);
	for (int n = loc.line; n >= 100000; n /= 10)
		width++;
	g_string_append_printf(s, "\n%*d | %s\n%*s | ", width, loc.line, line, width, "");
	append_caret(s, line, loc.col);
	g_free(valid);
	return g_string_free(s, FALSE);
}
