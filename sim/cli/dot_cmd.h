/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dot_cmd.h - `mmsim dot` (dot.c) and `mmsim lesson` (lesson.c): diagrams of
 * a scenario's state, taken while it runs.
 *
 * The recorder hangs on the runner's statement hook. After each `snapshot`
 * statement (or, with every_step, after each statement that can change the
 * model) it draws the requested view of the model (viz/dot_views.h) and
 * keeps the DOT text, marked against the previous picture when diff is set.
 * The commands write or render what it kept once the run is over.
 */
#ifndef MMSIM_DOT_CMD_H
#define MMSIM_DOT_CMD_H

#include "runner.h"

enum dot_view {
	DOT_VIEW_PAGETABLE,
	DOT_VIEW_CACHE,
	DOT_VIEW_FRAMES,
	DOT_VIEW_SYSTEM,
	DOT_VIEW_SWAP,
	DOT_VIEW_LIFE, /* one picture of the whole run, taken at its end */
};

struct dot_request {
	enum dot_view view;
	const char *process; /* pagetable: the process; NULL for the only one */
	const char *object;  /* cache: the object; NULL for the only one */
	const char *at;	     /* one snapshot (its text or number), or NULL for all */
	bool every_step;     /* a picture after every statement instead */
	bool diff;	     /* mark what changed since the previous picture */
	bool at_end;	     /* a picture at the end too, unless the scenario ends on a snapshot */
	int xarray;	     /* 1 XArray, 0 radix tree, -1 as the scenario's config tree= */
};

/* One picture. */
struct dot_snapshot {
	int number;	/* 1, 2, ... in the order taken (all of them, selected or not) */
	char *title;	/* the snapshot's text, or "line 12: A: write m[0]" */
	char *slug;	/* "01-just-after-fork": the base of its file name */
	int line;	/* the statement after which it was taken */
	int stmt;	/* its index in scn_file.stmts */
	bool selected;	/* asked for (--at) */
	char *dot;	/* the DOT text */
};

struct dot_recorder;

/*
 * Check @req against @f (the process and object exist, the snapshot named
 * by --at exists) and make a recorder, or set *err to a message that says
 * what is wrong and what is there.
 */
struct dot_recorder *dot_recorder_new(const struct scn_file *f, const struct dot_request *req,
				      GError **err);
void dot_recorder_free(struct dot_recorder *rec);
/* The statement hook (scn_run_options.hook) with the recorder as its data. */
bool dot_recorder_hook(void *data, const struct scn_file *f, const struct scn_stmt *s,
		       enum scn_hook_when when, struct scn_backend *be);
/* The pictures taken so far, struct dot_snapshot *, in order. */
GPtrArray *dot_recorder_snapshots(struct dot_recorder *rec);
/* "pagetable-A", "cache-M", "frames": the view part of a file name. */
const char *dot_recorder_view_tag(struct dot_recorder *rec);
/* Parse a --view name; an unknown one is refused with the list of views. */
bool dot_view_from_name(const char *name, enum dot_view *view, GError **err);

int cmd_dot(int argc, char **argv);
int cmd_lesson(int argc, char **argv);

#endif /* MMSIM_DOT_CMD_H */
