package dev.senda.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Prints an exception as one clear line ("senda: error: ...") instead of a stack trace; the stack
 * trace is printed too when SENDA_DEBUG is set. Exit code 1. Public for the testbed's {@code senda demo}.
 */
public final class ErrorReporter implements IExecutionExceptionHandler {
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
}
