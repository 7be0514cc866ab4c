package dev.senda.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Prints an exception as one clear line ("senda: error: ...") instead of a stack trace; the stack
 * trace is printed too when SENDA_DEBUG is set. A failed command exits 1; a wrong flag or setting
 * (picocli's {@link ParameterException}, also thrown by a command's own checks) exits 2, with a pointer
 * to the command's help rather than the whole help text. Public for the testbed's {@code senda demo}.
 */
public final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        StringBuilder msg = new StringBuilder(String.valueOf(ex.getMessage()));
        for (Throwable c = ex.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !msg.toString().contains(c.getMessage())) msg.append(": ").append(c.getMessage());
        }
        cmd.getErr().println("senda: error: " + msg);
        if (System.getenv("SENDA_DEBUG") != null) ex.printStackTrace(cmd.getErr());
        return 1;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        cmd.getErr().println("senda: error: " + ex.getMessage());
        cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the flags.");
        if (System.getenv("SENDA_DEBUG") != null) ex.printStackTrace(cmd.getErr());
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }
}
