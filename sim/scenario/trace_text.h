/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace_text.h - the narrated trace: model events as text, a listener.
 *
 * In calls mode the kernel functions are printed as ftrace's
 * function_graph prints them, nested, with the state changes each made:
 *
 *	do_user_addr_fault() {
 *	  handle_mm_fault() {
 *	    __handle_mm_fault() {
 *	      handle_pte_fault() {
 *	        do_anonymous_page() {
 *	          pte A 0x600000000000: none -> zero page P US A NX special
 *	        }
 *	...
 * In events mode only the state changes are printed.
 */
#ifndef MMSIM_TRACE_TEXT_H
#define MMSIM_TRACE_TEXT_H

#include <stdio.h>

enum scn_trace_mode { SCN_TRACE_NONE, SCN_TRACE_EVENTS, SCN_TRACE_CALLS };

struct sim_tracer;
struct scn_text_tracer;

struct scn_text_tracer *scn_text_tracer_new(FILE *out, enum scn_trace_mode mode, int indent);
void scn_text_tracer_attach(struct scn_text_tracer *tt, struct sim_tracer *tracer);
/* Print what is pending (an entered function not yet known to be a leaf). */
void scn_text_tracer_flush(struct scn_text_tracer *tt);
void scn_text_tracer_free(struct scn_text_tracer *tt);

#endif /* MMSIM_TRACE_TEXT_H */
