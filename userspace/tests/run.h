/* SPDX-License-Identifier: GPL-2.0 */
/* Run the built tool and capture what it says. */
#ifndef VMACCT_TEST_RUN_H
#define VMACCT_TEST_RUN_H

struct run_result {
	int status;	/* exit code, or -1 if it did not exit normally */
	char *out;	/* stdout, malloc'd */
	char *err;	/* stderr, malloc'd */
};

/* argv[0] is the program; NULL-terminated.  0 or -errno. */
int run_capture(char *const argv[], struct run_result *r);
/* The same with "NAME=value" strings added to the environment (NULL-terminated). */
int run_capture_env(char *const argv[], char *const env[], struct run_result *r);
/*
 * The same, and once the program's stdout contains wait_for, send it sig
 * (within 10 s, or SIGKILL and status -1).
 */
int run_capture_signal(char *const argv[], char *const env[],
		       struct run_result *r, int sig, const char *wait_for);
/* The same as run_capture_env() with standard input read from the file input. */
int run_capture_input(char *const argv[], char *const env[], struct run_result *r,
		      const char *input);
void run_free(struct run_result *r);

#endif
