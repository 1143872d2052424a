// SPDX-License-Identifier: GPL-2.0
/* Run the tool with stdout and stderr in temporary files: see run.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run.h"

extern char **environ;

static char *read_all(FILE *f)
{
	char *buf = NULL;
	size_t len = 0, n;
	char chunk[4096];
	FILE *m;

	rewind(f);
	m = open_memstream(&buf, &len);
	if (!m)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	if (fclose(m)) {
		free(buf);
		return NULL;
	}
	return buf;
}

int run_capture(char *const argv[], struct run_result *r)
{
	return run_capture_env(argv, NULL, r);
}

/* environ plus extra, later entries winning: a malloc'd array. */
static char **merge_env(char *const extra[])
{
	size_t n = 0, k = 0, i, j, len;
	char **env;

	while (environ[n])
		n++;
	while (extra && extra[k])
		k++;
	env = calloc(n + k + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (i = 0, j = 0; i < n; i++) {
		size_t x;
		bool replaced = false;

		len = strcspn(environ[i], "=");
		for (x = 0; x < k; x++)
			if (!strncmp(environ[i], extra[x], len) && extra[x][len] == '=')
				replaced = true;
		if (!replaced)
			env[j++] = environ[i];
	}
	for (i = 0; i < k; i++)
		env[j++] = extra[i];
	return env;
}

/*
 * Wait until the file the child writes its stdout to contains text, for
 * at most 10 s.  pread(): the child shares the file offset.
 */
static bool wait_for_output(FILE *out, const char *text)
{
	struct timespec pause = { 0, 20 * 1000000L };
	char buf[65536];
	ssize_t n;
	int i;

	for (i = 0; i < 500; i++) {
		n = pread(fileno(out), buf, sizeof(buf) - 1, 0);
		if (n >= 0) {
			buf[n] = '\0';
			if (strstr(buf, text))
				return true;
		}
		nanosleep(&pause, NULL);
	}
	return false;
}

static int run_spawn(char *const argv[], char *const extra[],
		     struct run_result *r, int sig, const char *wait_for,
		     const char *input);

int run_capture_env(char *const argv[], char *const extra[], struct run_result *r)
{
	return run_spawn(argv, extra, r, 0, NULL, NULL);
}

int run_capture_signal(char *const argv[], char *const extra[],
		       struct run_result *r, int sig, const char *wait_for)
{
	return run_spawn(argv, extra, r, sig, wait_for, NULL);
}

int run_capture_input(char *const argv[], char *const extra[],
		      struct run_result *r, const char *input)
{
	return run_spawn(argv, extra, r, 0, NULL, input);
}

static int run_spawn(char *const argv[], char *const extra[],
		     struct run_result *r, int sig, const char *wait_for,
		     const char *input)
{
	char **env;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t dfl;
	FILE *out = NULL, *err = NULL;
	int ret, wstatus;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->status = -1;
	out = tmpfile();
	err = tmpfile();
	if (!out || !err) {
		ret = -errno;
		goto out_close;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, input ? input : "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fileno(out), 1);
	posix_spawn_file_actions_adddup2(&fa, fileno(err), 2);
	env = merge_env(extra);
	if (!env) {
		posix_spawn_file_actions_destroy(&fa);
		ret = -ENOMEM;
		goto out_close;
	}
	/*
	 * The tool's signals as in a terminal, whatever this runner
	 * inherited: a shell starts a background job with SIGINT and
	 * SIGQUIT ignored, and the tool keeps an ignored SIGINT ignored.
	 */
	posix_spawnattr_init(&attr);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGQUIT);
	sigaddset(&dfl, SIGTERM);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	ret = posix_spawn(&pid, argv[0], &fa, &attr, argv, env);
	posix_spawnattr_destroy(&attr);
	free(env);
	posix_spawn_file_actions_destroy(&fa);
	if (ret) {
		ret = -ret;
		goto out_close;
	}
	if (sig) {
		struct timespec tick = { 0, 100 * 1000 * 1000 };
		int tries;

		if (!wait_for_output(out, wait_for))
			sig = SIGKILL;
		/*
		 * Send it again until the tool is gone (up to 30 s): a signal
		 * that lands before the tool installs its handler and blocks
		 * it is otherwise lost, and the tool waits for records that
		 * never come.
		 */
		for (tries = 0; tries < 300; tries++) {
			kill(pid, sig);
			if (waitpid(pid, &wstatus, WNOHANG) == pid)
				goto reaped;
			nanosleep(&tick, NULL);
		}
		kill(pid, SIGKILL);
	}
	while (waitpid(pid, &wstatus, 0) < 0) {
		if (errno != EINTR) {
			ret = -errno;
			goto out_close;
		}
	}
reaped:
	if (WIFEXITED(wstatus))
		r->status = WEXITSTATUS(wstatus);
	r->out = read_all(out);
	r->err = read_all(err);
	ret = 0;
out_close:
	if (out)
		fclose(out);
	if (err)
		fclose(err);
	return ret;
}

void run_free(struct run_result *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}
