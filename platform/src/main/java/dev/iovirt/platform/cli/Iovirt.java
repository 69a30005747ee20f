package dev.iovirt.platform.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code iovirt} command line. Each subcommand is a class of this package; this one only
 * gathers them and sets the conventions: usage errors exit 2, failures exit 1 with one line on
 * standard error saying what went wrong, success exits 0. With no command it runs the built-in demo
 * topology ({@code iovirt run demo}): the README's first command.
 */
@Command(name = "iovirt",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "I/O virtualization and software-defined networking platform.",
        subcommands = {VersionCommand.class, InspectCommand.class, ValidateCommand.class, RunCommand.class, TraceCommand.class,
                CaptureCommand.class, ReportCommand.class, SwitchCommand.class, ControllerCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "With no command, iovirt runs the built-in demo topology (iovirt run demo).",
                "Run 'iovirt help COMMAND' for a command's options."})
public final class Iovirt implements java.util.concurrent.Callable<Integer> {
    /** Exit status of a command that failed (a bad file, a refused request). */
    public static final int EXIT_FAILURE = 1;
    /** Exit status of a command line that could not be understood. */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** No subcommand: run the demo. */
    @Override
    public Integer call() {
        return spec.commandLine().getSubcommands().get("run").execute("demo");
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
            c.getErr().println("Try '" + qualifiedName(c) + " --help' for more information.");
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
