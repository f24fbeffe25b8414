/* Placeholder until the interactive view lands (issue 5). */
#include "tui/tui.h"

#include <stdio.h>

int sw_tui_run(const struct sw_tui_source *src)
{
	(void)src;
	fprintf(stderr, "sipwatch: the interactive view is not built yet; use --report\n");
	return -1;
}
