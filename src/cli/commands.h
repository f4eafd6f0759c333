/*
 * commands.h - the entry points of heapdoc's subcommands, one cmd_<name>.c
 * each.  main.c dispatches to them; each parses its own options.
 */
#ifndef HD_COMMANDS_H
#define HD_COMMANDS_H

/* ADD-COMMAND-DECLARATIONS (one line per command, keep sorted) */
int cmd_collect(int argc, char **argv);
int cmd_diagnose(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_flame(int argc, char **argv);
int cmd_folded(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_peek(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_tags(int argc, char **argv);
int cmd_traces(int argc, char **argv);
int cmd_tree(int argc, char **argv);
int cmd_trend(int argc, char **argv);

#endif /* HD_COMMANDS_H */
