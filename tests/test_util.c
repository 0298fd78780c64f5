// SPDX-License-Identifier: GPL-2.0
/* test_util.c - what several test files need (test_util.h). */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>

/* Every *.scn under @dir, into @out. */
static void collect(const char *dir, GPtrArray *out)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d))) {
		char *path = g_build_filename(dir, name, NULL);

		if (g_file_test(path, G_FILE_TEST_IS_DIR))
			collect(path, out);
		if (g_str_has_suffix(name, ".scn"))
			g_ptr_array_add(out, path);
		else
			g_free(path);
	}
}

/* g_ptr_array_sort() hands over pointers to the elements. */
static gint cmp_path(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

GPtrArray *lesson_files(void)
{
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);

	collect("scenarios", files);
	g_ptr_array_sort(files, cmp_path);
	return files;
}

const char *mmsim_under_test(void)
{
	const char *bin = getenv("MMSIM");

	return bin ? bin : "build/mmsim";
}
