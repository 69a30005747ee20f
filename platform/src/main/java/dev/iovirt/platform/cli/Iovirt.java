package dev.iovirt.platform.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code iovirt} command line. Each subcommand is a class of this package; this one only
 * gathers them and sets the conventions: usage errors exit 2, failures exit 1 with one line on
 * standard error saying what went wrong, success exits 0.
 */
@Command(name = "iovirt",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "I/O virtualization and software-defined networking platform.",
        subcommands = {VersionCommand.class, InspectCommand.class, ValidateCommand.class, RunCommand.class, TraceCommand.class,
                CaptureCommand.class, ReportCommand.class, SwitchCommand.class, ControllerCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Run 'iovirt help COMMAND' for a command's options."})
public final class Iovirt implements Runnable {
    /** Exit status of a command that failed (a bad file, a refused request). */
    public static final int EXIT_FAILURE = 1;
    /** Exit status of a command line that could not be understood. */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // No subcommand: say what there is, as git does.
        spec.commandLine().usage(spec.commandLine().getErr());
        throw new CommandLine.ParameterException(spec.commandLine(), "no command given");
    }

    /** A command line set up with iovirt's conventions, writing to the given streams. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Iovirt());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? EXIT_USAGE : EXIT_FAILURE);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println(qualifiedName(c) + ": " + ex.getMessage());
            if (!ex.getMessage().equals("no command given")) {
                c.getErr().println("Try '" + qualifiedName(c) + " --help' for more information.");
            }
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            c.getErr().println(qualifiedName(c) + ": " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
            return EXIT_FAILURE;
        });
        return cl;
    }

    static String qualifiedName(CommandLine c) {
        return c.getCommandSpec().qualifiedName();
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int status = commandLine(out, err).execute(args);
        out.flush();
        err.flush();
        System.exit(status);
    }
}
