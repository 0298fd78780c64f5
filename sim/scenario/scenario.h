/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scenario.h - the parsed form of a scenario file (*.scn).
 *
 * The language is specified in shared/spec/scenario-language.md and explained
 * in docs/language.md. The parser (parser.c, lexer.c) turns a file into a
 * struct scn_file: a config and a list of statements. It checks syntax and
 * names (a mapping, object or process is declared before it is used, names
 * are unique per kind) and reports the first error as FILE:LINE:COLUMN with
 * the line and a caret. Nothing here runs anything.
 *
 * Ownership: scn_file_free() frees the file and everything it points to.
 */
#ifndef MMSIM_SCENARIO_H
#define MMSIM_SCENARIO_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define SCN_PAGE_SIZE ((uint64_t)4096)

/* Where a token starts: 1-based line and column (columns count bytes). */
struct scn_loc {
	int line;
	int col;
};

/* config swap_device= */
enum scn_swap_device { SCN_SWAP_DISK, SCN_SWAP_ZRAM };
/* config tree= */
enum scn_tree { SCN_TREE_RADIX, SCN_TREE_XARRAY };
/* config kernel= */
enum scn_kernel { SCN_KERNEL_6_18, SCN_KERNEL_4_19 };
/* config swap_ra= */
enum scn_swap_ra { SCN_SWAP_RA_VMA, SCN_SWAP_RA_CLUSTER };

/* Bits of scn_config.set: which keys the file gave. */
enum scn_config_key {
	SCN_CFG_RAM = 1 << 0,
	SCN_CFG_SWAP = 1 << 1,
	SCN_CFG_SWAP_DEVICE = 1 << 2,
	SCN_CFG_TREE = 1 << 3,
	SCN_CFG_KERNEL = 1 << 4,
	SCN_CFG_FAULT_AROUND = 1 << 5,
	SCN_CFG_READ_AHEAD = 1 << 6,
	SCN_CFG_PAGE_CLUSTER = 1 << 7,
	SCN_CFG_SWAP_RA = 1 << 8,
	SCN_CFG_OVERCOMMIT = 1 << 9,
	SCN_CFG_OVERCOMMIT_RATIO = 1 << 10,
};

/* The header's config, with the spec's defaults for keys not given. */
struct scn_config {
	uint64_t ram_pages;	    /* ram=, rounded up to pages; default 64 */
	uint64_t swap_pages;	    /* swap=, rounded up to pages; default 256 */
	enum scn_swap_device swap_device;
	enum scn_tree tree;
	enum scn_kernel kernel;
	uint64_t fault_around_bytes; /* default 64k */
	uint64_t read_ahead_bytes;   /* default 128k */
	unsigned page_cluster;	     /* default 3 */
	enum scn_swap_ra swap_ra;
	unsigned overcommit;	   /* 0, 1 or 2 */
	unsigned overcommit_ratio; /* default 50 */
	unsigned set;		   /* enum scn_config_key bits */
};

void scn_config_defaults(struct scn_config *cfg);

/*
 * A page reference: m[i], m[i..j], m, or m+OFF.
 * Ranges are inclusive. For SCN_REF_ALL first/last are unset (the runner
 * resolves the size at run time).
 */
enum scn_ref_kind { SCN_REF_ALL, SCN_REF_PAGES, SCN_REF_BYTE };
struct scn_ref {
	char *name;
	struct scn_loc loc;
	enum scn_ref_kind kind;
	uint64_t first, last; /* SCN_REF_PAGES: page indexes, first <= last */
	uint64_t offset;      /* SCN_REF_BYTE: byte offset */
};

/* -> ERRNO or -> SIGNAL at the end of a statement. */
enum scn_outcome_kind { SCN_OUT_OK, SCN_OUT_ERRNO, SCN_OUT_SIGNAL };
struct scn_outcome {
	enum scn_outcome_kind kind;
	int code; /* errno value (ENOMEM...) or signal number (SIGBUS...) */
	struct scn_loc loc;
};

/* The prot= values. */
enum scn_prot {
	SCN_PROT_NONE = 0,
	SCN_PROT_R = 1,
	SCN_PROT_W = 2,
	SCN_PROT_X = 4,
};

/* mmap: the statement "P: NAME = mmap SIZE KEY..." */
struct scn_mmap {
	uint64_t size;	    /* bytes, rounded up to pages */
	bool anon;	    /* anon, else file=OBJ */
	char *object;	    /* file=OBJ: any object (file, shm_open, memfd) */
	struct scn_loc object_loc;
	bool shared;	    /* shared, else private (one of them is required) */
	unsigned prot;	    /* enum scn_prot bits; default r|w */
	uint64_t offset;    /* offset=, bytes (a multiple of 4096) */
	bool has_at;
	uint64_t at;	    /* at=ADDR */
	bool fixed;	    /* MAP_FIXED */
	bool noreplace;	    /* MAP_FIXED_NOREPLACE */
	bool populate;	    /* MAP_POPULATE */
	bool noreserve;	    /* MAP_NORESERVE */
};

enum scn_madvise {
	SCN_MADV_DONTNEED,
	SCN_MADV_COLD,
	SCN_MADV_PAGEOUT,
	SCN_MADV_WILLNEED,
	SCN_MADV_POPULATE_READ,
	SCN_MADV_POPULATE_WRITE,
	SCN_MADV_REMOVE,
	SCN_MADV_FREE,
};

/* msync flags: sync or async (one is required), optionally invalidate. */
struct scn_msync {
	bool sync;
	bool invalidate;
};

/* read / write: "P: read REF [== V | != V] [-> SIG]", "P: write REF [= V]" */
enum scn_cmp { SCN_CMP_NONE, SCN_CMP_EQ, SCN_CMP_NE };
struct scn_access {
	bool has_value;	  /* write with "= V" */
	uint64_t value;	  /* the value written, or compared with */
	enum scn_cmp cmp; /* read with == or != */
};

/* Page words of "expect P REF WORD...". Each is one bit. */
enum scn_word {
	SCN_W_PRESENT = 1 << 0,
	SCN_W_SWAPPED = 1 << 1,
	SCN_W_NONE = 1 << 2,
	SCN_W_ZERO = 1 << 3,
	SCN_W_RESIDENT = 1 << 4,
	SCN_W_NONRESIDENT = 1 << 5,
	SCN_W_WRITABLE = 1 << 6,
	SCN_W_READONLY = 1 << 7,
	SCN_W_DIRTY = 1 << 8,
	SCN_W_CLEAN = 1 << 9,
	SCN_W_EXCLUSIVE = 1 << 10,
	SCN_W_SHARED = 1 << 11,
	SCN_W_FILE = 1 << 12,
	SCN_W_ANON = 1 << 13,
};
#define SCN_NR_WORDS 14
/* The word's name for bit (1 << i), "present"... */
const char *scn_word_name(unsigned bit);

/* "expect cache OBJ[i] STATE" */
enum scn_cache_state { SCN_CACHE_PAGE, SCN_CACHE_SWAP, SCN_CACHE_SHADOW, SCN_CACHE_EMPTY };

/* KEY=VALUE pairs of expect rss/smaps/swap/meminfo/vmstat/faults. */
struct scn_kv {
	char *key;
	uint64_t value; /* bytes for sizes (rss, smaps, meminfo), else a count */
	struct scn_loc loc;
};

/* The views of "show". */
enum scn_view {
	SCN_VIEW_PAGETABLE, /* per process */
	SCN_VIEW_MAPS,	    /* per process */
	SCN_VIEW_SMAPS,	    /* per process */
	SCN_VIEW_CACHE,	    /* per object */
	SCN_VIEW_SWAP,
	SCN_VIEW_LRU,
	SCN_VIEW_FRAMES,
	SCN_VIEW_MEMINFO,
	SCN_VIEW_VMSTAT,
};
const char *scn_view_name(enum scn_view v);

enum scn_kind {
	/* header */
	SCN_TITLE,	/* text */
	SCN_CONFIG,	/* (applied to scn_file.config by the parser) */
	/* objects and processes */
	SCN_FILE,	/* name, size, cached_all */
	SCN_PROCESS,	/* name */
	SCN_FORK,	/* name (parent), name2 (child) */
	SCN_EXIT,	/* name */
	/* per process: mapping */
	SCN_MMAP,	/* proc, name, mmap */
	SCN_MUNMAP,	/* proc, ref */
	SCN_MPROTECT,	/* proc, ref, prot */
	SCN_MREMAP,	/* proc, ref (SCN_REF_ALL), size, maymove */
	SCN_MSYNC,	/* proc, ref, msync */
	SCN_MADVISE,	/* proc, ref, madvise */
	/* per process: accesses */
	SCN_READ,	/* proc, ref, access */
	SCN_WRITE,	/* proc, ref, access */
	/* shared memory and files */
	SCN_SHMGET,	/* proc, name, key, size */
	SCN_SHMAT,	/* proc, name (mapping), object, prot, has_at/at */
	SCN_SHMDT,	/* proc, ref (mapping, SCN_REF_ALL) */
	SCN_SHMCTL,	/* proc, object (rmid is the only command) */
	SCN_SHM_OPEN,	/* proc, name, text (the "/name"), size */
	SCN_SHM_UNLINK, /* proc (optional), text */
	SCN_MEMFD,	/* proc, name, text, size */
	SCN_FTRUNCATE,	/* proc (optional), object, size */
	SCN_PWRITE,	/* proc (optional), ref (object page), access */
	SCN_PREAD,	/* proc (optional), ref, access */
	SCN_FSYNC,	/* proc (optional), object */
	SCN_FADVISE,	/* proc (optional), ref, fadvise_willneed */
	/* memory pressure and I/O */
	SCN_RECLAIM,	/* count (0 with reclaim_all), reclaim_all, reclaim_lru */
	SCN_WRITEBACK,
	/* expectations */
	SCN_EXPECT_PAGE,    /* proc, ref, words */
	SCN_EXPECT_SAME,    /* proc, ref, name2 (process), ref2 */
	SCN_EXPECT_DIFFERS, /* as SCN_EXPECT_SAME */
	SCN_EXPECT_FAULTS,  /* proc, kvs: minor=, major= */
	SCN_EXPECT_RSS,	    /* proc, kvs: rss= anon= file= shmem= swap= (bytes) */
	SCN_EXPECT_SMAPS,   /* proc, ref (mapping, SCN_REF_ALL), kvs (bytes) */
	SCN_EXPECT_KILLED,  /* proc */
	SCN_EXPECT_ALIVE,   /* proc */
	SCN_EXPECT_CACHE,   /* ref (object page), cache_state */
	SCN_EXPECT_SWAP,    /* kvs: used= cached= (counts of pages) */
	SCN_EXPECT_MEMINFO, /* kvs: meminfo field names, bytes */
	SCN_EXPECT_VMSTAT,  /* kvs: vmstat field names, counts */
	/* narrative and diagrams */
	SCN_SAY,	/* text */
	SCN_SNAPSHOT,	/* text */
	SCN_SHOW,	/* view, proc (pagetable maps smaps) or object (cache) */
};

enum scn_lru_filter { SCN_LRU_BOTH, SCN_LRU_ANON, SCN_LRU_FILE };

struct scn_stmt {
	enum scn_kind kind;
	struct scn_loc loc;	/* first token of the statement */
	int last_line;		/* last physical line (after '\' continuations) */
	char *src;		/* the statement's text, comments and continuations folded */

	char *proc;		/* "P:" prefix, or NULL; for show/expect the process */
	struct scn_loc proc_loc;
	char *name;		/* name being defined, or the named process/object */
	struct scn_loc name_loc;
	char *name2;		/* second process (fork child, expect same/differs) */
	struct scn_loc name2_loc;
	char *object;		/* object operand (shmat S, ftruncate P, fsync f...) */
	struct scn_loc object_loc;
	char *text;		/* title/say/snapshot text, shm_open/memfd name */

	struct scn_ref ref, ref2;
	uint64_t size;		/* file, shmget, shm_open, memfd, ftruncate, mremap */
	uint64_t key;		/* shmget key= */
	unsigned prot;		/* mprotect, shmat (shmat default r|w) */
	bool has_at;		/* shmat at= */
	uint64_t at;
	bool cached_all;	/* file cached=all */
	bool maymove;		/* mremap */
	bool fadvise_willneed;	/* fadvise willneed, else dontneed */
	bool reclaim_all;
	uint64_t count;		/* reclaim N */
	enum scn_lru_filter reclaim_lru;

	struct scn_mmap mmap;
	struct scn_msync msync;
	enum scn_madvise madvise;
	struct scn_access access;
	unsigned words;		/* expect page: enum scn_word bits */
	enum scn_cache_state cache_state;
	enum scn_view view;
	struct scn_kv *kvs;	/* nkvs entries */
	int nkvs;

	struct scn_outcome outcome; /* -> ERRNO / -> SIGNAL */
};

struct scn_file {
	char *path;		/* as given on the command line */
	char *title;		/* NULL without a title line */
	struct scn_config config;
	struct scn_stmt *stmts;	/* in file order (title and config included) */
	int nstmts;
	char **lines;		/* the file's physical lines, for error messages */
	int nlines;
};

/*
 * Parse a scenario held in memory. On error returns NULL and sets *err to a
 * message of the form
 *
 *	FILE:LINE:COLUMN: error: WHAT
 *	   LINE | the source line
 *	        |      ^
 *
 * (the domain is SCN_ERROR, the code SCN_ERROR_PARSE).
 */
struct scn_file *scn_parse_string(const char *path, const char *text, gsize len, GError **err);
/* Read and parse a file; a file that cannot be read is SCN_ERROR_IO. */
struct scn_file *scn_parse_file(const char *path, GError **err);
void scn_file_free(struct scn_file *f);

/*
 * Format an error at a location of a parsed file, in the same form as the
 * parser's errors. Used by the runner for run-time refusals.
 */
char *scn_format_error(const struct scn_file *f, struct scn_loc loc, const char *what);

#define SCN_ERROR (scn_error_quark())
GQuark scn_error_quark(void);
enum { SCN_ERROR_PARSE, SCN_ERROR_IO, SCN_ERROR_REFUSED };

/* The names of errno values and signals the language knows, both ways. */
const char *scn_errno_name(int err);
int scn_errno_from_name(const char *name); /* 0 if unknown */
const char *scn_signal_name(int sig);
int scn_signal_from_name(const char *name); /* 0 if unknown */

#endif /* MMSIM_SCENARIO_H */
