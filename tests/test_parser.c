// SPDX-License-Identifier: GPL-2.0
/*
 * test_parser.c - the scenario parser against the language contract
 * (shared/spec/scenario-language.md): every statement, key and expect form
 * parses into the AST scenario.h describes; config defaults and overrides;
 * sizes, numbers, strings, comments, continuations and locations; and the
 * form of error messages. Malformed files, one mistake each, are checked by
 * test_bad.c against tests/bad/.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"

/* A process A with a child B, a file, an anon and a file mapping, a SysV segment. */
#define PRELUDE                                                                                    \
	"process A\n"                                                                              \
	"fork A B\n"                                                                               \
	"file data size=16p\n"                                                                     \
	"A: m = mmap 8p anon private\n"                                                            \
	"A: f = mmap 4p file=data shared\n"                                                        \
	"A: S = shmget key=0x1234 size=4p\n"                                                       \
	"A: s = shmat S\n"

static struct scn_file *parse_ok(const char *text)
{
	GError *err = NULL;
	struct scn_file *f = scn_parse_string("t.scn", text, strlen(text), &err);

	cr_assert(f != NULL, "unexpected parse error:\n%s", err ? err->message : "(none)");
	cr_assert(err == NULL);
	return f;
}

/* The error message for text, which must not parse; g_free() it. */
static char *parse_error(const char *text)
{
	GError *err = NULL;
	struct scn_file *f = scn_parse_string("t.scn", text, strlen(text), &err);
	char *msg;

	cr_assert(f == NULL, "parsed, but an error was expected for:\n%s", text);
	cr_assert(err != NULL);
	cr_assert(eq(u32, err->domain, SCN_ERROR));
	cr_assert(eq(int, err->code, SCN_ERROR_PARSE));
	msg = g_strdup(err->message);
	g_error_free(err);
	return msg;
}

/* text must fail with a message starting with "t.scn:" prefix and containing part. */
static void assert_error(const char *text, const char *prefix, const char *part)
{
	char *msg = parse_error(text);
	char *want = g_strdup_printf("t.scn:%s: error: ", prefix);

	cr_expect(g_str_has_prefix(msg, want), "message does not start with '%s':\n%s", want, msg);
	cr_expect(strstr(msg, part) != NULL, "message lacks '%s':\n%s", part, msg);
	g_free(want);
	g_free(msg);
}

static const struct scn_stmt *last_stmt(const struct scn_file *f)
{
	cr_assert(f->nstmts > 0);
	return &f->stmts[f->nstmts - 1];
}

/* Parse PRELUDE + line and return the file; its last statement is line's. */
static struct scn_file *parse_line(const char *line)
{
	char *text = g_strconcat(PRELUDE, line, "\n", NULL);
	struct scn_file *f = parse_ok(text);

	g_free(text);
	return f;
}

static void assert_error_line(const char *line, const char *part)
{
	char *text = g_strconcat(PRELUDE, line, "\n", NULL);
	char *msg = parse_error(text);

	cr_expect(strstr(msg, part) != NULL, "message lacks '%s':\n%s", part, msg);
	g_free(msg);
	g_free(text);
}

static void assert_ref(const struct scn_ref *r, const char *name, enum scn_ref_kind kind,
		       uint64_t first, uint64_t last)
{
	cr_assert(eq(str, r->name, (char *)name));
	cr_assert(eq(int, r->kind, kind));
	if (kind == SCN_REF_PAGES) {
		cr_assert(eq(u64, r->first, first));
		cr_assert(eq(u64, r->last, last));
	}
}

/* ---- header and config ---- */

Test(parser, config_defaults_follow_the_spec_table)
{
	struct scn_config c;

	scn_config_defaults(&c);
	cr_assert(eq(u64, c.ram_pages, 64));
	cr_assert(eq(u64, c.swap_pages, 256));
	cr_assert(eq(int, c.swap_device, SCN_SWAP_DISK));
	cr_assert(eq(int, c.tree, SCN_TREE_RADIX));
	cr_assert(eq(int, c.kernel, SCN_KERNEL_6_18));
	cr_assert(eq(u64, c.fault_around_bytes, 64 * 1024));
	cr_assert(eq(u64, c.read_ahead_bytes, 128 * 1024));
	cr_assert(eq(uint, c.page_cluster, 3));
	cr_assert(eq(int, c.swap_ra, SCN_SWAP_RA_VMA));
	cr_assert(eq(uint, c.overcommit, 0));
	cr_assert(eq(uint, c.overcommit_ratio, 50));
	cr_assert(eq(uint, c.set, 0));
}

Test(parser, a_file_without_config_gets_the_defaults)
{
	struct scn_file *f = parse_ok("process A\n");

	cr_assert(eq(u64, f->config.ram_pages, 64));
	cr_assert(eq(u64, f->config.swap_pages, 256));
	cr_assert(eq(int, f->config.kernel, SCN_KERNEL_6_18));
	cr_assert(eq(uint, f->config.page_cluster, 3));
	cr_assert(eq(uint, f->config.overcommit_ratio, 50));
	cr_assert(eq(uint, f->config.set, 0));
	cr_assert(f->title == NULL);
	scn_file_free(f);
}

Test(parser, config_keys_override_the_defaults_and_are_marked_set)
{
	struct scn_file *f = parse_ok("config ram=32p swap=64p tree=xarray swap_device=zram\n"
				      "config kernel=4.19 fault_around=16k read_ahead=0x40000\n"
				      "config page_cluster=0 swap_ra=cluster overcommit=2 "
				      "overcommit_ratio=100\n");
	const struct scn_config *c = &f->config;

	cr_assert(eq(u64, c->ram_pages, 32));
	cr_assert(eq(u64, c->swap_pages, 64));
	cr_assert(eq(int, c->tree, SCN_TREE_XARRAY));
	cr_assert(eq(int, c->swap_device, SCN_SWAP_ZRAM));
	cr_assert(eq(int, c->kernel, SCN_KERNEL_4_19));
	cr_assert(eq(u64, c->fault_around_bytes, 16384));
	cr_assert(eq(u64, c->read_ahead_bytes, 0x40000));
	cr_assert(eq(uint, c->page_cluster, 0));
	cr_assert(eq(int, c->swap_ra, SCN_SWAP_RA_CLUSTER));
	cr_assert(eq(uint, c->overcommit, 2));
	cr_assert(eq(uint, c->overcommit_ratio, 100));
	cr_assert(eq(uint, c->set, (1U << 11) - 1));
	cr_assert(eq(int, f->nstmts, 3));
	cr_assert(eq(int, f->stmts[0].kind, SCN_CONFIG));
	scn_file_free(f);
}

Test(parser, config_sets_only_the_keys_it_names)
{
	struct scn_file *f = parse_ok("config swap=0 kernel=6.18\n");

	cr_assert(eq(u64, f->config.swap_pages, 0));
	cr_assert(eq(int, f->config.kernel, SCN_KERNEL_6_18));
	cr_assert(eq(u64, f->config.ram_pages, 64));
	cr_assert(eq(uint, f->config.set, SCN_CFG_SWAP | SCN_CFG_KERNEL));
	scn_file_free(f);
}

Test(parser, config_ram_and_swap_round_up_to_whole_pages)
{
	struct scn_file *f = parse_ok("config ram=4097 swap=1\n");

	cr_assert(eq(u64, f->config.ram_pages, 2));
	cr_assert(eq(u64, f->config.swap_pages, 1));
	scn_file_free(f);
}

Test(parser, config_values_out_of_range_are_errors)
{
	assert_error("config ram=0\n", "1:12", "ram must be at least 1 page");
	assert_error("config page_cluster=11\n", "1:21", "page_cluster must be 0 to 10");
	assert_error("config overcommit=3\n", "1:19", "overcommit must be 0 to 2");
	assert_error("config overcommit_ratio=101\n", "1:25", "overcommit_ratio must be 0 to 100");
	assert_error("config tree=btree\n", "1:13", "expected page-cache tree (radix, xarray)");
	assert_error("config swap_device=disc\n", "1:20", "did you mean 'disk'?");
	assert_error("config kernel=5.10\n", "1:15", "expected a kernel profile (4.19 or 6.18)");
	assert_error("config swap_ra=vam\n", "1:16", "did you mean 'vma'?");
}

Test(parser, config_unknown_key_names_the_valid_keys)
{
	assert_error("config colour=1\n", "1:8",
		     "unknown config key 'colour' (valid keys: ram, swap");
	assert_error("config rma=1p\n", "1:8", "did you mean 'ram'?");
}

Test(parser, config_key_given_twice_is_an_error)
{
	assert_error("config ram=8p\nconfig ram=16p\n", "2:8",
		     "config key 'ram' already set at line 1");
}

Test(parser, config_must_come_before_the_first_event)
{
	assert_error("title \"t\"\nprocess A\n\nconfig ram=8p\n", "4:1",
		     "config must come before the first event (line 2)");
}

Test(parser, config_may_follow_the_title)
{
	struct scn_file *f = parse_ok("title \"t\"\nconfig ram=8p\nprocess A\n");

	cr_assert(eq(u64, f->config.ram_pages, 8));
	scn_file_free(f);
}

Test(parser, title_sets_the_file_title_once)
{
	struct scn_file *f = parse_ok("title \"Shmem \\\"pages\\\" keep \\\\ entries\"\n");

	cr_assert(eq(str, f->title, "Shmem \"pages\" keep \\ entries"));
	cr_assert(eq(int, f->stmts[0].kind, SCN_TITLE));
	cr_assert(eq(str, f->stmts[0].text, f->title));
	scn_file_free(f);
	assert_error("title \"a\"\ntitle \"b\"\n", "2:1", "title already given at line 1");
}

/* ---- objects and processes ---- */

Test(parser, file_keeps_its_exact_size_and_cached_flag)
{
	struct scn_file *f = parse_ok("file data size=5000 cached=all\nfile d2 size=16p\n"
				      "file d3 cached=none size=0\n");

	cr_assert(eq(int, f->stmts[0].kind, SCN_FILE));
	cr_assert(eq(str, f->stmts[0].name, "data"));
	cr_assert(eq(u64, f->stmts[0].size, 5000));
	cr_assert(f->stmts[0].cached_all);
	cr_assert(eq(u64, f->stmts[1].size, 16 * 4096));
	cr_assert(not(f->stmts[1].cached_all));
	cr_assert(eq(u64, f->stmts[2].size, 0));
	scn_file_free(f);
	assert_error("file data\n", "1:11", "expected size=SIZE for file 'data'");
	assert_error("file data size=1p cached=yes\n", "1:26",
		     "expected cached= value (none, all)");
}

Test(parser, process_fork_and_exit_name_their_processes)
{
	struct scn_file *f = parse_ok("process A\nfork A B\nexit B\n");

	cr_assert(eq(int, f->stmts[0].kind, SCN_PROCESS));
	cr_assert(eq(str, f->stmts[0].name, "A"));
	cr_assert(eq(int, f->stmts[1].kind, SCN_FORK));
	cr_assert(eq(str, f->stmts[1].name, "A"));
	cr_assert(eq(str, f->stmts[1].name2, "B"));
	cr_assert(eq(int, f->stmts[1].name2_loc.col, 8));
	cr_assert(eq(int, f->stmts[2].kind, SCN_EXIT));
	cr_assert(eq(str, f->stmts[2].name, "B"));
	scn_file_free(f);
}

Test(parser, an_exited_process_may_only_be_expected_killed_or_alive)
{
	struct scn_file *f = parse_line("exit B\nexpect B killed\nexpect B alive");

	cr_assert(eq(int, last_stmt(f)->kind, SCN_EXPECT_ALIVE));
	scn_file_free(f);
	assert_error_line("exit B\nB: read m[0]", "process 'B' exited at line 8");
	assert_error_line("exit B\nexpect B m[0] present", "process 'B' exited at line 8");
	assert_error_line("exit B\nshow B maps", "process 'B' exited at line 8");
	assert_error_line("exit B\nfork B C", "process 'B' exited at line 8");
	assert_error_line("exit B\nexit B", "process 'B' already exited at line 8");
}

Test(parser, names_are_unique_per_kind_but_may_repeat_across_kinds)
{
	struct scn_file *f = parse_ok("process m\nfile m size=1p\nm: m = mmap 1p file=m shared\n");

	cr_assert(eq(str, last_stmt(f)->proc, "m"));
	scn_file_free(f);
	assert_error("process A\nprocess A\n", "2:9", "process 'A' already defined at line 1");
	assert_error("process A\nfork A A\n", "2:8", "process 'A' already defined at line 1");
	assert_error("file d size=1p\nprocess A\nA: d = memfd \"x\" size=1p\n", "3:4",
		     "object 'd' already defined at line 1");
	assert_error_line("B: m = mmap 1p anon private", "mapping 'm' already defined at line 4");
}

Test(parser, reserved_words_cannot_name_processes_or_mappings)
{
	assert_error("process swap\n", "1:9",
		     "'swap' is a reserved word and cannot name a process");
	assert_error("process A\nA: faults = mmap 1p anon private\n", "2:4",
		     "'faults' is a reserved word and cannot name a mapping");
}

/* ---- mappings ---- */

Test(parser, mmap_anon_private_defaults_to_read_write)
{
	struct scn_file *f = parse_ok("process A\nA: m = mmap 8p anon private\n");
	const struct scn_stmt *s = last_stmt(f);

	cr_assert(eq(int, s->kind, SCN_MMAP));
	cr_assert(eq(str, s->proc, "A"));
	cr_assert(eq(str, s->name, "m"));
	cr_assert(eq(int, s->name_loc.col, 4));
	cr_assert(eq(u64, s->mmap.size, 8 * 4096));
	cr_assert(s->mmap.anon);
	cr_assert(not(s->mmap.shared));
	cr_assert(s->mmap.object == NULL);
	cr_assert(eq(uint, s->mmap.prot, SCN_PROT_R | SCN_PROT_W));
	cr_assert(not(s->mmap.has_at));
	cr_assert(not(s->mmap.fixed));
	cr_assert(not(s->mmap.noreplace));
	cr_assert(not(s->mmap.populate));
	cr_assert(not(s->mmap.noreserve));
	cr_assert(eq(int, s->outcome.kind, SCN_OUT_OK));
	scn_file_free(f);
}

Test(parser, mmap_of_a_file_takes_sharing_prot_and_offset)
{
	struct scn_file *f = parse_line("A: g = mmap 3p file=data shared prot=r offset=1p");
	const struct scn_stmt *s = last_stmt(f);

	cr_assert(not(s->mmap.anon));
	cr_assert(eq(str, s->mmap.object, "data"));
	cr_assert(eq(int, s->mmap.object_loc.col, 21));
	cr_assert(s->mmap.shared);
	cr_assert(eq(uint, s->mmap.prot, SCN_PROT_R));
	cr_assert(eq(u64, s->mmap.offset, 4096));
	scn_file_free(f);
}

Test(parser, mmap_takes_at_fixed_noreplace_populate_and_noreserve)
{
	struct scn_file *f = parse_line("A: g = mmap 4p file=data private at=0x600000100000 fixed\n"
					"A: h = mmap 1p anon shared at=0x7000 noreplace populate "
					"noreserve");
	const struct scn_stmt *g = &f->stmts[f->nstmts - 2], *h = last_stmt(f);

	cr_assert(g->mmap.has_at);
	cr_assert(eq(u64, g->mmap.at, 0x600000100000ULL));
	cr_assert(g->mmap.fixed && !g->mmap.noreplace);
	cr_assert(h->mmap.noreplace && !h->mmap.fixed);
	cr_assert(h->mmap.populate && h->mmap.noreserve && h->mmap.shared);
	scn_file_free(f);
}

Test(parser, prot_words_map_to_prot_bits)
{
	static const struct {
		const char *word;
		unsigned prot;
	} cases[] = {
		{ "none", SCN_PROT_NONE },
		{ "r", SCN_PROT_R },
		{ "w", SCN_PROT_W },
		{ "rw", SCN_PROT_R | SCN_PROT_W },
		{ "rx", SCN_PROT_R | SCN_PROT_X },
		{ "rwx", SCN_PROT_R | SCN_PROT_W | SCN_PROT_X },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *line = g_strdup_printf("A: x = mmap 1p anon private prot=%s\n"
					     "A: mprotect x[0] prot=%s",
					     cases[i].word, cases[i].word);
		struct scn_file *f = parse_line(line);

		cr_assert(eq(uint, f->stmts[f->nstmts - 2].mmap.prot, cases[i].prot));
		cr_assert(eq(uint, last_stmt(f)->prot, cases[i].prot));
		scn_file_free(f);
		g_free(line);
	}
}

Test(parser, mmap_size_rounds_up_to_whole_pages)
{
	struct scn_file *f = parse_line("A: x = mmap 5000 anon private\nA: y = mmap 0 anon private "
					"-> EINVAL");

	cr_assert(eq(u64, f->stmts[f->nstmts - 2].mmap.size, 8192));
	cr_assert(eq(u64, last_stmt(f)->mmap.size, 0));
	scn_file_free(f);
}

Test(parser, mmap_needs_one_source_and_one_sharing)
{
	assert_error_line("A: x = mmap 1p private", "mmap needs 'anon' or 'file=OBJ'");
	assert_error_line("A: x = mmap 1p anon", "mmap needs 'private' or 'shared'");
	assert_error_line("A: x = mmap 1p anon file=data private", "'file' conflicts with 'anon'");
	assert_error_line("A: x = mmap 1p anon private shared",
			  "'shared' conflicts with 'private'");
	assert_error_line("A: x = mmap 1p anon anon private", "'anon' given twice");
	assert_error_line("A: x = mmap 1p anon privte", "unknown mmap key 'privte'; did you mean "
							"'private'?");
	assert_error_line("A: x = mmap 1p anon private prot r", "expected '=' after 'prot'");
	assert_error_line("A: x = mmap 1p anon=1 private", "'anon' takes no value");
}

Test(parser, mmap_fixed_and_noreplace_need_at)
{
	assert_error_line("A: x = mmap 1p anon private fixed", "'fixed' needs at=ADDR");
	assert_error_line("A: x = mmap 1p anon private noreplace", "'noreplace' needs at=ADDR");
	assert_error_line("A: x = mmap 1p anon private at=0x1000 fixed noreplace",
			  "'noreplace' conflicts with 'fixed'");
}

Test(parser, mmap_offset_must_be_page_aligned)
{
	assert_error_line("A: x = mmap 1p file=data private offset=100",
			  "offset= must be a multiple of the page size (4096), found '100'");
}

Test(parser, mmap_file_must_name_an_object_with_a_descriptor)
{
	assert_error_line("A: x = mmap 1p file=nofile private", "unknown object 'nofile'");
	assert_error_line("A: x = mmap 1p file=S private", "'S' is a SysV segment and has no file "
							   "descriptor");
}

Test(parser, munmap_mprotect_and_madvise_take_page_references)
{
	struct scn_file *f = parse_line("A: munmap m[2..3]\nA: mprotect m[0..1] prot=r\n"
					"A: madvise m pageout\nA: munmap m+8k");
	const struct scn_stmt *s = f->stmts + f->nstmts - 4;

	cr_assert(eq(int, s[0].kind, SCN_MUNMAP));
	assert_ref(&s[0].ref, "m", SCN_REF_PAGES, 2, 3);
	cr_assert(eq(int, s[0].ref.loc.col, 11));
	cr_assert(eq(int, s[1].kind, SCN_MPROTECT));
	assert_ref(&s[1].ref, "m", SCN_REF_PAGES, 0, 1);
	cr_assert(eq(uint, s[1].prot, SCN_PROT_R));
	cr_assert(eq(int, s[2].kind, SCN_MADVISE));
	assert_ref(&s[2].ref, "m", SCN_REF_ALL, 0, 0);
	cr_assert(eq(int, s[2].madvise, SCN_MADV_PAGEOUT));
	assert_ref(&s[3].ref, "m", SCN_REF_BYTE, 0, 0);
	cr_assert(eq(u64, s[3].ref.offset, 8192));
	scn_file_free(f);
	assert_error_line("A: mprotect m[0]", "expected prot= after the page reference");
}

Test(parser, madvise_accepts_every_advice)
{
	static const char *const words[] = { "dontneed", "cold",	  "pageout",
					     "willneed", "populate_read", "populate_write",
					     "remove",	 "free" };

	for (int i = 0; i < 8; i++) {
		char *line = g_strdup_printf("A: madvise m[0..7] %s", words[i]);
		struct scn_file *f = parse_line(line);

		cr_assert(eq(int, last_stmt(f)->madvise, i));
		scn_file_free(f);
		g_free(line);
	}
	assert_error_line("A: madvise m pagout", "unknown madvise advice 'pagout'; did you mean "
						 "'pageout'?");
}

Test(parser, mremap_takes_a_whole_mapping_a_size_and_maymove)
{
	struct scn_file *f = parse_line("A: mremap m 5000 maymove\nA: mremap m 1p -> EFAULT");
	const struct scn_stmt *s = &f->stmts[f->nstmts - 2];

	cr_assert(eq(int, s->kind, SCN_MREMAP));
	assert_ref(&s->ref, "m", SCN_REF_ALL, 0, 0);
	cr_assert(eq(u64, s->size, 8192));
	cr_assert(s->maymove);
	cr_assert(not(last_stmt(f)->maymove));
	cr_assert(eq(int, last_stmt(f)->outcome.code, EFAULT));
	scn_file_free(f);
	assert_error_line("A: mremap m[0] 2p", "'mremap' takes a whole mapping");
}

Test(parser, msync_takes_sync_or_async_and_invalidate)
{
	struct scn_file *f = parse_line("A: msync f[0..2] sync\nA: msync f async invalidate\n"
					"A: msync f invalidate sync");
	const struct scn_stmt *s = f->stmts + f->nstmts - 3;

	cr_assert(eq(int, s[0].kind, SCN_MSYNC));
	cr_assert(s[0].msync.sync && !s[0].msync.invalidate);
	cr_assert(not(s[1].msync.sync));
	cr_assert(s[1].msync.invalidate);
	cr_assert(s[2].msync.sync && s[2].msync.invalidate);
	scn_file_free(f);
	assert_error_line("A: msync f", "expected 'sync' or 'async'");
	assert_error_line("A: msync f sync async", "'async' conflicts with 'sync'");
}

/* ---- accesses ---- */

Test(parser, read_and_write_take_every_reference_form)
{
	struct scn_file *f = parse_line("A: read m[1]\nA: write m[0..3]\nA: read m\n"
					"A: write m+4992");
	const struct scn_stmt *s = f->stmts + f->nstmts - 4;

	cr_assert(eq(int, s[0].kind, SCN_READ));
	assert_ref(&s[0].ref, "m", SCN_REF_PAGES, 1, 1);
	cr_assert(eq(int, s[0].access.cmp, SCN_CMP_NONE));
	cr_assert(eq(int, s[1].kind, SCN_WRITE));
	assert_ref(&s[1].ref, "m", SCN_REF_PAGES, 0, 3);
	cr_assert(not(s[1].access.has_value));
	assert_ref(&s[2].ref, "m", SCN_REF_ALL, 0, 0);
	assert_ref(&s[3].ref, "m", SCN_REF_BYTE, 0, 0);
	cr_assert(eq(u64, s[3].ref.offset, 4992));
	scn_file_free(f);
}

Test(parser, write_with_a_value_and_read_with_a_comparison)
{
	struct scn_file *f = parse_line("A: write m[2] = 0x41\nA: write m[4..7] = 0\n"
					"A: read m[2] == 0x41\nA: read m+4992 != 1p");
	const struct scn_stmt *s = f->stmts + f->nstmts - 4;

	cr_assert(s[0].access.has_value);
	cr_assert(eq(u64, s[0].access.value, 0x41));
	cr_assert(s[1].access.has_value);
	cr_assert(eq(u64, s[1].access.value, 0));
	cr_assert(eq(int, s[2].access.cmp, SCN_CMP_EQ));
	cr_assert(eq(u64, s[2].access.value, 0x41));
	cr_assert(eq(int, s[3].access.cmp, SCN_CMP_NE));
	cr_assert(eq(u64, s[3].access.value, 4096));
	scn_file_free(f);
	assert_error_line("A: read m[0] = 1", "expected '==' or '!=' to compare what is read");
	assert_error_line("A: write m[0] == 1", "expected '= VALUE' to write a value");
}

Test(parser, byte_offsets_of_values_must_be_multiples_of_eight)
{
	struct scn_file *f = parse_line("A: read m+3");

	cr_assert(eq(u64, last_stmt(f)->ref.offset, 3));
	scn_file_free(f);
	assert_error_line("A: read m+4993 == 1", "byte offset 4993 is not a multiple of 8");
	assert_error_line("A: write m+4 = 1", "byte offset 4 is not a multiple of 8");
	assert_error_line("pwrite data+12 = 1", "byte offset 12 is not a multiple of 8");
	assert_error_line("pread data+1 != 1", "byte offset 1 is not a multiple of 8");
}

Test(parser, accesses_may_expect_a_signal)
{
	struct scn_file *f = parse_line("A: read f[3] -> SIGBUS\nA: write m[0] = 1 -> SIGSEGV\n"
					"A: write m[0..7] -> SIGKILL");
	const struct scn_stmt *s = f->stmts + f->nstmts - 3;

	cr_assert(eq(int, s[0].outcome.kind, SCN_OUT_SIGNAL));
	cr_assert(eq(int, s[0].outcome.code, SIGBUS));
	cr_assert(eq(int, s[0].outcome.loc.col, 17));
	cr_assert(eq(int, s[1].outcome.code, SIGSEGV));
	cr_assert(s[1].access.has_value);
	cr_assert(eq(int, s[2].outcome.code, SIGKILL));
	scn_file_free(f);
	assert_error_line("A: read m[0] -> ENOMEM", "'read' fails only with a signal");
	assert_error_line("A: read m[0] -> SIGFPE", "unknown signal 'SIGFPE'");
	assert_error_line("A: read m[0] ->", "expected SIGSEGV, SIGBUS or SIGKILL after '->'");
}

Test(parser, references_must_name_declared_mappings)
{
	assert_error_line("A: read q[0]", "unknown mapping 'q' (declare it with 'q = mmap ...' "
					  "first)");
	assert_error_line("A: read data[0]",
			  "unknown mapping 'data' ('data' is an object, line 3)");
	assert_error_line("A: read m[2..1]", "page range 2..1 ends before it starts");
	assert_error_line("A: read m[1", "expected ']' after the page index");
	assert_error_line("A: read m[4k]", "a count takes no suffix");
}

/* ---- shared memory and files ---- */

Test(parser, shmget_shmat_shmdt_and_shmctl)
{
	struct scn_file *f = parse_line("A: T = shmget size=5000 key=7\n"
					"A: t = shmat T prot=r at=0x700000000000\n"
					"A: shmdt t\nA: shmctl T rmid");
	const struct scn_stmt *s = f->stmts + f->nstmts - 4;

	cr_assert(eq(int, s[0].kind, SCN_SHMGET));
	cr_assert(eq(str, s[0].name, "T"));
	cr_assert(eq(u64, s[0].key, 7));
	cr_assert(eq(u64, s[0].size, 5000));
	cr_assert(eq(int, s[1].kind, SCN_SHMAT));
	cr_assert(eq(str, s[1].name, "t"));
	cr_assert(eq(str, s[1].object, "T"));
	cr_assert(eq(uint, s[1].prot, SCN_PROT_R));
	cr_assert(s[1].has_at);
	cr_assert(eq(u64, s[1].at, 0x700000000000ULL));
	cr_assert(eq(int, s[2].kind, SCN_SHMDT));
	assert_ref(&s[2].ref, "t", SCN_REF_ALL, 0, 0);
	cr_assert(eq(int, s[3].kind, SCN_SHMCTL));
	cr_assert(eq(str, s[3].object, "T"));
	scn_file_free(f);
}

Test(parser, shmat_defaults_to_read_write_and_needs_a_segment)
{
	struct scn_file *f = parse_line("A: t = shmat S");

	cr_assert(eq(uint, last_stmt(f)->prot, SCN_PROT_R | SCN_PROT_W));
	cr_assert(not(last_stmt(f)->has_at));
	scn_file_free(f);
	assert_error_line("A: t = shmat data", "'data' is a file, not a SysV segment");
	assert_error_line("A: shmctl data rmid", "'data' is a file, not a SysV segment");
	assert_error_line("A: t = shmat S prot=rx", "unknown shmat protection 'rx'");
	assert_error_line("A: T = shmget key=1", "expected size=SIZE for shmget");
	assert_error_line("A: T = shmget key=0x100000000 size=1p",
			  "shmget key must fit in 32 bits");
}

Test(parser, shm_open_memfd_and_shm_unlink)
{
	struct scn_file *f = parse_line("A: P = shm_open \"/demo\" size=4p\n"
					"A: M = memfd \"buf\" size=5000\n"
					"shm_unlink \"/demo\"\nB: shm_unlink \"/other\" -> ENOENT");
	const struct scn_stmt *s = f->stmts + f->nstmts - 4;

	cr_assert(eq(int, s[0].kind, SCN_SHM_OPEN));
	cr_assert(eq(str, s[0].name, "P"));
	cr_assert(eq(str, s[0].text, "/demo"));
	cr_assert(eq(u64, s[0].size, 16384));
	cr_assert(eq(int, s[1].kind, SCN_MEMFD));
	cr_assert(eq(str, s[1].text, "buf"));
	cr_assert(eq(u64, s[1].size, 5000));
	cr_assert(eq(int, s[2].kind, SCN_SHM_UNLINK));
	cr_assert(s[2].proc == NULL);
	cr_assert(eq(str, s[3].proc, "B"));
	cr_assert(eq(int, s[3].outcome.code, ENOENT));
	scn_file_free(f);
	assert_error_line("A: P = shm_open \"demo\" size=1p",
			  "expected a POSIX shared memory name");
	assert_error_line("A: P = shm_open \"/a/b\" size=1p",
			  "expected a POSIX shared memory name");
	assert_error_line("A: M = memfd \"buf\"", "expected size=SIZE for memfd");
}

Test(parser, file_calls_take_an_optional_process_prefix)
{
	struct scn_file *f = parse_line("A: ftruncate data 5000\nftruncate data 8p\n"
					"A: pwrite data[2] = 7\npwrite data[0..1]\n"
					"A: pread data[2] == 7\npread data+8 != 0\n"
					"A: fsync data\nfsync data\n"
					"A: fadvise data[0..3] dontneed\nfadvise data willneed");
	const struct scn_stmt *s = f->stmts + f->nstmts - 10;

	cr_assert(eq(int, s[0].kind, SCN_FTRUNCATE));
	cr_assert(eq(str, s[0].proc, "A"));
	cr_assert(eq(str, s[0].object, "data"));
	cr_assert(eq(u64, s[0].size, 5000));
	cr_assert(s[1].proc == NULL);
	cr_assert(eq(u64, s[1].size, 32768));
	cr_assert(eq(int, s[2].kind, SCN_PWRITE));
	assert_ref(&s[2].ref, "data", SCN_REF_PAGES, 2, 2);
	cr_assert(s[2].access.has_value && s[2].access.value == 7);
	cr_assert(not(s[3].access.has_value));
	cr_assert(eq(int, s[4].kind, SCN_PREAD));
	cr_assert(eq(int, s[4].access.cmp, SCN_CMP_EQ));
	cr_assert(eq(int, s[5].access.cmp, SCN_CMP_NE));
	assert_ref(&s[5].ref, "data", SCN_REF_BYTE, 0, 0);
	cr_assert(eq(int, s[6].kind, SCN_FSYNC));
	cr_assert(eq(str, s[7].object, "data"));
	cr_assert(eq(int, s[8].kind, SCN_FADVISE));
	cr_assert(not(s[8].fadvise_willneed));
	cr_assert(s[9].fadvise_willneed);
	scn_file_free(f);
	assert_error_line("pwrite m[0] = 1", "unknown object 'm' ('m' is a mapping, line 4)");
	assert_error_line("fsync S", "'S' is a SysV segment and has no file descriptor");
}

Test(parser, calls_that_can_fail_take_an_errno)
{
	static const char *const lines[] = {
		"A: x = mmap 1p anon private -> ENOMEM",
		"A: munmap m -> EINVAL",
		"A: mprotect m prot=rwx -> EACCES",
		"A: mremap m 1p -> EFAULT",
		"A: msync m sync -> ENOMEM",
		"A: madvise m remove -> EINVAL",
		"A: T = shmget key=1 size=1p -> EEXIST",
		"A: t = shmat S -> EIDRM",
		"A: shmdt s -> EINVAL",
		"A: shmctl S rmid -> EPERM",
		"A: P = shm_open \"/x\" size=1p -> EMFILE",
		"shm_unlink \"/x\" -> ENOENT",
		"A: M = memfd \"m\" size=1p -> ENFILE",
		"ftruncate data 1g -> EFBIG",
		"pwrite data[0] -> ENOSPC",
		"pread data[0] -> EOVERFLOW",
		"fsync data -> EBADF",
		"fadvise data willneed -> EBADF",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct scn_file *f = parse_line(lines[i]);

		cr_assert(eq(int, last_stmt(f)->outcome.kind, SCN_OUT_ERRNO), "%s", lines[i]);
		cr_assert(last_stmt(f)->outcome.code > 0, "%s", lines[i]);
		scn_file_free(f);
	}
}

Test(parser, a_statement_expected_to_fail_declares_nothing)
{
	struct scn_file *f = parse_line("A: x = mmap 0 anon private -> EINVAL\n"
					"A: x = mmap 1p anon private\nA: m = mmap 1p anon private "
					"at=0x600000000000 noreplace -> EEXIST");

	cr_assert(eq(int, last_stmt(f)->outcome.code, EEXIST));
	scn_file_free(f);
	assert_error_line("A: x = mmap 0 anon private -> EINVAL\nA: read x[0]",
			  "unknown mapping 'x' (its declaration at line 8 is expected to fail");
	assert_error_line("A: P = shm_open \"/x\" size=1p -> EACCES\nA: y = mmap 1p file=P shared",
			  "unknown object 'P'");
}

Test(parser, outcomes_are_allowed_only_where_a_call_can_fail)
{
	assert_error_line("fork A C -> ENOMEM", "'fork' cannot fail");
	assert_error_line("reclaim 1 -> ENOMEM", "'reclaim' cannot fail");
	assert_error_line("A: munmap m -> SIGSEGV", "'munmap' cannot raise a signal");
	assert_error_line("A: munmap m -> ENOMM", "unknown errno 'ENOMM'; did you mean 'ENOMEM'?");
	assert_error_line("A: munmap m -> 12", "expected an errno such as ENOMEM after '->'");
	assert_error_line("A: munmap m -> EINVAL EINVAL", "expected end of line, found 'EINVAL'");
}

/* ---- memory pressure ---- */

Test(parser, reclaim_takes_a_count_or_all_and_an_lru)
{
	struct scn_file *f = parse_ok("reclaim 8\nreclaim 4 anon\nreclaim all\nreclaim all file\n"
				      "writeback\n");
	const struct scn_stmt *s = f->stmts;

	cr_assert(eq(int, s[0].kind, SCN_RECLAIM));
	cr_assert(eq(u64, s[0].count, 8));
	cr_assert(not(s[0].reclaim_all));
	cr_assert(eq(int, s[0].reclaim_lru, SCN_LRU_BOTH));
	cr_assert(eq(int, s[1].reclaim_lru, SCN_LRU_ANON));
	cr_assert(s[2].reclaim_all);
	cr_assert(eq(u64, s[2].count, 0));
	cr_assert(eq(int, s[3].reclaim_lru, SCN_LRU_FILE));
	cr_assert(eq(int, s[4].kind, SCN_WRITEBACK));
	scn_file_free(f);
	assert_error("reclaim\n", "1:9", "expected a number of pages or 'all' after 'reclaim'");
	assert_error("reclaim 0\n", "1:9", "reclaim needs at least 1 page");
	assert_error("reclaim 4 shmem\n", "1:11", "expected LRU (anon, file), found 'shmem'");
	assert_error("writeback now\n", "1:11", "expected end of line, found 'now'");
}

/* ---- expectations ---- */

Test(parser, expect_page_words_set_their_bits)
{
	for (unsigned i = 0; i < SCN_NR_WORDS; i++) {
		char *line = g_strdup_printf("expect A m[0] %s", scn_word_name(1U << i));
		struct scn_file *f = parse_line(line);

		cr_assert(eq(int, last_stmt(f)->kind, SCN_EXPECT_PAGE));
		cr_assert(eq(uint, last_stmt(f)->words, 1U << i));
		scn_file_free(f);
		g_free(line);
	}
}

Test(parser, expect_page_combines_words_on_any_reference)
{
	struct scn_file *f = parse_line("expect A m[0] present writable dirty\n"
					"expect A s[0..3] none nonresident\nexpect A m+8 zero");
	const struct scn_stmt *s = f->stmts + f->nstmts - 3;

	cr_assert(eq(str, s[0].proc, "A"));
	cr_assert(eq(int, s[0].proc_loc.col, 8));
	cr_assert(eq(uint, s[0].words, SCN_W_PRESENT | SCN_W_WRITABLE | SCN_W_DIRTY));
	assert_ref(&s[1].ref, "s", SCN_REF_PAGES, 0, 3);
	cr_assert(eq(uint, s[1].words, SCN_W_NONE | SCN_W_NONRESIDENT));
	assert_ref(&s[2].ref, "m", SCN_REF_BYTE, 0, 0);
	scn_file_free(f);
}

Test(parser, expect_page_words_must_not_contradict)
{
	assert_error_line("expect A m[0] present none", "'none' contradicts 'present'");
	assert_error_line("expect A m[0] dirty clean", "'clean' contradicts 'dirty'");
	assert_error_line("expect A m[0] swapped zero", "'zero' contradicts 'swapped'");
	assert_error_line("expect A m[0] anon file", "'file' contradicts 'anon'");
	assert_error_line("expect A m[0] shared exclusive", "'exclusive' contradicts 'shared'");
	assert_error_line("expect A m[0] dirty dirty", "'dirty' given twice");
	assert_error_line("expect A m[0] drity",
			  "unknown page word 'drity'; did you mean 'dirty'?");
	assert_error_line("expect A m[0]", "expected a page word");
}

Test(parser, expect_same_and_differs_compare_with_another_process)
{
	struct scn_file *f = parse_line("expect A m[0] same B m[0]\n"
					"expect A m[0..1] differs B m[2..3]");
	const struct scn_stmt *s = f->stmts + f->nstmts - 2;

	cr_assert(eq(int, s[0].kind, SCN_EXPECT_SAME));
	cr_assert(eq(str, s[0].proc, "A"));
	cr_assert(eq(str, s[0].name2, "B"));
	cr_assert(eq(int, s[0].name2_loc.col, 20));
	assert_ref(&s[0].ref, "m", SCN_REF_PAGES, 0, 0);
	assert_ref(&s[0].ref2, "m", SCN_REF_PAGES, 0, 0);
	cr_assert(eq(int, s[1].kind, SCN_EXPECT_DIFFERS));
	assert_ref(&s[1].ref2, "m", SCN_REF_PAGES, 2, 3);
	scn_file_free(f);
	assert_error_line("expect A m[0] same C m[0]", "unknown process 'C'");
	assert_error_line("expect A m[0..1] same B m[0]", "'same' compares 2 pages with 1");
	assert_error_line("expect A m[0] present same B m[0]", "'same' must come right after");
}

Test(parser, expect_faults_takes_minor_and_major)
{
	struct scn_file *f = parse_line("expect A faults minor=3 major=1\nexpect B faults major=0");
	const struct scn_stmt *s = f->stmts + f->nstmts - 2;

	cr_assert(eq(int, s[0].kind, SCN_EXPECT_FAULTS));
	cr_assert(eq(int, s[0].nkvs, 2));
	cr_assert(eq(str, s[0].kvs[0].key, "minor"));
	cr_assert(eq(u64, s[0].kvs[0].value, 3));
	cr_assert(eq(str, s[0].kvs[1].key, "major"));
	cr_assert(eq(u64, s[0].kvs[1].value, 1));
	cr_assert(eq(int, s[0].kvs[1].loc.col, 25));
	cr_assert(eq(int, s[1].nkvs, 1));
	scn_file_free(f);
	assert_error_line("expect A faults", "expected a faults KEY=VALUE");
	assert_error_line("expect A faults minor=1 minor=2", "'minor' given twice");
	assert_error_line("expect A faults minor=1k", "a count takes no suffix");
}

Test(parser, expect_rss_takes_sizes_in_bytes)
{
	struct scn_file *f = parse_line("expect A rss=12k anon=8k file=4k shmem=0 swap=1p");
	const struct scn_stmt *s = last_stmt(f);
	static const char *const keys[] = { "rss", "anon", "file", "shmem", "swap" };
	static const uint64_t values[] = { 12288, 8192, 4096, 0, 4096 };

	cr_assert(eq(int, s->kind, SCN_EXPECT_RSS));
	cr_assert(eq(int, s->nkvs, 5));
	for (int i = 0; i < 5; i++) {
		cr_assert(eq(str, s->kvs[i].key, (char *)keys[i]));
		cr_assert(eq(u64, s->kvs[i].value, values[i]));
	}
	scn_file_free(f);
	assert_error_line("expect A rsss=1", "unknown rss key 'rsss'; did you mean 'rss'?");
}

Test(parser, expect_smaps_takes_a_mapping_and_smaps_fields)
{
	struct scn_file *f = parse_line("expect A smaps m Rss=8k Swap=4k Anonymous=8k Pss_Dirty=0 "
					"SwapPss=0 LazyFree=0 Locked=0");
	const struct scn_stmt *s = last_stmt(f);

	cr_assert(eq(int, s->kind, SCN_EXPECT_SMAPS));
	assert_ref(&s->ref, "m", SCN_REF_ALL, 0, 0);
	cr_assert(eq(int, s->nkvs, 7));
	cr_assert(eq(str, s->kvs[2].key, "Anonymous"));
	cr_assert(eq(u64, s->kvs[2].value, 8192));
	scn_file_free(f);
	assert_error_line("expect A smaps m rss=1", "unknown smaps key 'rss'; did you mean 'Rss'?");
	assert_error_line("expect A smaps m[0] Rss=1", "'smaps' takes a whole mapping");
	assert_error_line("expect A smaps m", "expected a smaps KEY=VALUE");
}

Test(parser, expect_killed_and_alive)
{
	struct scn_file *f = parse_line("expect A alive\nexpect B killed");

	cr_assert(eq(int, f->stmts[f->nstmts - 2].kind, SCN_EXPECT_ALIVE));
	cr_assert(eq(int, last_stmt(f)->kind, SCN_EXPECT_KILLED));
	cr_assert(eq(str, last_stmt(f)->proc, "B"));
	scn_file_free(f);
}

Test(parser, expect_cache_names_an_object_page_and_a_slot_state)
{
	static const char *const states[] = { "page", "swap", "shadow", "empty" };

	for (int i = 0; i < 4; i++) {
		char *line = g_strdup_printf("expect cache S[0] %s", states[i]);
		struct scn_file *f = parse_line(line);
		const struct scn_stmt *s = last_stmt(f);

		cr_assert(eq(int, s->kind, SCN_EXPECT_CACHE));
		cr_assert(s->proc == NULL);
		assert_ref(&s->ref, "S", SCN_REF_PAGES, 0, 0);
		cr_assert(eq(int, s->cache_state, i));
		scn_file_free(f);
		g_free(line);
	}
	assert_error_line("expect cache m[0] page", "unknown object 'm'");
	assert_error_line("expect cache S[0] swapped",
			  "expected page-cache slot state (page, swap, shadow, empty)");
}

Test(parser, expect_swap_meminfo_and_vmstat_take_key_values)
{
	struct scn_file *f = parse_line("expect swap used=3 cached=1\n"
					"expect meminfo SwapCached=4k Shmem=16k\n"
					"expect vmstat pswpout=4 pgmajfault=1");
	const struct scn_stmt *s = f->stmts + f->nstmts - 3;

	cr_assert(eq(int, s[0].kind, SCN_EXPECT_SWAP));
	cr_assert(eq(int, s[0].nkvs, 2));
	cr_assert(eq(u64, s[0].kvs[0].value, 3));
	cr_assert(eq(int, s[1].kind, SCN_EXPECT_MEMINFO));
	cr_assert(eq(str, s[1].kvs[0].key, "SwapCached"));
	cr_assert(eq(u64, s[1].kvs[1].value, 16384));
	cr_assert(eq(int, s[2].kind, SCN_EXPECT_VMSTAT));
	cr_assert(eq(str, s[2].kvs[1].key, "pgmajfault"));
	cr_assert(eq(u64, s[2].kvs[1].value, 1));
	scn_file_free(f);
	assert_error_line("expect swap free=1", "unknown swap key 'free'");
	assert_error_line("expect vmstat pswpout=4k", "a count takes no suffix");
	assert_error_line("expect meminfo", "expected a meminfo KEY=VALUE");
}

/* ---- narrative and views ---- */

Test(parser, say_and_snapshot_keep_their_text)
{
	struct scn_file *f = parse_ok("say \"The PTE is cleared # not a comment\"\n"
				      "snapshot \"after swap-out\" # a comment\n");

	cr_assert(eq(int, f->stmts[0].kind, SCN_SAY));
	cr_assert(eq(str, f->stmts[0].text, "The PTE is cleared # not a comment"));
	cr_assert(eq(int, f->stmts[1].kind, SCN_SNAPSHOT));
	cr_assert(eq(str, f->stmts[1].text, "after swap-out"));
	cr_assert(eq(str, f->stmts[1].src, "snapshot \"after swap-out\""));
	scn_file_free(f);
	assert_error("say hello\n", "1:5", "expected a quoted string after 'say', found 'hello'");
}

Test(parser, show_takes_every_view)
{
	struct scn_file *f = parse_line("show A pagetable\nshow A maps\nshow smaps A\n"
					"show cache S\nshow swap\nshow lru\nshow frames\n"
					"show meminfo\nshow vmstat");
	const struct scn_stmt *s = f->stmts + f->nstmts - 9;

	for (int i = 0; i < 9; i++) {
		cr_assert(eq(int, s[i].kind, SCN_SHOW));
		cr_assert(eq(int, s[i].view, i));
	}
	cr_assert(eq(str, s[0].proc, "A"));
	cr_assert(eq(str, s[2].proc, "A"));
	cr_assert(eq(str, s[3].object, "S"));
	cr_assert(s[4].proc == NULL && s[4].object == NULL);
	scn_file_free(f);
	assert_error_line("show pagtable A", "unknown view 'pagtable'; did you mean 'pagetable'?");
	assert_error_line("show C maps", "unknown process 'C'");
	assert_error_line("show A cache", "expected process view (pagetable, maps, smaps)");
	assert_error_line("show cache", "expected an object name");
}

Test(parser, view_and_word_names_are_known)
{
	cr_assert(eq(str, (char *)scn_view_name(SCN_VIEW_PAGETABLE), "pagetable"));
	cr_assert(eq(str, (char *)scn_view_name(SCN_VIEW_VMSTAT), "vmstat"));
	cr_assert(eq(str, (char *)scn_word_name(SCN_W_PRESENT), "present"));
	cr_assert(eq(str, (char *)scn_word_name(SCN_W_ANON), "anon"));
	cr_assert(scn_word_name(3) == NULL);
}

/* ---- errno and signal names ---- */

Test(parser, errno_and_signal_names_go_both_ways)
{
	static const char *const names[] = {
		"EPERM",  "ENOENT", "EINTR",  "EBADF",	   "EAGAIN", "ENOMEM",	"EACCES",
		"EFAULT", "EBUSY",  "EEXIST", "ENODEV",	   "EINVAL", "ENFILE",	"EMFILE",
		"EFBIG",  "ENOSPC", "ENXIO",  "EOVERFLOW", "EIDRM",  "ETXTBSY", "ENAMETOOLONG",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int e = scn_errno_from_name(names[i]);

		cr_assert(e > 0, "%s", names[i]);
		cr_assert(eq(str, (char *)scn_errno_name(e), (char *)names[i]));
	}
	cr_assert(eq(int, scn_errno_from_name("ENOMEM"), ENOMEM));
	cr_assert(eq(int, scn_errno_from_name("EBOGUS"), 0));
	cr_assert(eq(int, scn_signal_from_name("SIGSEGV"), SIGSEGV));
	cr_assert(eq(int, scn_signal_from_name("SIGBUS"), SIGBUS));
	cr_assert(eq(int, scn_signal_from_name("SIGKILL"), SIGKILL));
	cr_assert(eq(str, (char *)scn_signal_name(SIGBUS), "SIGBUS"));
	cr_assert(eq(int, scn_signal_from_name("SIGTERM"), 0));
}

/* ---- lexical rules ---- */

Test(parser, sizes_take_page_kilo_mega_and_giga_suffixes)
{
	struct scn_file *f = parse_ok("file a size=3p\nfile b size=4k\nfile c size=2m\n"
				      "file d size=1g\nfile e size=0x10\nfile g size=0x2p\n"
				      "file h size=007\n");
	static const uint64_t want[] = { 3 * 4096, 4096, 2 << 20, 1ULL << 30, 16, 8192, 7 };

	for (int i = 0; i < 7; i++)
		cr_assert(eq(u64, f->stmts[i].size, want[i]));
	scn_file_free(f);
}

Test(parser, numbers_that_do_not_fit_are_errors)
{
	assert_error("file a size=18446744073709551616\n", "1:13", "size too large");
	assert_error("file a size=0x10000000000000000\n", "1:13", "size too large");
	assert_error("file a size=17179869184g\n", "1:13", "size too large");
	assert_error_line("A: x = mmap 18446744073709551615 anon private", "size too large");
	assert_error_line("A: write m[0] = 0x1ffffffffffffffff", "value too large");
	assert_error_line("A: read m[4503599627370496]", "page index too large");
	struct scn_file *f = parse_line("A: write m[0] = 0xffffffffffffffff");

	cr_assert(eq(u64, last_stmt(f)->access.value, UINT64_MAX));
	scn_file_free(f);
}

Test(parser, malformed_numbers_are_errors)
{
	assert_error("file a size=4K\n", "1:13", "size suffixes are lowercase");
	assert_error("file a size=4kb\n", "1:13", "invalid number '4kb'");
	assert_error("file a size=0x\n", "1:13", "invalid number '0x'");
	assert_error("file a size=1.5k\n", "1:13", "numbers are whole");
	assert_error("file a size=-1\n", "1:13", "numbers cannot be negative");
}

Test(parser, comments_and_blank_lines_are_ignored)
{
	struct scn_file *f = parse_ok("# a lesson\n\n   \t\nprocess A   # the parent\n"
				      "  # indented comment\nprocess B#tight\n");

	cr_assert(eq(int, f->nstmts, 2));
	cr_assert(eq(str, f->stmts[0].src, "process A"));
	cr_assert(eq(int, f->stmts[0].loc.line, 4));
	cr_assert(eq(str, f->stmts[1].name, "B"));
	scn_file_free(f);
}

Test(parser, continuations_join_lines_but_locations_stay_physical)
{
	struct scn_file *f = parse_ok("process A\n"
				      "A: m = mmap 8p \\\n"
				      "     anon \\   \n"
				      "\tprivate   # done\n"
				      "A: read m[0]\n");
	const struct scn_stmt *s = &f->stmts[1];

	cr_assert(eq(int, s->kind, SCN_MMAP));
	cr_assert(eq(str, s->src, "A: m = mmap 8p anon private"));
	cr_assert(eq(int, s->loc.line, 2));
	cr_assert(eq(int, s->loc.col, 1));
	cr_assert(eq(int, s->last_line, 4));
	cr_assert(eq(int, f->stmts[2].loc.line, 5));
	cr_assert(eq(int, f->stmts[2].last_line, 5));
	scn_file_free(f);
	assert_error("process A\nA: m = mmap 8p \\\n   anon \\\n   privat\n", "4:4",
		     "unknown mmap key 'privat'; did you mean 'private'?");
}

Test(parser, a_backslash_inside_a_comment_continues_nothing)
{
	struct scn_file *f = parse_ok("process A # comment \\\nprocess B\n");

	cr_assert(eq(int, f->nstmts, 2));
	scn_file_free(f);
	assert_error("process A \\ B\n", "1:11", "a '\\' continues a line only at its end");
}

Test(parser, strings_resolve_their_two_escapes)
{
	struct scn_file *f = parse_ok("say \"a \\\"quoted\\\" \\\\ word\"\nsay \"\"\n"
				      "say \"caf\xc3\xa9 \xe2\x86\x92 ok\"\n");

	cr_assert(eq(str, f->stmts[0].text, "a \"quoted\" \\ word"));
	cr_assert(eq(str, f->stmts[1].text, ""));
	cr_assert(eq(str, f->stmts[2].text, "caf\xc3\xa9 \xe2\x86\x92 ok"));
	scn_file_free(f);
	assert_error("say \"a\\tb\"\n", "1:7", "unknown escape '\\t'");
	assert_error("say \"open\n", "1:5", "unterminated string");
}

Test(parser, windows_line_endings_and_a_missing_final_newline_are_accepted)
{
	struct scn_file *f = parse_ok("process A\r\nprocess B\r\nfork A C");

	cr_assert(eq(int, f->nstmts, 3));
	cr_assert(eq(str, f->stmts[0].src, "process A"));
	cr_assert(eq(int, f->nlines, 3));
	cr_assert(eq(str, f->lines[0], "process A"));
	scn_file_free(f);
}

Test(parser, an_empty_file_has_no_statements)
{
	struct scn_file *f = parse_ok("");

	cr_assert(eq(int, f->nstmts, 0));
	cr_assert(eq(int, f->nlines, 0));
	scn_file_free(f);
	f = parse_ok("# only a comment\n\n");
	cr_assert(eq(int, f->nstmts, 0));
	cr_assert(eq(int, f->nlines, 2));
	scn_file_free(f);
}

Test(parser, text_that_is_not_utf8_is_an_error)
{
	assert_error("process A\nsay \"\xff\"\n", "2:6", "invalid UTF-8 byte 0xff");
	assert_error("process \xc3\xa9\n", "1:9", "unexpected character '\xc3\xa9'");
	char text[] = "process A\0B\n";
	GError *err = NULL;

	cr_assert(scn_parse_string("t.scn", text, sizeof(text) - 1, &err) == NULL);
	cr_assert(strstr(err->message, "t.scn:1:10: error: NUL byte") != NULL, "%s", err->message);
	g_error_free(err);
}

Test(parser, statements_record_their_locations)
{
	struct scn_file *f = parse_ok("process A\n  A: m = mmap 1p anon private\n"
				      "A: read m[0] -> SIGSEGV\n");
	const struct scn_stmt *s = &f->stmts[1];

	cr_assert(eq(int, s->loc.line, 2));
	cr_assert(eq(int, s->loc.col, 3));
	cr_assert(eq(int, s->proc_loc.col, 3));
	cr_assert(eq(int, s->name_loc.col, 6));
	cr_assert(eq(str, s->src, "A: m = mmap 1p anon private"));
	s = &f->stmts[2];
	cr_assert(eq(int, s->ref.loc.line, 3));
	cr_assert(eq(int, s->ref.loc.col, 9));
	cr_assert(eq(int, s->outcome.loc.col, 17));
	scn_file_free(f);
}

/* ---- error messages ---- */

Test(parser, errors_quote_the_line_with_a_caret)
{
	char *msg = parse_error("process A\nA: read q[0]\n");

	cr_assert(eq(str, msg,
		     "t.scn:2:9: error: unknown mapping 'q' (declare it with "
		     "'q = mmap ...' first)\n"
		     "    2 | A: read q[0]\n"
		     "      |         ^"));
	g_free(msg);
}

Test(parser, the_caret_line_copies_tabs_to_stay_aligned)
{
	char *msg = parse_error("process A\n\tA:\tread q[0]\n");

	cr_assert(eq(str, msg,
		     "t.scn:2:10: error: unknown mapping 'q' (declare it with "
		     "'q = mmap ...' first)\n"
		     "    2 | \tA:\tread q[0]\n"
		     "      | \t  \t     ^"));
	g_free(msg);
}

Test(parser, a_missing_word_is_pointed_at_the_end_of_the_line)
{
	char *msg = parse_error("process A\nA: m = mmap 8p anon   # no sharing\n");

	cr_assert(g_str_has_prefix(msg, "t.scn:2:21: error: mmap needs 'private' or 'shared'"),
		  "%s", msg);
	g_free(msg);
}

Test(parser, misspelt_keywords_get_a_suggestion)
{
	assert_error("process A\nA: munmpa m\n", "2:4",
		     "unknown statement 'munmpa'; did you mean 'munmap'?");
	assert_error("proces A\n", "1:1", "unknown statement 'proces'; did you mean 'process'?");
	assert_error("frobnicate\n", "1:1",
		     "unknown statement 'frobnicate' (expected title, config");
	assert_error("process A\nA: m = mmapp 1p anon private\n", "2:8", "did you mean 'mmap'?");
}

Test(parser, statements_must_use_the_right_prefix_form)
{
	assert_error("mmap 1p anon private\n", "1:1", "'mmap' needs a process");
	assert_error("process A\nA read m\n", "2:3",
		     "expected ':' after process 'A', found 'read'");
	assert_error("process A\nA: mmap 1p anon private\n", "2:4", "'mmap' declares a name");
	assert_error("process A\nA: x = munmap m\n", "2:4", "'munmap' declares no name");
	assert_error("process A\nA: reclaim 1\n", "2:1", "'reclaim' takes no process prefix");
	assert_error("process A\nA: file d size=1p\n", "2:1", "'file' takes no process prefix");
	assert_error("C: read m\n", "1:1", "unknown process 'C'");
	assert_error("process A\nA:\n", "2:4",
		     "expected a statement after 'A:', found end of line");
	assert_error("123\n", "1:1", "expected a statement, found '123'");
}

Test(parser, only_the_first_error_is_reported)
{
	char *msg = parse_error("process A\nA: read q[0]\nA: read r[0]\n");

	cr_assert(strstr(msg, "'q'") != NULL);
	cr_assert(strstr(msg, "'r'") == NULL);
	g_free(msg);
}

Test(parser, format_error_serves_run_time_refusals)
{
	struct scn_file *f = parse_ok("process A\nA: m = mmap 8p anon private\n");
	struct scn_loc loc = { 2, 13 };
	char *msg = scn_format_error(f, loc, "cannot map 8 pages");

	cr_assert(eq(str, msg,
		     "t.scn:2:13: error: cannot map 8 pages\n"
		     "    2 | A: m = mmap 8p anon private\n"
		     "      |             ^"));
	g_free(msg);
	loc.line = 99;
	msg = scn_format_error(f, loc, "no such line");
	cr_assert(eq(str, msg, "t.scn:99:13: error: no such line"));
	g_free(msg);
	scn_file_free(f);
}

Test(parser, parse_file_reads_a_file_and_reports_io_errors)
{
	GError *err = NULL;
	char *path = NULL;
	int fd = g_file_open_tmp("mmsim-XXXXXX.scn", &path, NULL);
	struct scn_file *f;

	cr_assert(fd >= 0);
	cr_assert(write(fd, "process A\n", 10) == 10);
	close(fd);
	f = scn_parse_file(path, &err);
	cr_assert(f != NULL);
	cr_assert(eq(str, f->path, path));
	cr_assert(eq(int, f->nstmts, 1));
	scn_file_free(f);
	unlink(path);
	f = scn_parse_file(path, &err);
	cr_assert(f == NULL);
	cr_assert(eq(int, err->code, SCN_ERROR_IO));
	cr_assert(g_str_has_prefix(err->message, path));
	g_error_free(err);
	g_free(path);
}

/* ---- robustness ---- */

/*
 * Mutated scenarios (bytes replaced, inserted, lines cut and swapped) must
 * parse or fail cleanly, never crash or hang. A fixed seed keeps it
 * deterministic; the sanitizer build turns any memory error into a failure.
 */
Test(parser, mutated_scenarios_never_crash_the_parser)
{
	static const char alphabet[] = "Am[]0.=-\\\"#:+> \n\tpk0x9_";
	const char *base = PRELUDE
		"A: read m+8 == 8 -> SIGBUS\nexpect A m[0..1] present dirty\n"
		"config ram=1p\nsay \"x\\\"y\" # c\nA: q = mmap 1p \\\n anon shared\n"
		"expect A smaps m Rss=4k\nshow A maps\nexpect cache S[0] swap\n";
	GRand *rng = g_rand_new_with_seed(42);

	for (int iter = 0; iter < 3000; iter++) {
		GString *s = g_string_new(base);
		int edits = g_rand_int_range(rng, 1, 6);
		GError *err = NULL;
		struct scn_file *f;

		for (int e = 0; e < edits && s->len; e++) {
			gsize at = (gsize)g_rand_int_range(rng, 0, (gint32)s->len);
			char c = alphabet[g_rand_int_range(rng, 0, sizeof(alphabet) - 1)];
			gint32 want = g_rand_int_range(rng, 1, 12);
			gssize cut = MIN(want, (gint32)(s->len - at));

			switch (g_rand_int_range(rng, 0, 4)) {
			case 0:
				s->str[at] = c;
				break;
			case 1:
				g_string_insert_c(s, (gssize)at, c);
				break;
			case 2:
				g_string_erase(s, (gssize)at, cut);
				break;
			default:
				s->str[at] = (char)g_rand_int_range(rng, 1, 256);
				break;
			}
		}
		f = scn_parse_string("fuzz.scn", s->str, s->len, &err);
		cr_assert(eq(int, f == NULL, err != NULL));
		if (err)
			cr_assert(strstr(err->message, "fuzz.scn:") == err->message);
		scn_file_free(f);
		g_clear_error(&err);
		g_string_free(s, TRUE);
	}
	g_rand_free(rng);
}
