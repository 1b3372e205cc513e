#ifndef OCF_CMDLINE_H
#define OCF_CMDLINE_H

#include <stddef.h>

/*
 * Split a command line like systemd's ExecStart=: words separated by
 * whitespace; "double" and 'single' quotes group; backslash escapes the
 * next character (outside single quotes); no variables, no globbing, no
 * shell.  Returns 0 and a NULL-terminated malloc'd argv (free it with
 * ocf_argv_free), or -1 with err (unterminated quote, empty line).
 */
int ocf_split_cmdline(const char *line, char ***argv, char *err,
    size_t errlen);
void ocf_argv_free(char **argv);

#endif
