// SPDX-License-Identifier: GPL-2.0
/* What the incidents of "vmacct repro" share: see repro-cases.h. */
#include <string.h>

#include "repro-cases.h"
#include "repro-child.h"
#include "repro-trace.h"

const char *repro_dev_error(int ret)
{
	return ret < 0 ? strerror(-ret) :
	       "ABI mismatch between the module and this tool";
}

int repro_start_traced(struct repro_ctx *x, struct repro_result *r,
		       struct child *ch, struct tracer **t, bool map_count,
		       bool decisions)
{
	int err;

	*t = tracer_new();
	if (!*t)
		FAIL(r, "out of memory");
	err = child_start(x->fd, ch);
	if (err)
		FAIL(r, "fork: %s", strerror(-err));
	if (tracer_open(x->g, x->o->verbose, *t, ch->pid, map_count, decisions))
		FAIL(r, "trace: %s", (*t)->error);
	return 0;
out:
	return -1;
}

void repro_stop_traced(struct child *ch, struct tracer *t)
{
	child_stop(ch);
	tracer_free(t);
}
