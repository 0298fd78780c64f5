/* SPDX-License-Identifier: GPL-2.0 */
/*
 * test_util.h - what several test files need (test_util.c): the lessons
 * under scenarios/ and the mmsim binary under test. Paths are relative to
 * the top directory, where the tests run.
 */
#ifndef MMSIM_TESTS_TEST_UTIL_H
#define MMSIM_TESTS_TEST_UTIL_H

#include <glib.h>

/* Every *.scn under scenarios/, sorted by path: a new array (freed with it). */
GPtrArray *lesson_files(void);

/* The mmsim binary the tests run: $MMSIM (make test: the sanitized one), else build/mmsim. */
const char *mmsim_under_test(void);

#endif /* MMSIM_TESTS_TEST_UTIL_H */
