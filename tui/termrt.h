/* SPDX-License-Identifier: BSD-2-Clause */
/* The interactive view's start-up on a machine with no terminfo database
 * and no locales (a phone's busybox shell): sipwatch carries compiled
 * terminfo entries for common terminals and glibc's C.UTF-8 character
 * table (LC_CTYPE), built in at build time (tui/CMakeLists.txt). When the
 * machine's own are missing, the one needed is written into a private
 * temporary directory, loaded from there (TERMINFO, LOCPATH), and removed
 * at once: ncurses has read the entry and glibc has mapped the table. */
#ifndef SW_TUI_TERMRT_H
#define SW_TUI_TERMRT_H

#include <stdbool.h>
#include <stddef.h>

#define TUI_RT_MAX_PATHS 12u

struct tui_rt {
	char dir[256];        /* the private directory, "" until made */
	unsigned char *tar;   /* the built-in files, inflated on first use */
	size_t tar_len;
	char *made[TUI_RT_MAX_PATHS]; /* files and directories made, in order */
	size_t nmade;
	char *old_terminfo, *old_locpath; /* the environment's, to restore */
	bool set_terminfo, set_locpath;
};

/* Whether the machine's terminfo database has `term`, looked up where
 * ncurses looks (TERMINFO, ~/.terminfo, TERMINFO_DIRS, /etc/terminfo,
 * /lib/terminfo, /usr/share/terminfo). Asked before newterm(), whose
 * failure leaks ncurses' pre-screen. */
bool tui_rt_system_has_terminfo(const char *term);

/* Whether a terminfo entry for `term` is built in. */
bool tui_rt_has_terminfo(struct tui_rt *rt, const char *term);

/* Writes the built-in entry for `term` and points TERMINFO at it (the
 * caller then retries newterm). 0, or -1 with a reason in err. */
int tui_rt_terminfo(struct tui_rt *rt, const char *term, char *err, size_t errlen);

/* Loads the built-in C.UTF-8 LC_CTYPE: LC_CTYPE is UTF-8 afterwards.
 * 0, or -1 with a reason in err. */
int tui_rt_utf8_locale(struct tui_rt *rt, char *err, size_t errlen);

/* Removes what was written, restores TERMINFO and LOCPATH, frees. */
void tui_rt_done(struct tui_rt *rt);

/* The names of the built-in terminfo entries, space-separated (--version
 * and docs; "" when the build has none). */
const char *tui_rt_terminals(void);

#endif
