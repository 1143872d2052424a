// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: the trace events of events.h, defined here once.
 */
#define CREATE_TRACE_POINTS
#include "events.h"
