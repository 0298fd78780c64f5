// SPDX-License-Identifier: GPL-2.0
/*
 * lexer.c - cut a scenario's text into logical lines and tokens.
 *
 * A logical line is a physical line plus the lines its trailing '\' joins to
 * it; a continuation acts as a space between tokens. '#' outside a string
 * starts a comment to the end of the physical line (a '\' inside a comment is
 * part of the comment and continues nothing). Every token keeps the physical
 * line and byte column it starts at, so errors point into the file as the
 * user sees it.
 *
 * Numbers are decimal or 0x hex with an optional size suffix (p, k, m, g);
 * their value is computed here and an overflow is flagged, not reported: the
 * parser knows whether the number was a size, a count or a value and says
 * so. A number with an inner '.' ("4.19") is kept as text for the parser.
 *
 * Left out: the meaning of words. Keywords are plain TOK_NAMEs.
 */
#include "lexer.h"
#include "scn_limits.h"

#include <string.h>

static void token_clear(gpointer data)
{
	struct token *t = data;

	g_free(t->text);
}

void lexer_init(struct lexer *lx, const char *text, gsize len)
{
	lx->text = text;
	lx->len = len;
	lx->pos = 0;
	lx->line = 1;
	lx->line_start = 0;
}

void lex_line_init(struct lex_line *ln)
{
	ln->toks = g_array_new(FALSE, TRUE, sizeof(struct token));
	g_array_set_clear_func(ln->toks, token_clear);
	ln->src = g_string_new(NULL);
	ln->last_line = 0;
}

void lex_line_clear(struct lex_line *ln)
{
	if (ln->toks)
		g_array_free(ln->toks, TRUE);
	if (ln->src)
		g_string_free(ln->src, TRUE);
	ln->toks = NULL;
	ln->src = NULL;
}

/* ---- character helpers ---- */

static int peekc(const struct lexer *lx, gsize ahead)
{
	gsize at = lx->pos + ahead;

	return at < lx->len ? (unsigned char)lx->text[at] : -1;
}

static struct scn_loc here(const struct lexer *lx)
{
	struct scn_loc loc = { lx->line, (int)(lx->pos - lx->line_start) + 1 };

	return loc;
}

static bool is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_name_start(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_name_char(int c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Step over a '\n' at pos: the next physical line starts. */
static void newline(struct lexer *lx)
{
	lx->pos++;
	lx->line++;
	lx->line_start = lx->pos;
}

static int lex_fail(struct lex_error *err, struct scn_loc loc, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);

static int lex_fail(struct lex_error *err, struct scn_loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err->loc = loc;
	err->msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * Append text[from, to) to the logical line's source text, trimmed, joined to
 * what is there by one space.
 */
static void add_segment(struct lex_line *ln, const struct lexer *lx, gsize from, gsize to)
{
	while (from < to && is_blank((unsigned char)lx->text[from]))
		from++;
	while (to > from && is_blank((unsigned char)lx->text[to - 1]))
		to--;
	if (from == to)
		return;
	if (ln->src->len)
		g_string_append_c(ln->src, ' ');
	g_string_append_len(ln->src, lx->text + from, to - from);
}

static struct token *push(struct lex_line *ln, enum tok_kind kind, struct scn_loc loc,
			  const char *text, gsize len)
{
	struct token t = {
		.kind = kind,
		.loc = loc,
		.len = (int)len,
		.text = g_strndup(text, len),
	};

	g_array_append_val(ln->toks, t);
	return &g_array_index(ln->toks, struct token, ln->toks->len - 1);
}

/* ---- numbers ---- */

static bool mul_overflows(uint64_t a, uint64_t b, uint64_t *out)
{
	return __builtin_mul_overflow(a, b, out);
}

static int digit_value(int c, int base)
{
	int d = -1;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	return d < base ? d : -1;
}

static uint64_t suffix_bytes(char c)
{
	switch (c) {
	case 'p':
		return SCN_PAGE_SIZE;
	case 'k':
		return 1ULL << 10;
	case 'm':
		return 1ULL << 20;
	case 'g':
		return 1ULL << 30;
	}
	return 0;
}

/*
 * Decode a number's text: digits in base 10 or 16 (after 0x), then at most
 * a one-letter size suffix. Returns false when the text is not a number.
 */
static bool decode_number(struct token *t)
{
	const char *s = t->text;
	int base = 10, d;
	uint64_t v = 0;
	bool any = false;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; (d = digit_value((unsigned char)*s, base)) >= 0; s++) {
		any = true;
		if (mul_overflows(v, base, &v) || __builtin_add_overflow(v, d, &v))
			t->overflow = true;
	}
	if (!any)
		return false;
	if (*s && suffix_bytes(*s) && !s[1]) {
		t->suffix = *s;
		if (mul_overflows(v, suffix_bytes(*s), &v))
			t->overflow = true;
		s++;
	}
	t->value = v;
	return *s == '\0';
}

/* A number: [0-9][A-Za-z0-9_]* with optional ".digits..." parts (4.19). */
static int lex_number(struct lexer *lx, struct lex_line *ln, struct lex_error *err)
{
	struct scn_loc loc = here(lx);
	gsize start = lx->pos;
	struct token *t;
	bool dotted = false;

	while (is_name_char(peekc(lx, 0)))
		lx->pos++;
	while (peekc(lx, 0) == '.' && is_digit(peekc(lx, 1))) {
		dotted = true;
		lx->pos++;
		while (is_name_char(peekc(lx, 0)))
			lx->pos++;
	}
	t = push(ln, TOK_NUMBER, loc, lx->text + start, lx->pos - start);
	t->dotted = dotted;
	if (dotted || decode_number(t))
		return 0;
	if (t->text[strlen(t->text) - 1] >= 'A' && t->text[strlen(t->text) - 1] <= 'Z')
		return lex_fail(err, loc,
				"invalid number '%s' (size suffixes are lowercase: p, k, m, g)",
				t->text);
	return lex_fail(
		err, loc,
		"invalid number '%s' (expected decimal or 0x hex digits, optionally followed by p, k, m or g)",
		t->text);
}

/* ---- strings ---- */

/* A double-quoted string on one physical line, with \" and \\ escapes. */
static int lex_string(struct lexer *lx, struct lex_line *ln, struct lex_error *err)
{
	struct scn_loc loc = here(lx);
	GString *val = g_string_new(NULL);
	struct token *t;
	int c;

	lx->pos++;
	for (;;) {
		c = peekc(lx, 0);
		if (c < 0 || c == '\n') {
			g_string_free(val, TRUE);
			return lex_fail(err, loc, "unterminated string: expected a closing '\"'");
		}
		if (c == '"')
			break;
		if (c == '\\') {
			int e = peekc(lx, 1);

			if (e != '"' && e != '\\') {
				struct scn_loc at = here(lx);

				g_string_free(val, TRUE);
				if (e < 0 || e == '\n')
					return lex_fail(
						err, loc,
						"unterminated string: expected a closing '\"'");
				if (e < 0x20 || e >= 0x7f)
					return lex_fail(
						err, at,
						"unknown escape in a string (only \\\" and \\\\ are allowed)");
				return lex_fail(
					err, at,
					"unknown escape '\\%c' in a string (only \\\" and \\\\ are allowed)",
					e);
			}
			lx->pos++;
			c = e;
		}
		g_string_append_c(val, (char)c);
		lx->pos++;
	}
	lx->pos++;
	t = push(ln, TOK_STRING, loc, "", 0);
	g_free(t->text);
	t->text = g_string_free(val, FALSE);
	t->len = here(lx).col - loc.col;
	return 0;
}

/* ---- punctuation ---- */

/* Quote the (possibly multi-byte UTF-8) character at pos for a message. */
static char *quote_char(const struct lexer *lx)
{
	const char *p = lx->text + lx->pos;
	gsize left = lx->len - lx->pos;
	const char *next = g_utf8_find_next_char(p, p + left);
	gsize n = next ? (gsize)(next - p) : left;

	if ((unsigned char)*p < 0x20 || *p == 0x7f)
		return g_strdup_printf("byte 0x%02x", (unsigned char)*p);
	return g_strdup_printf("'%.*s'", (int)n, p);
}

/* Punctuation of one or two characters; anything else is an error. */
static int lex_punct(struct lexer *lx, struct lex_line *ln, struct lex_error *err)
{
	static const struct {
		const char *text;
		enum tok_kind kind;
	} puncts[] = {
		{ "==", TOK_EQ },      { "!=", TOK_NE },      { "->", TOK_ARROW },
		{ "..", TOK_DOTDOT },  { ":", TOK_COLON },    { "=", TOK_ASSIGN },
		{ "[", TOK_LBRACKET }, { "]", TOK_RBRACKET }, { "+", TOK_PLUS },
	};
	struct scn_loc loc = here(lx);
	const char *p = lx->text + lx->pos;
	gsize left = lx->len - lx->pos;
	char *what;
	int c = peekc(lx, 0);

	for (gsize i = 0; i < G_N_ELEMENTS(puncts); i++) {
		gsize n = strlen(puncts[i].text);

		if (n <= left && !memcmp(p, puncts[i].text, n)) {
			push(ln, puncts[i].kind, loc, p, n);
			lx->pos += n;
			return 0;
		}
	}
	if (c == '-' && is_digit(peekc(lx, 1)))
		return lex_fail(err, loc, "unexpected '-': numbers cannot be negative");
	if (c == '-')
		return lex_fail(err, loc, "unexpected '-'; did you mean '->'?");
	if (c == '!')
		return lex_fail(err, loc, "unexpected '!'; did you mean '!='?");
	what = quote_char(lx);
	lex_fail(err, loc, "unexpected character %s", what);
	g_free(what);
	return -1;
}

/* ---- lines ---- */

/* Is the rest of the physical line after pos blank? */
static bool rest_is_blank(const struct lexer *lx, gsize from)
{
	for (gsize i = from; i < lx->len && lx->text[i] != '\n'; i++)
		if (!is_blank((unsigned char)lx->text[i]))
			return false;
	return true;
}

/*
 * A '\' outside a string: followed only by blanks it joins the next physical
 * line to this logical line; anywhere else it is an error.
 */
static int lex_backslash(struct lexer *lx, struct lex_line *ln, gsize *seg, struct lex_error *err)
{
	if (!rest_is_blank(lx, lx->pos + 1))
		return lex_fail(err, here(lx),
				"unexpected '\\' (a '\\' continues a line only at its end)");
	add_segment(ln, lx, *seg, lx->pos);
	while (lx->pos < lx->len && lx->text[lx->pos] != '\n')
		lx->pos++;
	if (lx->pos < lx->len)
		newline(lx);
	*seg = lx->pos;
	return 0;
}

/* Read one token starting at pos (not a blank, comment, '\' or newline). */
static int lex_token(struct lexer *lx, struct lex_line *ln, struct lex_error *err)
{
	int c = peekc(lx, 0);
	gsize start = lx->pos;
	struct scn_loc loc = here(lx);

	if (c == '"')
		return lex_string(lx, ln, err);
	if (is_digit(c))
		return lex_number(lx, ln, err);
	if (is_name_start(c)) {
		while (is_name_char(peekc(lx, 0)))
			lx->pos++;
		push(ln, TOK_NAME, loc, lx->text + start, lx->pos - start);
		return 0;
	}
	return lex_punct(lx, ln, err);
}

/* End the token list with TOK_EOL, placed one column after the last token. */
static void push_eol(struct lex_line *ln)
{
	struct scn_loc loc = { ln->last_line, 1 };

	if (ln->toks->len) {
		struct token *last = &g_array_index(ln->toks, struct token, ln->toks->len - 1);

		loc = last->loc;
		loc.col += last->len + 1;
	}
	push(ln, TOK_EOL, loc, "", 0);
}

int lexer_next_line(struct lexer *lx, struct lex_line *ln, struct lex_error *err)
{
	gsize seg = lx->pos;

	g_array_set_size(ln->toks, 0);
	g_string_truncate(ln->src, 0);
	if (lx->pos >= lx->len)
		return 0;
	for (;;) {
		int c = peekc(lx, 0);

		if (!(c < 0 && lx->pos == lx->line_start && lx->line > 1))
			ln->last_line = lx->line;
		if (c < 0 || c == '\n') {
			add_segment(ln, lx, seg, lx->pos);
			if (c == '\n')
				newline(lx);
			break;
		}
		if (is_blank(c)) {
			lx->pos++;
		} else if (c == '#') {
			add_segment(ln, lx, seg, lx->pos);
			while (lx->pos < lx->len && lx->text[lx->pos] != '\n')
				lx->pos++;
			seg = lx->pos;
		} else if (c == '\\') {
			if (lex_backslash(lx, ln, &seg, err) < 0)
				return -1;
		} else if (ln->toks->len >= SCN_MAX_TOKENS) {
			return lex_fail(err, here(lx),
					"statement too long: a statement has at most %d words and symbols (docs/limits.md)",
					SCN_MAX_TOKENS);
		} else if (lex_token(lx, ln, err) < 0) {
			return -1;
		}
	}
	push_eol(ln);
	return 1;
}
