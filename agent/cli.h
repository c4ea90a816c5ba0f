/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Subcommand entry points. Each takes argv with argv[0] = its own name
 * (wg style) and returns the process exit status.
 */
#ifndef VQ_CLI_H
#define VQ_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "print.h"

int flow_main(int argc, char *argv[]);
int flows_main(int argc, char *argv[]);
int stats_main(int argc, char *argv[]);
int config_main(int argc, char *argv[]);
int listen_main(int argc, char *argv[]);
int batch_main(int argc, char *argv[]);
int calls_main(int argc, char *argv[]);
int replay_main(int argc, char *argv[]);
int plan_main(int argc, char *argv[]);
int status_main(int argc, char *argv[]);
int monitor_main(int argc, char *argv[]);

/* Global options, subcommand lookup and run; batch calls it per line. */
int vq_run(int argc, char *argv[]);
/* Non-zero while a batch runs: batch refuses to nest. */
extern int vq_in_batch;

/* The parsed form of "flow SUB ARGS", split out for the unit tests. */
struct flow_args {
	struct vq_flow f;
	bool have_dst;
	bool excl;
	int op;		/* which flow subcommand, private to flow.c */
};

/* argv[0] is the flow subcommand (add, del, ...); 0 or EXIT_USAGE. */
int flow_parse(int argc, char *argv[], struct flow_args *a);

#endif
