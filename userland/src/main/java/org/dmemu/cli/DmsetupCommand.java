package org.dmemu.cli;

import java.io.PrintStream;
import java.util.List;

/**
 * dmsetup's command table and usage text: LVM2 2.02.56 tools/dmsetup.c {@code _commands[]},
 * {@code _find_command} and {@code _usage}. Each entry has the command's name, its help
 * line and its argument bounds (the words after the command; {@code maxArgs} -1 is
 * unbounded), in the C table's order, which is the order the usage lists them in.
 *
 * <p>Differences from NetBSD/LVM2: the entries carry no function pointer;
 * {@link Dmsetup} dispatches on the name.
 */
record DmsetupCommand(String name, String help, int minArgs, int maxArgs) {

    /** {@code _commands[]}. */
    static final List<DmsetupCommand> COMMANDS = List.of(
            new DmsetupCommand("help", "[-c|-C|--columns]", 0, 0),
            new DmsetupCommand("create", "<dev_name> [-j|--major <major> -m|--minor <minor>]\n"
                    + "\t                  [-U|--uid <uid>] [-G|--gid <gid>] [-M|--mode <octal_mode>]\n"
                    + "\t                  [-u|uuid <uuid>]\n"
                    + "\t                  [--notable | --table <table> | <table_file>]", 1, 2),
            new DmsetupCommand("remove", "[-f|--force] <device>", 0, 1),
            new DmsetupCommand("remove_all", "[-f|--force]", 0, 0),
            new DmsetupCommand("suspend", "[--noflush] <device>", 0, 1),
            new DmsetupCommand("resume", "<device>", 0, 1),
            new DmsetupCommand("load", "<device> [<table_file>]", 0, 2),
            new DmsetupCommand("clear", "<device>", 0, 1),
            new DmsetupCommand("reload", "<device> [<table_file>]", 0, 2),
            new DmsetupCommand("rename", "<device> <new_name>", 1, 2),
            new DmsetupCommand("message", "<device> <sector> <message>", 2, -1),
            new DmsetupCommand("ls", "[--target <target_type>] [--exec <command>] [--tree [-o options]]", 0, 0),
            new DmsetupCommand("info", "[<device>]", 0, 1),
            new DmsetupCommand("deps", "[<device>]", 0, 1),
            new DmsetupCommand("status", "[<device>] [--target <target_type>]", 0, 1),
            new DmsetupCommand("table", "[<device>] [--target <target_type>] [--showkeys]", 0, 1),
            new DmsetupCommand("wait", "<device> [<event_nr>]", 0, 2),
            new DmsetupCommand("mknodes", "[<device>]", 0, 1),
            new DmsetupCommand("udevflags", "<cookie>", 1, 1),
            new DmsetupCommand("udevcomplete", "<cookie>", 1, 1),
            new DmsetupCommand("udevcomplete_all", "", 0, 0),
            new DmsetupCommand("udevcookies", "", 0, 0),
            new DmsetupCommand("targets", "", 0, 0),
            new DmsetupCommand("version", "", 0, 0),
            new DmsetupCommand("setgeometry", "<device> <cyl> <head> <sect> <start>", 5, 5),
            new DmsetupCommand("splitname", "<device> [<subsystem>]", 1, 2));

    /** {@code _find_command}: the entry named {@code name}, or null. */
    static DmsetupCommand find(String name) {
        for (DmsetupCommand c : COMMANDS) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    /** {@code _usage}: the whole usage text, printed on {@code to} in one piece. */
    static void usage(PrintStream to) {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage:\n\n");
        sb.append("dmsetup [--version] [-v|--verbose [-v|--verbose ...]]\n"
                + "        [-r|--readonly] [--noopencount] [--nolockfs] [--inactive]\n"
                + "        [--noudevsync] [-y|--yes] [--readahead [+]<sectors>|auto|none]\n"
                + "        [-c|-C|--columns] [-o <fields>] [-O|--sort <sort_fields>]\n"
                + "        [--nameprefixes] [--noheadings] [--separator <separator>]\n\n");
        for (DmsetupCommand c : COMMANDS) {
            sb.append('\t').append(c.name()).append(' ').append(c.help()).append('\n');
        }
        sb.append("\n<device> may be device name or -u <uuid> or -j <major> -m <minor>\n");
        sb.append("<fields> are comma-separated.  Use 'help -c' for list.\n");
        sb.append("Table_file contents may be supplied on stdin.\n");
        sb.append("Tree options are: ascii, utf, vt100; compact, inverted, notrunc;\n"
                + "                  [no]device, active, open, rw and uuid.\n");
        sb.append("\n");
        to.print(sb);
    }
}
