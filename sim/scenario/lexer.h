/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lexer.h - private interface between the scenario lexer, parser and names.
 *
 * The lexer cuts a scenario's text into logical lines (a physical line plus
 * its '\' continuations) and each logical line into tokens. It knows nothing
 * of statements: the parser (parser.c) gives the tokens their meaning. The
 * keyword helpers (names.c) find the nearest keyword to a misspelt word.
 *
 * Ownership: a struct lex_line owns its tokens and their text; clear it with
 * lex_line_clear(). A struct lex_error owns its message.
 */
#ifndef MMSIM_SCENARIO_LEXER_H
#define MMSIM_SCENARIO_LEXER_H

#include "scenario.h"

enum tok_kind {
	TOK_EOL,      /* the end of the logical line */
	TOK_NAME,     /* [A-Za-z_][A-Za-z0-9_]* */
	TOK_NUMBER,   /* 12, 0x1f, 4k, 8p, and dotted forms such as 4.19 */
	TOK_STRING,   /* "text", escapes resolved */
	TOK_COLON,    /* : */
	TOK_ASSIGN,   /* = */
	TOK_EQ,	      /* == */
	TOK_NE,	      /* != */
	TOK_ARROW,    /* -> */
	TOK_LBRACKET, /* [ */
	TOK_RBRACKET, /* ] */
	TOK_DOTDOT,   /* .. */
	TOK_PLUS,     /* + */
};

struct token {
	enum tok_kind kind;
	struct scn_loc loc;
	int len;	/* bytes it takes in the source */
	char *text;	/* source text; for TOK_STRING the value, escapes resolved */
	uint64_t value; /* TOK_NUMBER: the value in bytes, the suffix applied */
	char suffix;	/* TOK_NUMBER: 'p', 'k', 'm', 'g', or 0 for a plain number */
	bool dotted;	/* TOK_NUMBER: has a '.', like 4.19; value is unset */
	bool overflow;	/* TOK_NUMBER: the value does not fit in 64 bits */
};

/* One logical line: its tokens (the last is always TOK_EOL) and its text. */
struct lex_line {
	GArray *toks;  /* struct token */
	GString *src;  /* the text, continuations joined by one space, no comment */
	int last_line; /* physical line the logical line ends on */
};

struct lex_error {
	struct scn_loc loc;
	char *msg;
};

/* Where the lexer is in the text. */
struct lexer {
	const char *text;
	gsize len;
	gsize pos;	  /* next byte to read */
	int line;	  /* 1-based physical line of pos */
	gsize line_start; /* offset of that line's first byte */
};

void lexer_init(struct lexer *lx, const char *text, gsize len);
void lex_line_init(struct lex_line *ln);
void lex_line_clear(struct lex_line *ln);
/*
 * Read the next logical line into ln (cleared first). Returns 1 when a line
 * was read (it may hold only TOK_EOL: a blank or comment line), 0 at the end
 * of the text, -1 on a lexical error (err filled in).
 */
int lexer_next_line(struct lexer *lx, struct lex_line *ln, struct lex_error *err);

/*
 * The word of words[] (NULL-terminated) nearest to word: at most 2 edits
 * away (insert, delete, replace, swap two neighbours) and fewer edits than
 * word has letters. NULL when none is near or word is itself in the list.
 */
const char *scn_nearest_word(const char *word, const char *const *words);

/* Known errno and signal names, NULL-terminated, for scn_nearest_word(). */
extern const char *const scn_errno_names[];
extern const char *const scn_signal_names[];
/* The page words of "expect P REF WORD...": bit i is scn_page_words[i]. */
extern const char *const scn_page_words[SCN_NR_WORDS + 1];

#endif /* MMSIM_SCENARIO_LEXER_H */
