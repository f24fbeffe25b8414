#include "cli/cli.h"
int sw_out_html(struct sw_app *app, const char *path, const uint32_t *items, size_t nitems,
                char *err, size_t errlen)
{
	snprintf(err, errlen, "todo");
	return -1;
}
